import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBaseline, applyGates, createBaseline, exitCodeFor, gateNotes, loadBaseline, blockingFindings } from '../src/gate/index.js';
import { renderSarif } from '../src/report/sarif.js';
import { sampleReport } from './report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ftps-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baseline', () => {
  it('create keeps only failures and stays a readable ScanReport', async () => {
    const base = createBaseline(sampleReport());
    expect(base.results.every((r) => r.status === 'fail')).toBe(true);
    expect(base.results).toHaveLength(sampleReport().results.filter((r) => r.status === 'fail').length);
    expect(base.rules.map((r) => r.id)).not.toContain('vsftpd/idle-timeout');
    expect(base.summary.byStatus.pass).toBe(0);
    const file = join(dir, 'baseline.json');
    writeFileSync(file, JSON.stringify(base));
    const loaded = await loadBaseline(file);
    expect(loaded).toMatchObject({ source: file, createdAt: '2026-11-25T15:00:00.000Z' });
    expect(loaded.failures).toHaveLength(base.results.length);
  });

  it('fails only on new findings, survives line shifts, and lists fixed findings', async () => {
    const file = join(dir, 'b2.json');
    writeFileSync(file, JSON.stringify(createBaseline(sampleReport())));

    const next = sampleReport();
    // Unrelated edit above: every line moves down by 3 (fingerprints do not contain lines).
    next.results = next.results.map((r) => (r.location?.line ? { ...r, location: { ...r.location, line: r.location.line + 3 } } : r));
    // The umask finding was fixed; a new medium finding appeared.
    next.results = next.results.filter((r) => r.ruleId !== 'vsftpd/weak-umask');
    next.results.push({ ruleId: 'vsftpd/idle-timeout', status: 'fail', severity: 'medium', message: 'idle_session_timeout=3600 exceeds 900 s', location: { file: 'etc/vsftpd.conf', line: 40, column: 22 }, controls: [{ pack: 'pci-dss', control: '8.2.8' }], fingerprint: 'c0ffee'.padEnd(32, '0') });

    const gated = await applyGates(next, { baselineFile: file, useDefaultWaivers: false });
    const fails = gated.results.filter((r) => r.status === 'fail');
    expect(fails.filter((r) => r.baselineState === 'new').map((r) => r.ruleId)).toEqual(['vsftpd/idle-timeout']);
    expect(fails.filter((r) => r.baselineState === 'unchanged')).toHaveLength(fails.length - 1);
    expect(gated.baseline).toMatchObject({ source: file, new: 1, unchanged: fails.length - 1 });
    expect(gated.baseline!.fixed.map((f) => [f.ruleId, f.location?.line])).toEqual([['vsftpd/weak-umask', 20]]);
    expect(gateNotes(gated)).toContain(`baseline ${file}: 1 new, ${fails.length - 1} unchanged, 1 fixed`);

    // Without the baseline the criticals block; with it only the new medium does.
    expect(exitCodeFor(next, 'high')).toBe(1);
    expect(exitCodeFor(gated, 'high')).toBe(0);
    expect(blockingFindings(gated, 'medium').map((r) => r.ruleId)).toEqual(['vsftpd/idle-timeout']);
    expect(exitCodeFor(gated, 'medium')).toBe(1);
    // The comparison is visible in SARIF too.
    expect(renderSarif(gated)).toContain('"baselineState": "new"');
  });

  it('a pass or a missing artifact in the new run makes the baseline finding fixed; duplicates listed once', () => {
    const base = { source: 'b', createdAt: 'x', failures: [...sampleReport().results.filter((r) => r.status === 'fail'), ...sampleReport().results.filter((r) => r.status === 'fail')] };
    const now = sampleReport();
    now.results = now.results.map((r) => (r.ruleId === 'vsftpd/tlsv1-enabled' ? { ...r, status: 'pass' as const } : r));
    const out = applyBaseline(now, base);
    expect(out.baseline!.fixed.map((f) => f.ruleId)).toEqual(['vsftpd/tlsv1-enabled']);
  });

  it('refuses files that are not a saved JSON result', async () => {
    const sarif = join(dir, 'x.sarif');
    writeFileSync(sarif, renderSarif(sampleReport()));
    await expect(loadBaseline(sarif)).rejects.toThrow(/is not an ftps-audit JSON result \(schemaVersion is undefined/);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"schemaVersion":"1.0","results":[{"ruleId":"a/b"}]}');
    await expect(loadBaseline(junk)).rejects.toThrow(/results\[0\] needs ruleId, status and fingerprint/);
    writeFileSync(junk, 'not json');
    await expect(loadBaseline(junk)).rejects.toThrow(/is not JSON/);
  });
});
