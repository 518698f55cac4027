/**
 * `scan` with one text output, streamed (see streamed-text.ts): walk, cut into batches of
 * whole hosts, judge them (on several threads with --jobs), print.
 */
import { ReadAhead } from '../discover/read-ahead.js';
import { walk } from '../discover/walk.js';
import { planRuns } from '../engine/evaluate.js';
import { digestInParallel, workerCount } from './batch-workers.js';
import { loadRuleSet } from './scan.js';
import { batchesAsFound, digestBatch, finishStreamedText, planBatches, type BatchDigest, type StreamedText, type StreamSettings } from './streamed-text.js';

/**
 * Batches of about this many files: large enough to judge rule by rule, small enough to let
 * go. Less of a batch is alive when the young-generation collector runs, so less is copied
 * and promoted: paired runs of the 10,000-file scan (21 pairs) took 30 ms less with 50 than
 * with 100 (25 was no better than 50).
 */
const BATCH_FILES = 50;

export interface StreamScanOptions {
  /** Threads in all (--jobs); default 1: the main thread only. */
  jobs?: number;
  /** Tests only: the read-ahead thread fails after this many files (see ReadAhead). */
  readAheadFailAfter?: number;
}

/**
 * The text report of a scan with no gate but inline waivers, judged batch by batch.
 * Undefined when the canonical scan must do it (see finishStreamedText).
 *
 * With one thread judging (the default), a second one walks and reads the tree meanwhile
 * (src/discover/read-ahead.ts), started first so that it runs while the rules load. With
 * --jobs, every thread judges and reads its own batches.
 */
export async function runStreamedTextScan(paths: string[], packNames: string[] | undefined, stream: StreamSettings, opts: StreamScanOptions = {}): Promise<StreamedText | undefined> {
  const readAhead = (opts.jobs ?? 1) <= 1 ? ReadAhead.start(paths, { maxFileBytes: stream.maxFileBytes, hostRoots: stream.settings.roots, failAfter: opts.readAheadFailAfter }) : undefined;
  try {
    const ruleSet = await loadRuleSet(packNames);
    const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
    if (readAhead) {
      const digests: BatchDigest[] = [];
      for await (const batch of batchesAsFound(() => readAhead.next(), stream.settings.roots, BATCH_FILES)) {
        digests.push(await digestBatch(batch, ruleSet, runs, stream));
      }
      return finishStreamedText(digests, readAhead.diagnostics, ruleSet, runs, stream);
    }
    const walked = walk(paths);
    const batches = planBatches(walked.files, stream.settings.roots, BATCH_FILES);
    const workers = workerCount(opts.jobs, batches.length);
    const digests = await digestInParallel(batches, packNames, ruleSet, runs, stream, workers);
    return finishStreamedText(digests, walked.diagnostics, ruleSet, runs, stream);
  } finally {
    readAhead?.stop();
  }
}
