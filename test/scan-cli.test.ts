import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The scan command end to end, through the built CLI (bin/run.js → dist/), as a user or a
 * CI job runs it (test/global-setup.ts builds dist/ first): exit codes, the JSON schema, colour handling, and bad input that must
 * give located diagnostics while the rest of the tree is still judged.
 */
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'report.schema.json'), 'utf8')));

function expectValidReport(json: string) {
  const data = JSON.parse(json);
  const ok = validateReport(data);
  expect(validateReport.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return data;
}

let tree: string;

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-scan-'));
  mkdirSync(path.join(tree, 'etc'), { recursive: true });
  writeFileSync(path.join(tree, 'etc', 'vsftpd.conf'), 'ssl_enable=NO\nlocal_enable=YES\n');
  // Bad input of every kind, next to the one good file.
  writeFileSync(path.join(tree, 'etc', 'empty-vsftpd.conf'), '');
  writeFileSync(path.join(tree, 'binary.bin'), Buffer.from([0, 1, 2, 3, 0xff, 0]));
  writeFileSync(path.join(tree, 'etc', 'latin1-vsftpd.conf'), Buffer.concat([Buffer.from('ftpd_banner=Gr'), Buffer.from([0xfc]), Buffer.from('\nssl_enable=YES\n')]));
  writeFileSync(path.join(tree, 'etc', 'big-vsftpd.conf'), 'ssl_enable=YES\n' + '#'.repeat(3000) + '\n');
  writeFileSync(path.join(tree, 'etc', 'unreadable-vsftpd.conf'), 'ssl_enable=YES\n');
  chmodSync(path.join(tree, 'etc', 'unreadable-vsftpd.conf'), 0o000);
  spawnSync('mkfifo', [path.join(tree, 'etc', 'fifo-vsftpd.conf')]);
  const outside = mkdtempSync(path.join(tmpdir(), 'ftps-audit-outside-'));
  writeFileSync(path.join(outside, 'vsftpd.conf'), 'ssl_enable=NO\n');
  symlinkSync(path.join(outside, 'vsftpd.conf'), path.join(tree, 'link-out-vsftpd.conf'));
  symlinkSync(tree, path.join(tree, 'loop'));
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

describe('ftps-audit scan (built CLI)', () => {
  it('scans samples/ and exits 0 with --fail-on none, showing findings', () => {
    const r = run(['scan', 'samples/', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vsftpd\/unknown-option/);
    expect(r.stdout).toMatch(/samples\/insecure\/etc\/vsftpd\.conf/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a TTY: no colour
  });

  it('exits 1 on findings at or above --fail-on, 0 below it', () => {
    expect(run(['scan', 'samples/insecure', '--fail-on', 'critical']).code).toBe(1);
    expect(run(['scan', 'samples/hardened', '--fail-on', 'low']).code).toBe(0);
  });

  it('exits 2 on a usage error, with a message and no stack trace', () => {
    const r = run(['scan', 'samples/', '--pack', 'no-such-pack']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-pack/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('JSON output validates against schemas/report.schema.json and is the same via --output', () => {
    const r = run(['scan', 'samples/', '--format', 'json', '--fail-on', 'none']);
    const report = expectValidReport(r.stdout);
    expect(report.results.some((x: { status: string }) => x.status === 'pass')).toBe(true);
    expect(report.packs.map((p: { id: string }) => p.id)).toEqual(['hipaa', 'pci-dss', 'nist-800-52r2']);
    const out = path.join(tree, '..', `report-${process.pid}.json`);
    const r2 = run(['scan', 'samples/', '--output', `json=${out}`, '--fail-on', 'none']);
    expect(r2.code).toBe(0);
    const saved = expectValidReport(readFileSync(out, 'utf8'));
    expect(saved.results.length).toBe(report.results.length);
    rmSync(out);
  });

  it('colours only when asked, and never with NO_COLOR', () => {
    expect(run(['scan', 'samples/insecure', '--fail-on', 'none', '--color']).stdout).toMatch(/\u001b\[/);
    expect(run(['scan', 'samples/insecure', '--fail-on', 'none'], { NO_COLOR: '1' }).stdout).not.toMatch(/\u001b\[/);
  });

  it('bad input gives located diagnostics and the rest is still judged', () => {
    const r = run(['scan', tree, '--format', 'json', '--fail-on', 'none', '--max-file-size', '2000']);
    expect(r.code).toBe(0);
    const report = expectValidReport(r.stdout);
    const diag = (code: string) => report.diagnostics.filter((d: { code: string }) => d.code === code);
    const name = (d: { location?: { file?: string } }) => path.basename(d.location?.file ?? '');
    expect(diag('discover/too-large').map(name)).toContain('big-vsftpd.conf');
    expect(diag('discover/special-file').map(name)).toContain('fifo-vsftpd.conf');
    expect(diag('discover/symlink-outside').map(name)).toContain('link-out-vsftpd.conf');
    expect(diag('discover/empty').map(name)).toContain('empty-vsftpd.conf');
    const nonUtf8 = diag('discover/not-utf8');
    expect(nonUtf8.map(name)).toContain('latin1-vsftpd.conf');
    expect(nonUtf8[0].location.line).toBe(1);
    if (process.getuid?.() !== 0) expect(diag('discover/unreadable').map(name)).toContain('unreadable-vsftpd.conf');
    // The good file was judged, with its line.
    const ssl = report.results.find((x: { ruleId: string; location?: { file?: string } }) => x.ruleId === 'vsftpd/ssl-disabled' && x.location?.file?.endsWith('etc/vsftpd.conf') && !x.location.file.includes('-vsftpd'));
    expect(ssl.status).toBe('fail');
    expect(ssl.location.line).toBe(1);
    // The symlink loop did not make the walk see the tree twice.
    expect(report.artifacts.filter((a: { path: string }) => a.path.includes('/loop/')).length).toBe(0);
  });

  it('a missing path is a located error and the other paths are still scanned', () => {
    const r = run(['scan', 'no/such/dir', 'samples/hardened', '--format', 'json', '--fail-on', 'none']);
    const report = expectValidReport(r.stdout);
    expect(report.diagnostics.some((d: { code: string }) => d.code === 'discover/not-found')).toBe(true);
    expect(report.artifacts.length).toBeGreaterThan(0);
  });

  it('only missing paths: nothing to scan is a usage error (exit 2), said on stderr', () => {
    for (const format of ['text', 'json']) {
      const r = run(['scan', 'no/such/dir', 'nor/this.conf', '--format', format]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('nothing to scan: no such file or directory: no/such/dir, nor/this.conf');
    }
  });

  it('rules list and rules show browse the catalogue', () => {
    const list = run(['rules', 'list', '--target', 'vsftpd']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/vsftpd\/local-umask-weak/);
    const show = run(['rules', 'show', 'vsftpd/local-umask-weak']);
    expect(show.stdout).toMatch(/pci-dss 7\.2\.2/);
    expect(show.stdout).toMatch(/local_umask=027/);
    expect(run(['rules', 'show', 'nope/nothing']).code).toBe(2);
  });
});
