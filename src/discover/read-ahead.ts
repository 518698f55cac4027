/**
 * Walks and reads the scan's files on a second thread while the main thread judges them.
 *
 * Why: walking and reading a tree is system calls (a 10,000-file tree: about 20,000
 * directory listings and 10,000 opens), which cost a thread the same time whoever makes
 * them; on the main thread they came before and between the judging. On another thread
 * they overlap with it: the main thread gets the files in walk order, read, a chunk at a
 * time, their bytes in one buffer per chunk that is moved (transferred), not copied.
 *
 * The thread runs at the lowest priority once its first chunk is out (read-ahead-worker.ts):
 * on two cores the main thread and V8's compiler and garbage-collector threads already
 * keep both busy, and at normal priority the thread took as much wall time as it saved.
 * The main thread walks the first files itself while the thread starts (HEAD_FILES).
 *
 * The walk is the scan's own (walk.ts, same options), so the files, their order and the
 * diagnostics are the ones the main thread would have found. If the thread fails, ends, or
 * keeps the main thread waiting too long (a busy machine may give a nice-19 thread next to
 * nothing), the main thread stops it, walks again itself and goes on with the files it has
 * not had yet, reading them itself: that costs time, never results. Only a tree that changes
 * while it is scanned can then differ from one walk (said in a diagnostic when the thread
 * saw it change).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { POSTED, TAKEN, type ReadAheadInput, type ReadAheadMessage } from './read-ahead-protocol.js';
import { walk, type FoundFile } from './walk.js';

/** The thread's script, bundled beside the scan worker (src/cli/build-cli.ts). */
const READ_AHEAD_SCRIPT = path.join(PACKAGE_ROOT, 'dist', 'bundle-worker', 'read-ahead-worker.js');

export interface ReadAheadOptions {
  maxFileBytes: number;
  /** The roots host keys are counted from (ScanSettings.roots); each file comes with its hostKey. */
  hostRoots: string[];
  cwd?: string;
  /** Tests only: HEAD_FILES instead. */
  headFiles?: number;
  /** Tests only: see ReadAheadInput. */
  failAfter?: number;
  failHow?: 'throw' | 'exit';
  chunksAhead?: number;
  /** Tests only: WAIT_LIMIT_MS instead. */
  waitLimitMs?: number;
}

/** Atomics.waitAsync (Node ≥ 16; TypeScript's lib has it only from ES2024). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** The thread and what it is spoken to by. */
interface Thread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  /** Settles when the thread has ended (for whatever reason). */
  exited: Promise<void>;
}

/**
 * Waiting for the thread longer than this in all, the main thread takes over. A scan of
 * 10,000 files waits 0-100 ms; a thread that gets no CPU (a busy machine, nice 19) would
 * make it wait for good.
 */
const WAIT_LIMIT_MS = 500;

/**
 * Files the main thread walks itself (not reads: the batch does) while the thread starts,
 * which takes about 30 ms (a Node worker's own start): the first batch is judged meanwhile,
 * instead of waited for. A tree no larger is walked here alone, with no thread at all.
 */
const HEAD_FILES = 256;

export class ReadAhead {
  /** The walk's diagnostics, once next() has said the walk is over. */
  diagnostics: Diagnostic[] = [];
  /** The paths of the files given so far (after a failure, the rest are the others). */
  private readonly deliveredPaths: string[] = [];
  private done = false;
  private gone = false;
  private waitedMs = 0;

  private constructor(
    private head: FoundFile[] | undefined,
    private readonly thread: Thread | undefined,
    private readonly roots: string[],
    private readonly cwd: string,
    private readonly waitLimitMs: number,
  ) {
    if (!thread) return;
    // The thread is kept referenced (the caller stops it when done: stop()).
    thread.worker.on('error', () => undefined); // seen as `gone`: the main thread walks itself
    void thread.exited.then(() => {
      this.gone = true;
    });
  }

  /**
   * Walks the first files here, then starts the thread on the rest (if there is a rest);
   * undefined when the thread cannot be started (no built script), and the caller walks itself.
   */
  static start(roots: string[], opts: ReadAheadOptions): ReadAhead | undefined {
    if (!existsSync(READ_AHEAD_SCRIPT)) return undefined;
    const cwd = opts.cwd ?? process.cwd();
    const headFiles = opts.headFiles ?? HEAD_FILES;
    const waitLimitMs = opts.waitLimitMs ?? WAIT_LIMIT_MS;
    // One file more than the head: only a tree with files after the head gets a thread.
    const walked = walk(roots, { cwd, stopAfter: headFiles + 1 });
    if (!walked.stopped) {
      const whole = new ReadAhead(walked.files, undefined, roots, cwd, waitLimitMs);
      whole.diagnostics = walked.diagnostics;
      return whole;
    }
    const head = walked.files.slice(0, headFiles);
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const input: ReadAheadInput = {
      roots,
      cwd,
      maxFileBytes: opts.maxFileBytes,
      hostRoots: opts.hostRoots,
      head: head.map((f) => f.absPath),
      port: port2,
      signal,
      failAfter: opts.failAfter,
      failHow: opts.failHow,
      chunksAhead: opts.chunksAhead,
    };
    const worker = new Worker(READ_AHEAD_SCRIPT, { workerData: input, transferList: [port2] });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    return new ReadAhead(head, { worker, port: port1, signal, exited }, roots, cwd, waitLimitMs);
  }

  /**
   * The next files in walk order, undefined once all were given. Files from the thread come
   * with their bytes in `prefetched`; the head (and, after a failure, the rest) without.
   */
  async next(): Promise<FoundFile[] | undefined> {
    if (this.head) {
      const head = this.head;
      this.head = undefined;
      if (!this.thread) this.done = true;
      else for (const f of head) this.deliveredPaths.push(f.absPath);
      return head;
    }
    const thread = this.thread;
    while (!this.done && thread) {
      // Read before looking: a chunk posted after this cannot then be waited past.
      const posted = Atomics.load(thread.signal, POSTED);
      const wasGone = this.gone; // the thread posts everything before it exits
      const got = receiveMessageOnPort(thread.port) as { message: ReadAheadMessage } | undefined;
      if (got) {
        Atomics.add(thread.signal, TAKEN, 1);
        Atomics.notify(thread.signal, TAKEN);
        const files = this.take(got.message);
        if (files) return files;
      } else if (wasGone || this.waitedMs > this.waitLimitMs) {
        return this.walkHere(false);
      } else {
        // Until a chunk comes, the thread ends, or 100 ms pass. The timer also keeps the event
        // loop alive: a pending Atomics.waitAsync does not, and a thread that ended without a
        // word would otherwise end the process with this scan unfinished.
        const since = performance.now();
        const wait = waitAsync(thread.signal, POSTED, posted, 100);
        if (wait.async) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([wait.value, thread.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 100)))]);
          clearTimeout(timer);
        }
        this.waitedMs += performance.now() - since;
      }
    }
    return undefined;
  }

  /** Tests only: chunks the thread has posted so far (-1: no thread). */
  postedChunks(): number {
    return this.thread ? Atomics.load(this.thread.signal, POSTED) : -1;
  }

  /** Lets the thread go (it is stopped if still running). */
  stop(): void {
    if (!this.thread) return;
    this.thread.port.close();
    void this.thread.worker.terminate();
  }

  private take(message: ReadAheadMessage): FoundFile[] | undefined {
    if (message.kind === 'end') {
      this.diagnostics = message.diagnostics;
      this.done = true;
      return undefined;
    }
    if (message.kind === 'failed') return this.walkHere(message.treeChanged);
    const files: FoundFile[] = new Array(message.files.length);
    let at = 0;
    for (let i = 0; i < message.files.length; i++) {
      const f = message.files[i]!;
      const content = f.length >= 0 ? Buffer.from(message.bytes, at, f.length) : undefined;
      if (f.length > 0) at += f.length;
      files[i] = { absPath: f.absPath, relPath: f.relPath, prefetched: { content, size: f.size, mode: f.mode, diagnostic: f.diagnostic, sniffed: f.sniffed }, hostKey: f.hostKey };
    }
    for (const f of files) this.deliveredPaths.push(f.absPath);
    return files;
  }

  /**
   * The thread is of no more use: the walk again, here, and the files it finds that were not
   * given yet, unread (the caller reads them). treeChanged: the thread saw the tree change.
   */
  private walkHere(treeChanged: boolean): FoundFile[] {
    this.stop();
    const walked = walk(this.roots, { cwd: this.cwd });
    this.diagnostics = walked.diagnostics;
    if (treeChanged) {
      this.diagnostics.push({
        level: 'warning',
        code: 'discover/tree-changed',
        message: 'files were added or removed while the tree was scanned; a file added meanwhile may be judged apart from the rest of its host',
      });
    }
    this.done = true;
    const given = new Set(this.deliveredPaths);
    return walked.files.filter((f) => !given.has(f.absPath));
  }
}
