import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTree } from '../bench/vsftpd-bench.js';
import { walk } from '../src/discover/walk.js';
import { planRuns } from '../src/engine/evaluate.js';
import { applyGates } from '../src/gate/index.js';
import { modelsOf } from '../src/model/inventory.js';
import { digestInParallel } from '../src/pipeline/batch-workers.js';
import { hostKeyOf } from '../src/pipeline/hosts.js';
import { defaultSettings, loadRuleSet, runScan } from '../src/pipeline/scan.js';
import { runStreamedTextScan } from '../src/pipeline/stream-scan.js';
import { finishStreamedText, planBatches, type StreamSettings } from '../src/pipeline/streamed-text.js';
import { renderText } from '../src/report/text.js';

/**
 * The streamed text scan (batches of whole hosts, worker threads, results let go batch by
 * batch) must print exactly what the canonical report prints. The tree mixes what could
 * make them differ: several hosts with certificates and firewall files, thousands of
 * results, vsftpd-only hosts judged as one group, a file outside any etc/, a per-user
 * file, and inline waivers (one applied, one stale).
 */
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
let tree: string;
let out: string;

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-stream-'));
  out = mkdtempSync(path.join(tmpdir(), 'ftps-audit-stream-out-'));
  cpSync(path.join(ROOT, 'samples'), path.join(tree, 'fleet'), { recursive: true });
  generateTree(path.join(tree, 'gen'), 420);
  const waived = path.join(tree, 'waived', 'etc');
  mkdirSync(path.join(waived, 'vsftpd', 'users'), { recursive: true });
  writeFileSync(
    path.join(waived, 'vsftpd.conf'),
    'listen=YES\nssl_enable=YES\n#ftps-audit-ignore vsftpd/ssl-reuse-not-required FileZilla 3.2 fleet, CAB-118\nrequire_ssl_reuse=NO\n#ftps-audit-ignore vsftpd/debug-ssl nothing to waive here\nlocal_umask=077\nuser_config_dir=/etc/vsftpd/users\n',
  );
  writeFileSync(path.join(waived, 'vsftpd', 'users', 'bob'), 'local_root=/srv/bob\nbogus_option=1\n');
  mkdirSync(path.join(tree, 'loose'), { recursive: true });
  writeFileSync(path.join(tree, 'loose', 'vsftpd.conf'), 'anonymous_enable=YES\nssl_enable=NO\nlocal_enable=NÖ\n');
  // Text beyond ASCII everywhere a group takes text from (the streamed groups are written as
  // UTF-8 bytes): the path, a Latin-1 letter and wider characters in values, evidence and a
  // waiver's reason.
  const wide = path.join(tree, 'hôte-漢', 'etc');
  mkdirSync(wide, { recursive: true });
  writeFileSync(
    path.join(wide, 'vsftpd.conf'),
    'listen=YES\nssl_enable=YÉS\nftpd_banner=Grüße — 漢字\n#ftps-audit-ignore vsftpd/ssl-reuse-not-required Grüße, 漢字 fleet\nrequire_ssl_reuse=NO\nmax_per_ip=5é\n',
  );
});
afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, 'scan', tree, ...args], { cwd: out, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('streamed text scan', () => {
  it('cuts batches only between hosts, and keeps interleaved hosts together', () => {
    const files = walk([tree]).files;
    const roots = [tree];
    const batches = planBatches(files, roots, 25);
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.flat()).toEqual(files);
    const batchOfHost = new Map<string, number>();
    batches.forEach((b, i) => {
      for (const f of b) {
        const h = hostKeyOf(f.absPath, roots);
        expect(batchOfHost.get(h) ?? i).toBe(i);
        batchOfHost.set(h, i);
      }
    });
    // A host whose files come first and last (files outside any etc/): nowhere to cut.
    const interleaved = [files[0]!, ...files.slice(1, -1), { absPath: path.join(tree, 'zz-last-loose-file'), relPath: 'zz' }];
    const looseFirst = { absPath: path.join(tree, 'aa-first-loose-file'), relPath: 'aa' };
    expect(planBatches([looseFirst, ...interleaved], roots, 25)).toHaveLength(1);
  });

  it('prints, counts and gates exactly as the canonical report (library, with and without worker threads)', async () => {
    const settings = defaultSettings({ roots: [tree] });
    for (const showPasses of [false, true]) {
      const { report, inventory } = await runScan({ paths: [tree], settings });
      const gated = await applyGates(report, { inline: modelsOf(inventory, 'vsftpd'), useDefaultWaivers: false });
      const canonical = renderText(gated, { color: false, showPasses });
      const stream: StreamSettings = { settings, maxFileBytes: 5 * 1024 * 1024, failOn: 'low', color: false, showPasses };
      const inProcess = await runStreamedTextScan([tree], undefined, stream, { jobs: 1 });
      expect(inProcess).toBeDefined();
      expect(Buffer.concat(inProcess!.text.map((p) => Buffer.from(p))).toString('utf8')).toBe(canonical);
      expect(inProcess!.exitCode).toBe(1);
      expect(inProcess!.waivers).toEqual(gated.waivers);

      // Worker threads (the built script) judging most of the batches.
      const ruleSet = await loadRuleSet();
      const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
      const walked = walk([tree]);
      const digests = await digestInParallel(planBatches(walked.files, [tree], 30), undefined, ruleSet, runs, stream, 3);
      const threaded = finishStreamedText(digests, walked.diagnostics, ruleSet, runs, stream);
      expect(Buffer.concat(threaded!.text.map((p) => Buffer.from(p))).toString('utf8')).toBe(canonical);
    }
  });

  it('says the same of a tree with nothing to judge (every rule not applicable) and of a missing path', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ftps-audit-stream-empty-'));
    try {
      for (const paths of [[empty], [path.join(empty, 'missing')]]) {
        const settings = defaultSettings({ roots: paths.map((p) => path.resolve(p)) });
        const { report, inventory } = await runScan({ paths, settings });
        const gated = await applyGates(report, { inline: modelsOf(inventory, 'vsftpd'), useDefaultWaivers: false });
        const streamed = await runStreamedTextScan(paths, undefined, { settings, maxFileBytes: 5 * 1024 * 1024, failOn: 'high', color: false, showPasses: false }, { jobs: 1 });
        expect(gated.summary.byStatus['not-applicable']).toBeGreaterThan(100);
        expect(Buffer.concat(streamed!.text.map((p) => Buffer.from(p))).toString('utf8')).toBe(renderText(gated, { color: false }));
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a worker thread that cannot start costs time, never results: the main thread judges every batch', async () => {
    // A user pack file that vanishes once the main thread has read it: every worker fails
    // while loading the rules, before judging anything, and the main thread does it all.
    const packFile = path.join(out, 'acme-pack.yaml');
    writeFileSync(
      packFile,
      'id: acme\ntitle: ACME\nversion: "1"\ncontrols:\n  - id: FTP-1\n    title: TLS\n    rules: [vsftpd/ssl-disabled, vsftpd/anonymous-enabled]\n',
    );
    const settings = defaultSettings({ roots: [tree] });
    const stream: StreamSettings = { settings, maxFileBytes: 5 * 1024 * 1024, failOn: 'low', color: false, showPasses: false };
    const ruleSet = await loadRuleSet([packFile]);
    const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
    const walked = walk([tree]);
    const batches = planBatches(walked.files, [tree], 30);
    rmSync(packFile);
    const digests = await digestInParallel(batches, [packFile], ruleSet, runs, stream, 2);
    const text = Buffer.concat(finishStreamedText(digests, walked.diagnostics, ruleSet, runs, stream)!.text.map((p) => Buffer.from(p))).toString('utf8');
    const alone = await digestInParallel(batches, [packFile], ruleSet, runs, stream, 0);
    expect(text).toBe(Buffer.concat(finishStreamedText(alone, walked.diagnostics, ruleSet, runs, stream)!.text.map((p) => Buffer.from(p))).toString('utf8'));
    expect(text).toContain('acme (ACME 1): 0/1 controls pass; failing: FTP-1');
  });

  it('the CLI prints the same text, exit code and gate notes as with a second output (the canonical path)', () => {
    for (const extra of [[], ['--show-passes'], ['--color'], ['--pack', 'pci-dss', '--vsftpd-flavor', 'rhel'], ['--root', path.join(tree, 'fleet', 'hardened')]]) {
      const canonicalFile = path.join(out, 'canonical.txt');
      const streamedFile = path.join(out, 'streamed.txt');
      const canonical = cli(['--fail-on', 'medium', '--output', `text=${canonicalFile}`, ...extra]);
      const streamed = cli(['--fail-on', 'medium', '--jobs', '3', ...extra]);
      const streamedToFile = cli(['--fail-on', 'medium', '--jobs', '2', '--output', streamedFile, ...extra]);
      expect(streamed.stdout).toBe(canonical.stdout);
      expect(readFileSync(streamedFile, 'utf8')).toBe(readFileSync(canonicalFile, 'utf8'));
      expect([streamed.code, streamedToFile.code]).toEqual([canonical.code, canonical.code]);
      expect(streamed.stderr).toBe(canonical.stderr);
      expect(streamed.stderr).toContain('stale waiver: vsftpd/debug-ssl');
    }
  });
});
