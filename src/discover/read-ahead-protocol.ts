/**
 * What the read-ahead thread (read-ahead-worker.ts) and the main thread (read-ahead.ts) say
 * to each other. A module of its own, so the thread loads nothing else of the main side.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Sniffed } from './classify.js';

/** Slots of the shared signal: chunks posted by the thread, chunks taken by the main thread. */
export const POSTED = 0;
export const TAKEN = 1;
/** A chunk is sent at this many files or bytes, whichever comes first. */
export const CHUNK_FILES = 64;
export const CHUNK_BYTES = 1 << 20;
/**
 * Chunks sent and not yet taken before the thread waits, which bounds the memory they hold:
 * 64 chunks of 64 files, each chunk 1 MiB (a file larger than that makes a chunk of its own
 * size, up to --max-file-size).
 */
export const MAX_CHUNKS_AHEAD = 64;

export interface ReadAheadInput {
  roots: string[];
  cwd: string;
  maxFileBytes: number;
  /** The roots host keys are counted from (ScanSettings.roots). */
  hostRoots: string[];
  /**
   * The paths of the first files of the walk, which the main thread has already: not sent.
   * If the thread's walk starts with any other files, the tree changed and it fails.
   */
  head: string[];
  port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: [POSTED, TAKEN]. */
  signal: Int32Array;
  /** Tests only: the thread fails after sending this many files (by throwing, or by ending without a word). */
  failAfter?: number;
  failHow?: 'throw' | 'exit';
  /** Tests only: MAX_CHUNKS_AHEAD instead. */
  chunksAhead?: number;
}

/** One file as the thread sends it: its bytes are `length` bytes of the chunk's buffer (-1: none). */
export interface SentFile {
  absPath: string;
  relPath: string;
  size: number;
  mode: number;
  length: number;
  hostKey: string;
  /** classify.ts sniff() of its bytes, when it has some. */
  sniffed?: Sniffed;
  diagnostic?: Diagnostic;
}

export type ReadAheadMessage = { kind: 'files'; files: SentFile[]; bytes: ArrayBuffer } | { kind: 'end'; diagnostics: Diagnostic[] } | { kind: 'failed'; message: string; treeChanged: boolean };

