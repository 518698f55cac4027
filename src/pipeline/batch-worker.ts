/**
 * A worker thread of a streamed scan (see batch-workers.ts): loads the same rules, then takes
 * batch numbers from the shared counter until none are left, sending each digest back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planRuns } from '../engine/evaluate.js';
import { loadRuleSet } from './scan.js';
import { digestBatch } from './streamed-text.js';
import type { WorkerInput, WorkerMessage } from './batch-workers.js';

const input = workerData as WorkerInput;
const ruleSet = await loadRuleSet(input.packNames);
const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
const stream = { ...input.stream, settings: { ...input.stream.settings, now: new Date(input.stream.settings.now) } };
for (let i = Atomics.add(input.counter, 0, 1); i < input.batches.length; i = Atomics.add(input.counter, 0, 1)) {
  const digest = await digestBatch(input.batches[i]!, ruleSet, runs, stream);
  const message: WorkerMessage = { kind: 'digest', index: i, digest };
  parentPort!.postMessage(message, [digest.fileGroups.text.buffer as ArrayBuffer]);
}
parentPort!.postMessage({ kind: 'done' } satisfies WorkerMessage);
