/**
 * Judges the batches of a streamed scan on several threads. The main thread and the workers
 * take batch numbers from one shared counter (Atomics), so a slow batch never leaves a thread
 * idle and nothing has to be handed out; each worker sends back its digests (rendered bytes
 * transferred, not copied). A batch a worker took but did not finish (the worker failed) is
 * judged again on the main thread, so a failing worker costs time, never results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FoundFile } from '../discover/walk.js';
import type { PlannedRun } from '../engine/evaluate.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { ScanSettings } from '../model/inventory.js';
import type { RuleSet } from './scan.js';
import { digestBatch, type BatchDigest, type StreamSettings } from './streamed-text.js';

/**
 * The built worker script, bundled like the CLI (dist/bundle-worker, see src/cli/build-cli.ts)
 * so a worker starts by loading a few files, not every module of the pipeline. Workers run
 * JavaScript, so tests of src/ use it from dist/ too.
 */
const WORKER_SCRIPT = path.join(PACKAGE_ROOT, 'dist', 'bundle-worker', 'batch-worker.js');

/** What a worker is started with (structured-cloned: plain data, dates as numbers). */
export interface WorkerInput {
  packNames: string[] | undefined;
  stream: Omit<StreamSettings, 'settings'> & { settings: Omit<ScanSettings, 'now'> & { now: number } };
  batches: FoundFile[][];
  /** Int32Array over a SharedArrayBuffer: [next batch number]. */
  counter: Int32Array;
}

export type WorkerMessage = { kind: 'digest'; index: number; digest: BatchDigest } | { kind: 'done' };

/**
 * Threads to add to the main one: --jobs N gives N in all (no more than there are batches
 * and cores). None unless asked: on the 2-vCPU machines we measure on, a second thread made
 * a 10,000-file scan no faster (1.32 s against 1.26 s) and cost about 40% more CPU: the
 * garbage collector and the compiler already keep the second core busy, and each thread
 * repeats their warm-up.
 */
export function workerCount(jobs: number | undefined, batches: number): number {
  if (jobs === undefined || batches < 2 || !existsSync(WORKER_SCRIPT)) return 0;
  return Math.max(0, Math.min(jobs - 1, batches - 1, availableParallelism() - 1));
}

/** Digests of every batch, in batch order, judged by the main thread and `workers` more. */
export async function digestInParallel(
  batches: FoundFile[][],
  packNames: string[] | undefined,
  ruleSet: RuleSet,
  runs: PlannedRun[],
  stream: StreamSettings,
  workers: number,
): Promise<BatchDigest[]> {
  const digests: (BatchDigest | undefined)[] = new Array(batches.length);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const input: WorkerInput = {
    packNames,
    stream: { ...stream, settings: { ...stream.settings, now: stream.settings.now.getTime() } },
    batches,
    counter,
  };
  const threads = Array.from({ length: workers }, () => startWorker(input, digests));
  try {
    // The main thread takes batches too, until none are left.
    for (let i = Atomics.add(counter, 0, 1); i < batches.length; i = Atomics.add(counter, 0, 1)) {
      digests[i] = await digestBatch(batches[i]!, ruleSet, runs, stream);
    }
  } catch (err) {
    // The scan has failed: the workers' batches are of no use, and must not keep the process alive.
    for (const t of threads) void t.worker.terminate();
    throw err;
  }
  await Promise.all(threads.map((t) => t.finished));
  // Batches taken by a worker that failed before sending them.
  for (let i = 0; i < batches.length; i++) digests[i] ??= await digestBatch(batches[i]!, ruleSet, runs, stream);
  return digests as BatchDigest[];
}

/** Starts one worker; `finished` resolves (never rejects) when it is done or has failed. */
function startWorker(input: WorkerInput, digests: (BatchDigest | undefined)[]): { worker: Worker; finished: Promise<void> } {
  const worker = new Worker(WORKER_SCRIPT, { workerData: input });
  const finished = new Promise<void>((resolve) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'digest') digests[m.index] = m.digest;
    });
    worker.on('error', () => undefined); // its batches are judged again (see above)
    worker.on('exit', () => resolve());
  });
  return { worker, finished };
}
