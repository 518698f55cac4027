/**
 * The read-ahead thread (see read-ahead.ts): walks the roots exactly as the scan would, reads
 * each file as the walk finds it, and sends the files in walk order, a chunk at a time, with
 * their bytes in one transferred buffer per chunk.
 */
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import type { Diagnostic } from '../model/diagnostic.js';
import { sniff } from './classify.js';
import { hostKeyOf } from './host-key.js';
import { readCapped, walk, type FoundFile } from './walk.js';
import { CHUNK_BYTES, CHUNK_FILES, MAX_CHUNKS_AHEAD, POSTED, TAKEN, type ReadAheadInput, type ReadAheadMessage, type SentFile } from './read-ahead-protocol.js';

const input = workerData as ReadAheadInput;
const { port, signal } = input;
const chunksAhead = input.chunksAhead ?? MAX_CHUNKS_AHEAD;

let files: SentFile[] = [];
// The chunk being filled: files are read straight into it (readCapped's room), one after
// another, and it is sent (transferred) whole.
let chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
let bytes = 0;
let sent = 0;
let lowered = false;

/**
 * Once the first chunk is out, the lowest priority, for this thread only: from then on the
 * thread should use what the judging thread and V8's compiler and garbage-collector threads
 * leave of the cores, not take turns with them (until then it starts at normal priority while
 * the main thread judges the files of its head start). Measured on 2 vCPUs, 10,000 files: at normal
 * priority the read-ahead saved the main thread 0.3 s of CPU and the scan no wall time
 * (1.34 s either way); at nice 19 the scan took 1.24 s. Only on Linux, where a thread's nice
 * value is its own: elsewhere it would lower the whole process. (If the thread starves, the
 * main thread takes over: see read-ahead.ts.)
 */
function lowerPriority(): void {
  lowered = true;
  if (process.platform !== 'linux') return;
  try {
    setPriority(19);
  } catch {
    // Not allowed here (some sandboxes): the thread stays at normal priority, which is only slower.
  }
}

function post(message: ReadAheadMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, POSTED, 1);
  Atomics.notify(signal, POSTED);
}

/** Sends the chunk so far, after waiting (bounded by the scan's own pace) for room. */
function flush(): void {
  if (files.length === 0) return;
  // Memory stays bounded however far the walk runs ahead of judging.
  while (Atomics.load(signal, POSTED) - Atomics.load(signal, TAKEN) >= chunksAhead) {
    Atomics.wait(signal, TAKEN, Atomics.load(signal, TAKEN), 1000);
  }
  post({ kind: 'files', files, bytes: chunk.buffer as ArrayBuffer }, [chunk.buffer as ArrayBuffer]);
  files = [];
  chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  bytes = 0;
  if (!lowered) lowerPriority();
}

/** Where the next file's `size` bytes go: the chunk's free part (a file larger than a chunk gets one of its own). */
function room(size: number): Buffer {
  if (bytes + size > chunk.length) {
    flush();
    if (size > chunk.length) chunk = Buffer.allocUnsafeSlow(size);
  }
  return chunk.subarray(bytes, bytes + size);
}

let skipped = 0;

/** The walk began with other files than the main thread's head start. */
class TreeChanged extends Error {
  constructor() {
    super('the tree changed while it was walked');
  }
}

function onFile(file: FoundFile): void {
  if (skipped < input.head.length) {
    if (file.absPath !== input.head[skipped]) throw new TreeChanged();
    skipped += 1;
    return;
  }
  if (input.failAfter !== undefined && sent >= input.failAfter) {
    if (input.failHow === 'exit') process.exit(0); // ends this thread only, without a word
    throw new Error('read-ahead stopped by a test (failAfter)');
  }
  const read = readCapped(file, input.maxFileBytes, room);
  const sentFile: SentFile = { absPath: file.absPath, relPath: file.relPath, size: read.size, mode: read.mode, length: -1, hostKey: hostKeyOf(file.absPath, input.hostRoots) };
  if (read.diagnostic) sentFile.diagnostic = read.diagnostic;
  if (read.content) {
    // At `bytes` in the chunk (room() put it there), however many were read.
    sentFile.length = read.content.length;
    bytes += read.content.length;
    const { isText, wholeAscii, found } = sniff(file.relPath, read.content);
    sentFile.sniffed = { isText, wholeAscii, found };
  }
  files.push(sentFile);
  sent += 1;
  if (files.length >= CHUNK_FILES || bytes >= CHUNK_BYTES) flush();
}

try {
  const walked: { diagnostics: Diagnostic[] } = walk(input.roots, { cwd: input.cwd, onFile });
  if (skipped < input.head.length) throw new TreeChanged(); // fewer files now than the head
  flush();
  post({ kind: 'end', diagnostics: walked.diagnostics });
} catch (err) {
  post({ kind: 'failed', message: (err as Error).message, treeChanged: err instanceof TreeChanged });
}
