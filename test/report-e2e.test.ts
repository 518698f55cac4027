/**
 * End to end through the built CLI (dist/, built by `npm install`/`npm ci`): scan samples/ to
 * JSON and the other formats in one run, re-render with `report`, create a baseline and gate
 * on it, apply a waiver file. Every SARIF produced is validated by the official schema and
 * the multitool; every JSON by schemas/report.schema.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ScanReport } from '../src/model/report.js';
import { multitoolValidate, schemaErrors } from './report-sarif-validate.js';

const addFormats = addFormatsModule.default;
const BIN = resolve('bin/run.js');
const dir = mkdtempSync(join(tmpdir(), 'ftps-report-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: resolve('.'), encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(resolve('schemas/report.schema.json'), 'utf8')) as object);
function readReport(file: string): ScanReport {
  const data = JSON.parse(readFileSync(file, 'utf8')) as ScanReport;
  expect(validateReport(data) ? [] : validateReport.errors, `${file} against report.schema.json`).toEqual([]);
  return data;
}

function expectValidSarif(file: string): void {
  const text = readFileSync(file, 'utf8');
  expect(schemaErrors(JSON.parse(text))).toEqual([]);
  const verdict = multitoolValidate(text);
  expect(verdict.errors).toEqual([]);
  if (verdict.warnings.length) console.log(`[${file}] multitool warnings:\n  ${verdict.warnings.join('\n  ')}`);
  expect(verdict.warnings).toEqual([]);
}

describe('scan → JSON → report', () => {
  const json = join(dir, 'scan.json');
  const scanSarif = join(dir, 'scan.sarif');

  it('scan writes every format in one run; report re-renders SARIF from the JSON', () => {
    const scan = cli('scan', 'samples/', '--format', 'json', '--output', json, '--output', `sarif=${scanSarif}`, '--output', `html=${join(dir, 'scan.html')}`, '--output', `junit=${join(dir, 'scan.xml')}`, '--fail-on', 'none');
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
    const report = readReport(json);
    expect(report.results.some((r) => r.status === 'fail' && r.location?.file?.startsWith('samples/insecure/'))).toBe(true);
    expectValidSarif(scanSarif);

    const out = join(dir, 'report.sarif');
    const rep = cli('report', json, '--format', 'sarif', '--output', out);
    expect(rep.code).toBe(0);
    expectValidSarif(out);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]; originalUriBaseIds: Record<string, { uri?: string }> }[] };
    const run = log.runs[0]!;
    expect(run.results.length).toBe(report.results.filter((r) => r.status === 'fail').length);
    // Artifact paths are relative to the scan's working directory, which %SRCROOT% names.
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${resolve('.')}/`);
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^samples\//);
    expect(readFileSync(join(dir, 'scan.html'), 'utf8')).toContain('Control matrix');
    expect(readFileSync(join(dir, 'scan.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  it('gates: fail-on, baseline create + --baseline, waivers, and merged reports', () => {
    const gate = cli('report', json, '--format', 'json', '--output', join(dir, 'gated.json'), '--fail-on', 'high');
    expect(gate.code).toBe(1);
    expect(readReport(join(dir, 'gated.json')).invocation.exitCode).toBe(1);

    const baseline = join(dir, 'baseline.json');
    const created = cli('baseline', 'create', json, '--output', baseline);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/^baseline .*baseline\.json: \d+ failure\(s\)/);
    const b = readReport(baseline);
    expect(b.results.every((r) => r.status === 'fail')).toBe(true);

    // Same tree against its own baseline: nothing new, exit 0 even at --fail-on info.
    const again = cli('scan', 'samples/', '--format', 'sarif', '--output', join(dir, 'again.sarif'), '--output', `json=${join(dir, 'again.json')}`, '--baseline', baseline, '--fail-on', 'info');
    expect(again.code).toBe(0);
    expect(readReport(join(dir, 'again.json')).baseline).toMatchObject({ source: baseline, new: 0, fixed: [] });
    expect(again.stderr).toMatch(/baseline .*: 0 new, \d+ unchanged, 0 fixed/);
    expectValidSarif(join(dir, 'again.sarif'));

    // A waiver file for every failure of one rule in the insecure sample.
    const failing = readReport(json).results.find((r) => r.status === 'fail' && r.location?.file?.startsWith('samples/insecure/'))!;
    const waivers = join(dir, 'waivers.yml');
    writeFileSync(waivers, `waivers:\n  - rule: ${failing.ruleId}\n    path: "samples/insecure/**"\n    reason: accepted for the demo tree\n    approver: auditor@example.com\n    expires: 2099-12-31\n  - rule: ${failing.ruleId}\n    path: "no/such/**"\n    reason: left over\n    approver: auditor@example.com\n    expires: 2099-12-31\n`);
    const waived = cli('report', json, '--waivers', waivers, '--format', 'sarif', '--output', join(dir, 'waived.sarif'), '--output', `json=${join(dir, 'waived.json')}`);
    expect(waived.code).toBe(0);
    const waivedReport = readReport(join(dir, 'waived.json'));
    expect(waivedReport.waivers!.stale).toHaveLength(1);
    expect(waivedReport.results.filter((r) => r.waived).length).toBe(waivedReport.waivers!.applied);
    expect(waived.stderr).toMatch(/stale waiver: \S+ \(no\/such\/\*\*; .*waivers\.yml #2\) matches no finding; remove it/);
    expectValidSarif(join(dir, 'waived.sarif'));
    expect(readFileSync(join(dir, 'waived.sarif'), 'utf8')).toContain('"justification": "accepted for the demo tree"');

    // Two saved results merged into one report.
    const merged = cli('report', json, join(dir, 'gated.json'), '--format', 'json', '--output', join(dir, 'merged.json'), '--output', `sarif=${join(dir, 'merged.sarif')}`);
    expect(merged.code).toBe(0);
    expect(readReport(join(dir, 'merged.json')).invocation.command).toBe('report');
    expectValidSarif(join(dir, 'merged.sarif'));
  });

  it('inline #ftps-audit-ignore waives the directive below it (real parser), visible as an inSource suppression', () => {
    const tree = join(dir, 'inline-tree');
    mkdirSync(join(tree, 'etc'), { recursive: true });
    const conf = 'listen=YES\n#ftps-audit-ignore vsftpd/ssl-disabled Internal test box, no regulated data\nssl_enable=NO\n#ftps-audit-ignore vsftpd/no-such-rule left over\nanonymous_enable=NO\n';
    writeFileSync(join(tree, 'etc', 'vsftpd.conf'), conf);
    const run = (extra: string[]) =>
      spawnSync(process.execPath, [BIN, 'scan', '.', '--format', 'json', '--output', join(dir, 'inline.json'), '--output', `sarif=${join(dir, 'inline.sarif')}`, '--fail-on', 'critical', ...extra], { cwd: tree, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    const waived = run([]);
    expect(waived.status, waived.stderr).toBe(0);
    expect(waived.stderr).toContain('stale waiver: vsftpd/no-such-rule (inline at etc/vsftpd.conf:4) matches no finding; remove it');
    const report = readReport(join(dir, 'inline.json'));
    const finding = report.results.find((r) => r.ruleId === 'vsftpd/ssl-disabled' && r.status === 'fail')!;
    expect(finding.location).toMatchObject({ file: 'etc/vsftpd.conf', line: 3 });
    expect(finding.waived).toEqual({ source: 'inline', reason: 'Internal test box, no regulated data' });
    expectValidSarif(join(dir, 'inline.sarif'));
    const sarif = JSON.parse(readFileSync(join(dir, 'inline.sarif'), 'utf8')) as { runs: { results: { ruleId: string; suppressions?: { kind: string; justification: string }[] }[] }[] };
    expect(sarif.runs[0]!.results.find((r) => r.ruleId === 'vsftpd/ssl-disabled')!.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'Internal test box, no regulated data', properties: { source: 'inline' } },
    ]);

    // The same directive without the comment blocks the run.
    writeFileSync(join(tree, 'etc', 'vsftpd.conf'), conf.replace(/^#ftps-audit-ignore vsftpd\/ssl-disabled.*\n/m, ''));
    expect(run([]).status).toBe(1);
  });

  it('refuses input that is not a saved JSON result, with exit 2 and a message', () => {
    const bad = cli('report', join(dir, 'scan.sarif'), '--format', 'html');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ftps-audit: .*scan\.sarif is not an ftps-audit JSON result/);
    const badWaivers = join(dir, 'bad-waivers.yml');
    writeFileSync(badWaivers, 'waivers:\n  - rule: vsftpd/x\n    path: "**"\n');
    const w = cli('report', json, '--waivers', badWaivers);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('bad-waivers.yml:2: waivers[0] is missing "reason"');
  });
});
