import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTree } from '../bench/vsftpd-bench.js';

/**
 * A worker that takes a batch and dies before sending it must cost time, never results:
 * the main thread judges that batch again (src/pipeline/batch-workers.ts). The built
 * package is copied with its worker script swapped for one that does exactly that, so the
 * real recovery code runs against a real dying thread.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const FILES = 300;
let pkg: string;
let tree: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'bundle-worker', 'batch-worker.js'))) throw new Error('run npm run build first: the worker script is built');
  pkg = mkdtempSync(path.join(tmpdir(), 'ftps-audit-dying-worker-'));
  cpSync(path.join(ROOT, 'dist'), path.join(pkg, 'dist'), { recursive: true });
  for (const shared of ['rules', 'schemas', 'templates', 'node_modules', 'package.json']) symlinkSync(path.join(ROOT, shared), path.join(pkg, shared));
  // Takes one batch number off the shared counter, notes which, and ends the thread.
  writeFileSync(
    path.join(pkg, 'dist', 'bundle-worker', 'batch-worker.js'),
    [
      "import { writeFileSync } from 'node:fs';",
      "import { workerData } from 'node:worker_threads';",
      'const taken = Atomics.add(workerData.counter, 0, 1);',
      "writeFileSync(new URL('./taken-batch', import.meta.url), String(taken));",
      'process.exit(3);',
      '',
    ].join('\n'),
  );
  tree = path.join(pkg, 'tree');
  generateTree(tree, FILES);
});

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

describe('a worker thread that dies with a batch taken', () => {
  it('loses nothing: the text equals the main thread judging every batch alone', async () => {
    const dist = (p: string) => import(pathToFileURL(path.join(pkg, 'dist', p)).href);
    const { digestInParallel } = await dist('pipeline/batch-workers.js');
    const { planBatches, finishStreamedText } = await dist('pipeline/streamed-text.js');
    const { loadRuleSet, defaultSettings } = await dist('pipeline/scan.js');
    const { planRuns } = await dist('engine/evaluate.js');
    const { walk } = await dist('discover/walk.js');
    const settings = defaultSettings({ roots: [tree] });
    const stream = { settings, maxFileBytes: 5 * 1024 * 1024, failOn: 'low', color: false, showPasses: false };
    const ruleSet = await loadRuleSet();
    const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
    const walked = walk([tree]);
    const batches = planBatches(walked.files, [tree], 5);
    const text = (digests: unknown) =>
      Buffer.concat(finishStreamedText(digests, walked.diagnostics, ruleSet, runs, stream).text.map((p: string | Uint8Array) => Buffer.from(p))).toString('utf8');

    const alone = text(await digestInParallel(batches, undefined, ruleSet, runs, stream, 0));
    const marker = path.join(pkg, 'dist', 'bundle-worker', 'taken-batch');
    // The worker starts while the main thread is already judging: if the main thread took
    // every batch first, the worker died holding none and the run proves nothing: try again
    // (at most 5 times; on this machine the first run nearly always does it).
    let exercised = 0;
    for (let attempt = 0; attempt < 5 && exercised === 0; attempt++) {
      rmSync(marker, { force: true });
      const withDyingWorker = text(await digestInParallel(batches, undefined, ruleSet, runs, stream, 1));
      expect(withDyingWorker).toBe(alone);
      const taken = Number(readFileSync(marker, 'utf8'));
      if (taken < batches.length) exercised++;
    }
    // The worker really took a batch and sent nothing; that batch is in the text all the same.
    expect(exercised).toBe(1);
    expect(alone.match(/\(vsftpd-conf\)/g)?.length).toBe(FILES);
  });
});
