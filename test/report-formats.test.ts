import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, FORMATS, isFormatName, renderFormat, UnknownFormatError } from '../src/report/formats.js';
import { mergeReports } from '../src/report/merge.js';
import type { ScanReport } from '../src/model/report.js';
import { sampleReport } from './report-fixtures.js';

describe('format registry', () => {
  it('renders every format from one report', async () => {
    const report = sampleReport();
    const out = Object.fromEntries(await Promise.all(FORMAT_NAMES.map(async (f) => [f, await renderFormat(f, report)] as const)));
    expect(JSON.parse(out.json!)).toEqual(report);
    expect(JSON.parse(out.sarif!).version).toBe('2.1.0');
    expect(out.html).toMatch(/^<!DOCTYPE html>/);
    expect(out.junit).toMatch(/^<\?xml /);
    expect(out.text).toContain('etc/vsftpd.conf');
    expect(out.text).not.toMatch(/\u001b\[/);
    expect(await renderFormat('text', report, { color: true })).toMatch(/\u001b\[/);
    expect(JSON.parse(await renderFormat('sarif', report, { sarifCategory: 'hosts/a' })).runs[0].automationDetails.id).toMatch(/^hosts\/a\//);
    expect(Object.values(FORMATS).map((f) => f.extension)).toEqual(['txt', 'json', 'sarif', 'html', 'xml']);
  });

  it('refuses unknown names', async () => {
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('pdf')).toBe(false);
    await expect(renderFormat('pdf', sampleReport())).rejects.toBeInstanceOf(UnknownFormatError);
    await expect(renderFormat('pdf', sampleReport())).rejects.toThrow('unknown format "pdf" (known: text, json, sarif, html, junit)');
  });
});

describe('mergeReports', () => {
  it('unites rules, packs, artifacts and inventory; keeps a result seen twice once; recomputes counts', () => {
    const a = sampleReport();
    const b = sampleReport({ invocation: { command: 'scan', args: [], flavor: 'rhel', targets: ['/srv/repos/other'], exitCode: 0 } });
    // b scanned a different tree: its results have other fingerprints, plus one shared finding.
    b.results = b.results.map((r, i) => (i === 0 ? r : { ...r, fingerprint: `b-${r.fingerprint}` }));
    b.artifacts = [...b.artifacts, { path: 'etc/vsftpd.conf', kind: 'vsftpd-conf', sha256: 'e'.repeat(64), size: 9 }];
    b.packs = b.packs.map((p) => (p.id === 'pci-dss' ? { ...p, version: '4.0', controls: [...p.controls, { id: '10.2.1.4', title: 'Invalid logical access attempts', rules: [], status: 'no-rules' as const }] } : p));
    const m = mergeReports([a, b], new Date('2026-11-26T00:00:00Z'));
    expect(m.results).toHaveLength(a.results.length * 2 - 1);
    expect(m.rules.map((r) => r.id)).toEqual(a.rules.map((r) => r.id));
    expect(m.artifacts).toHaveLength(a.artifacts.length + 1);
    expect(m.inventory.certificates).toHaveLength(1);
    expect(m.invocation).toEqual({ command: 'report', args: [], flavor: 'debian,rhel', targets: ['/srv/repos/infra', '/srv/repos/other'], exitCode: 1 });
    expect(m.generatedAt).toBe('2026-11-26T00:00:00.000Z');
    const pci = m.packs.find((p) => p.id === 'pci-dss')!;
    expect(pci.version).toBe('4.0.1, 4.0');
    expect(pci.controls.map((c) => c.id)).toContain('10.2.1.4');
    expect(m.summary.byStatus.fail).toBe(m.results.filter((r) => r.status === 'fail').length);
    expect(m.summary.failuresBySeverity.critical).toBe(3);
    expect(m.diagnostics).toHaveLength(2);
  });

  it('returns a single report unchanged and refuses none', () => {
    const a: ScanReport = sampleReport();
    expect(mergeReports([a])).toBe(a);
    expect(() => mergeReports([])).toThrow(/at least one/);
  });
});
