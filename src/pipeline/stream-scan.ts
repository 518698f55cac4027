/**
 * `scan` with one text output, streamed (see streamed-text.ts): walk, cut into batches of
 * whole hosts, judge them (on several threads with --jobs), print.
 */
import { walk } from '../discover/walk.js';
import { planRuns } from '../engine/evaluate.js';
import { digestInParallel, workerCount } from './batch-workers.js';
import { loadRuleSet } from './scan.js';
import { finishStreamedText, planBatches, type StreamedText, type StreamSettings } from './streamed-text.js';

/** Batches of about this many files: large enough to judge rule by rule, small enough to let go. */
const BATCH_FILES = 100;

export interface StreamScanOptions {
  /** Threads in all (--jobs); default 1: the main thread only. */
  jobs?: number;
}

/**
 * The text report of a scan with no gate but inline waivers, judged batch by batch.
 * Undefined when the canonical scan must do it (see finishStreamedText).
 */
export async function runStreamedTextScan(paths: string[], packNames: string[] | undefined, stream: StreamSettings, opts: StreamScanOptions = {}): Promise<StreamedText | undefined> {
  const ruleSet = await loadRuleSet(packNames);
  const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
  const walked = walk(paths);
  const batches = planBatches(walked.files, stream.settings.roots, BATCH_FILES);
  const workers = workerCount(opts.jobs, batches.length);
  const digests = await digestInParallel(batches, packNames, ruleSet, runs, stream, workers);
  return finishStreamedText(digests, walked.diagnostics, ruleSet, runs, stream);
}
