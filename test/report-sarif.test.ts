import { describe, expect, it } from 'vitest';
import { buildSarifLog, FINGERPRINT_KEY, renderSarif, SECURITY_SEVERITY } from '../src/report/sarif.js';
import type { ScanReport } from '../src/model/report.js';
import { applyBaseline, applyInlineWaivers, createBaseline, baselineFromReport, resummarize } from '../src/gate/index.js';
import { mergeReports } from '../src/report/merge.js';
import { sampleReport, sampleResults, summarize } from './report-fixtures.js';
import { multitoolValidate, schemaErrors } from './report-sarif-validate.js';

/** Every SARIF we emit goes through both judges; warnings are printed for the closing note. */
function expectValidSarif(text: string, label: string): void {
  expect(schemaErrors(JSON.parse(text)), `${label}: SARIF 2.1.0 schema`).toEqual([]);
  const verdict = multitoolValidate(text);
  expect(verdict.errors, `${label}: multitool errors`).toEqual([]);
  if (verdict.warnings.length) console.log(`[${label}] multitool warnings:\n  ${verdict.warnings.join('\n  ')}`);
  expect(verdict.warnings, `${label}: multitool warnings`).toEqual([]);
}

describe('SARIF renderer', () => {
  const report = sampleReport();
  const log = buildSarifLog(report);
  const run = log.runs[0];

  it('validates against the official schema and the multitool (sample, empty, probe-only, gated, merged)', () => {
    expectValidSarif(renderSarif(report), 'sample');

    const empty: ScanReport = { ...sampleReport(), results: [], diagnostics: [], artifacts: [], rules: [], summary: summarize([]) };
    expectValidSarif(renderSarif(empty), 'empty');

    const probeOnly = sampleReport({ invocation: { command: 'probe', args: ['127.0.0.1:990'], flavor: 'debian', targets: ['127.0.0.1:990'], exitCode: 2 } });
    probeOnly.results = probeOnly.results.filter((r) => r.location?.endpoint);
    expectValidSarif(renderSarif(probeOnly), 'probe-only');

    const base = createBaseline(sampleReport());
    base.results = base.results.slice(1);
    const gated = resummarize(applyBaseline(applyInlineWaivers(sampleReport(), [{ file: 'etc/vsftpd.conf', inlineWaivers: [{ ruleId: 'vsftpd/weak-umask', reason: 'group shares uploads', line: 19, appliesToLine: 20 }] }]), baselineFromReport(base, 'baseline.json')));
    const withWaiverNotes = { ...gated, waivers: { sources: ['w.yml'], applied: 0, expired: [{ waiver: { source: 'w.yml', index: 0, ruleId: 'vsftpd/tlsv1-enabled', path: 'etc/**', reason: 'old', approver: 'me', expires: '2020-01-01' }, matched: 1 }], stale: [{ source: 'inline', ruleId: 'vsftpd/ls-recurse', path: 'etc/vsftpd.conf', line: 4, reason: 'x' }] } };
    const gatedText = renderSarif(withWaiverNotes, { category: 'infra/ftps' });
    expectValidSarif(gatedText, 'gated');
    const notes = JSON.parse(gatedText).runs[0].invocations[0].toolExecutionNotifications.map((n: { descriptor: { id: string }; message: { text: string } }) => `${n.descriptor.id}: ${n.message.text}`);
    expect(notes).toContain('ftps-audit/waiver-expired: Waiver for vsftpd/tlsv1-enabled (w.yml) expired on 2020-01-01; 1 finding(s) it matched count again.');
    expect(notes).toContain('ftps-audit/waiver-stale: Waiver for vsftpd/ls-recurse (inline at etc/vsftpd.conf:4) matches no finding and can be removed.');

    const other = sampleReport({ invocation: { command: 'scan', args: [], flavor: 'rhel', targets: ['/srv/repos/other'] } });
    expectValidSarif(renderSarif(mergeReports([sampleReport(), other])), 'merged');
  });

  it('describes the tool and every rule that ran', () => {
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver).toMatchObject({ name: 'ftps-audit', semanticVersion: '0.1.0', informationUri: 'https://github.com/example/ftps-audit' });
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(report.rules.map((r) => r.id));
    const tls = run.tool.driver.rules.find((r) => r.id === 'vsftpd/ssl-not-enabled')!;
    expect(tls.name).toBe('VsftpdSslNotEnabled');
    expect(tls.helpUri).toBe('https://github.com/example/ftps-audit/blob/main/docs/rules.md#vsftpd-ssl-not-enabled');
    expect(tls.defaultConfiguration.level).toBe('error');
    expect(tls.properties['security-severity']).toBe('9.5');
    expect(tls.properties.tags).toEqual(expect.arrayContaining(['security', 'hipaa:164.312(e)(1)', 'pci-dss:4.2.1', 'nist-800-52r2:3.1']));
    expect(tls.help.text).toContain('ssl_enable=YES');
    expect(tls.help.markdown).toMatch(/### Remediation[\s\S]*```\nssl_enable=YES\n```/);
    expect(tls.help.markdown).toContain('PCI DSS v4.0.1 Req. 4.2.1');
    // security-severity is a numeric string consistent with severity and GitHub's bands.
    for (const r of run.tool.driver.rules) {
      const score = Number(r.properties['security-severity']);
      expect(Number.isFinite(score)).toBe(true);
      const sev = report.rules.find((x) => x.id === r.id)!.severity;
      expect(r.properties['security-severity']).toBe(SECURITY_SEVERITY[sev]);
    }
    expect(Number(SECURITY_SEVERITY.critical)).toBeGreaterThanOrEqual(9);
    expect(Number(SECURITY_SEVERITY.high)).toBeGreaterThanOrEqual(7);
    expect(Number(SECURITY_SEVERITY.medium)).toBeGreaterThanOrEqual(4);
  });

  it('turns only failures into results; passes and not-applicable are counted, not alerted', () => {
    const fails = report.results.filter((r) => r.status === 'fail');
    expect(run.results).toHaveLength(fails.length);
    expect(run.results.every((r) => r.kind === 'fail')).toBe(true);
    expect(run.results.map((r) => r.ruleId)).not.toContain('vsftpd/idle-timeout');
    expect(run.properties.resultsByStatus).toMatchObject({ pass: 1, 'not-applicable': 1, fail: fails.length });
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it('anchors file results with %SRCROOT%-relative URIs, regions and stable fingerprints', () => {
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe('file:///srv/repos/infra/');
    const first = run.results[0]!;
    expect(first.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'etc/vsftpd.conf', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: 12, startColumn: 1 },
    });
    expect(first.level).toBe('error');
    expect(first.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: report.results[0]!.fingerprint });
    // A path with a space is percent-encoded as a relative reference.
    const legacy = run.results.find((r) => r.locations[0]?.physicalLocation?.artifactLocation.uri.startsWith('legacy/'))!;
    expect(legacy.locations[0]!.physicalLocation!.artifactLocation.uri).toBe('legacy/site%20b/vsftpd.conf');

    // Moving the directive (line shift) changes the region, never the fingerprint.
    const shifted = sampleReport();
    shifted.results = sampleResults().map((r) => (r.location?.line ? { ...r, location: { ...r.location, line: r.location.line + 7 } } : r));
    const a = run.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    const b = buildSarifLog(shifted).runs[0].results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(b).toEqual(a);
  });

  it('resolves %SRCROOT% to the scan working directory, anchors whole-file findings on line 1, keeps absolute paths absolute', () => {
    const r = sampleReport({ invocation: { command: 'scan', args: ['samples/'], flavor: 'debian', targets: ['/work/x/samples'] } });
    r.artifacts = [
      { path: 'samples/insecure/etc/vsftpd.conf', kind: 'vsftpd-conf', sha256: 'a'.repeat(64), size: 10 },
      { path: '/etc/ssl/certs/ftps.pem', kind: 'x509', sha256: 'b'.repeat(64), size: 10 },
    ];
    r.results = [
      { ...r.results[0]!, location: { file: 'samples/insecure/etc/vsftpd.conf' } },
      { ...r.results[1]!, location: { file: '/etc/ssl/certs/ftps.pem', line: 3 } },
      { ...r.results[2]!, location: { file: 'samples/insecure/etc/vsftpd.conf', line: 7, column: 5, endLine: 7, endColumn: 17 } },
      { ...r.results[2]!, fingerprint: 'x'.repeat(32), location: { file: 'samples/insecure/etc/vsftpd.conf', line: 0, column: 5, endLine: 7, endColumn: 3 } },
    ];
    const text = renderSarif(r);
    expectValidSarif(text, 'cwd-relative');
    const run = JSON.parse(text).runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/x/');
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'samples/insecure/etc/vsftpd.conf', uriBaseId: '%SRCROOT%', index: 0 }, region: { startLine: 1 } });
    expect(run.results[1].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/ssl/certs/ftps.pem', index: 1 });
    expect(run.results[2].locations[0].physicalLocation.region).toEqual({ startLine: 7, startColumn: 5, endLine: 7, endColumn: 17 });
    // A nonsensical location (line 0) is anchored on line 1 rather than emitted invalid.
    expect(run.results[3].locations[0].physicalLocation.region).toEqual({ startLine: 1 });
    // Targets that disagree about the base (merged runs): described, not resolved.
    const two = sampleReport({ invocation: { command: 'report', args: [], flavor: 'debian', targets: ['/a/infra', '/b/other'] } });
    two.artifacts = [{ path: 'infra/x.conf', kind: 'vsftpd-conf', sha256: 'c'.repeat(64), size: 1 }, { path: 'other/y.conf', kind: 'vsftpd-conf', sha256: 'd'.repeat(64), size: 1 }];
    expect(buildSarifLog(two).runs[0].originalUriBaseIds['%SRCROOT%']!.uri).toBeUndefined();
  });

  it('gives probe results the endpoint as logical location, anchored on the file line when known', () => {
    const anchored = run.results.find((r) => r.ruleId === 'probe/tls10-accepted')!;
    expect(anchored.locations[0]!.physicalLocation!.artifactLocation.uri).toBe('inventory/ftps-targets.txt');
    expect(anchored.locations[0]!.physicalLocation!.region).toEqual({ startLine: 2, startColumn: 1 });
    expect(anchored.locations[0]!.logicalLocations).toEqual([{ name: 'ftps://127.0.0.1:990', fullyQualifiedName: 'ftps://127.0.0.1:990', kind: 'resource' }]);
    expect(anchored.message.text).toBe('ftps://127.0.0.1:990 completed a TLS 1.0 handshake.\nObserved at ftps://127.0.0.1:990:\nServerHello version=0x0301 cipher=ECDHE-RSA-AES128-SHA');
    const bare = run.results.find((r) => r.ruleId === 'probe/auth-before-tls')!;
    expect(bare.locations[0]!.physicalLocation).toBeUndefined();
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes.find((n) => n.descriptor.id === 'ftps-audit/unanchored-results')?.message.text).toMatch(/^1 result\(s\).*--targets/);
  });

  it('marks waived findings with suppressions and keeps them visible', () => {
    const waived = run.results.find((r) => r.suppressions)!;
    expect(waived.ruleId).toBe('vsftpd/ssl-not-enabled');
    expect(waived.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'Decommissioned in Q1; no PHI', properties: { source: '.ftps-audit-waivers.yml', approver: 'ciso@example.com', expires: '2099-03-31' } },
    ]);
    const inline = buildSarifLog(applyInlineWaivers(sampleReport(), [{ file: 'etc/vsftpd.conf', inlineWaivers: [{ ruleId: 'vsftpd/weak-umask', reason: 'shared group', line: 19, appliesToLine: 20 }] }]));
    expect(inline.runs[0].results.find((r) => r.ruleId === 'vsftpd/weak-umask')!.suppressions![0]!.kind).toBe('inSource');
  });

  it('reports not-evaluated, error and diagnostics as invocation notifications with the exit status', () => {
    const inv = run.invocations[0];
    expect(inv).toMatchObject({ exitCode: 1, executionSuccessful: true, arguments: ['infra/', '--format', 'json'] });
    const ids = inv.toolExecutionNotifications.map((n) => `${n.level} ${n.descriptor.id} ${n.associatedRule?.id ?? ''}`.trim());
    expect(ids).toEqual(
      expect.arrayContaining([
        'warning ftps-audit/not-evaluated vsftpd/cert-file-missing',
        'error ftps-audit/error probe/tls10-accepted',
        'warning discover/too-large',
      ]),
    );
    const failedRun = buildSarifLog(sampleReport({ invocation: { ...sampleReport().invocation, exitCode: 2 } }));
    expect(failedRun.runs[0].invocations[0]).toMatchObject({ exitCode: 2, executionSuccessful: false });
    expect(run.automationDetails.id).toBe('ftps-audit/2026-11-25T15:00:00.000Z');
    expect(buildSarifLog(report, { category: 'hosts/ftp1' }).runs[0].automationDetails.id).toBe('hosts/ftp1/2026-11-25T15:00:00.000Z');
  });

  it('records baseline state and fixed findings', () => {
    const base = createBaseline(sampleReport());
    const now = sampleReport();
    now.results = now.results.filter((r) => r.ruleId !== 'vsftpd/weak-umask');
    now.results.push({ ...now.results[0]!, ruleId: 'vsftpd/tlsv1-enabled', fingerprint: 'f'.repeat(32) });
    const gated = applyBaseline(now, baselineFromReport(base, 'base.json'));
    const sarif = buildSarifLog(gated).runs[0];
    expect(sarif.results.filter((r) => r.baselineState === 'new')).toHaveLength(1);
    expect((sarif.properties.baseline as { fixed: { ruleId: string }[] }).fixed.map((f) => f.ruleId)).toEqual(['vsftpd/weak-umask']);
  });
});
