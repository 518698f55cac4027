/**
 * SARIF from a real probe: Debian's vsftpd on a loopback port, named in a targets file,
 * probed by the built CLI. Code scanning needs every result on a file line, so probe
 * results are anchored (src/report/anchor.ts) on the targets-file line that named the
 * endpoint, with the endpoint as logical location; the log must pass the schema and the
 * multitool.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureVsftpdRuntimeDirs, withVsftpd } from './helpers/vsftpd-daemon.js';
import { multitoolValidate, schemaErrors } from './report-sarif-validate.js';
import { anchorTargetsFile } from '../src/report/anchor.js';
import { renderSarif } from '../src/report/sarif.js';
import { parseTarget, endpointUrl } from '../src/probe/targets.js';
import type { ScanReport } from '../src/model/report.js';
import { renderHtml } from '../src/report/html.js';
import { renderJunit } from '../src/report/junit.js';
import { launchChromium } from './report-chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'ftps-probe-sarif-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SarifRun {
  results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[] }[];
  invocations: { toolExecutionNotifications: { descriptor: { id: string } }[] }[];
}

describe('probe → SARIF', () => {
  it('anchors probe findings on the targets-file line and validates', async () => {
    ensureVsftpdRuntimeDirs();
    // Plain FTP with local logins: the probe must find the missing TLS.
    const config = 'listen=YES\nlisten_address=127.0.0.1\nbackground=NO\nseccomp_sandbox=NO\nanonymous_enable=NO\nlocal_enable=YES\nssl_enable=NO\n';
    await withVsftpd(config, async (d) => {
      mkdirSync(join(dir, 'inventory'), { recursive: true });
      writeFileSync(join(dir, 'inventory', 'targets.txt'), `# FTPS endpoints of the estate\n${d.host}:${d.port}\n`);
      const r = spawnSync(
        process.execPath,
        [resolve('bin/run.js'), 'probe', '--targets', 'inventory/targets.txt', '--timeout', '3000', '--no-renegotiation', '--format', 'json', '--output', join(dir, 'probe.json'), '--output', `sarif=${join(dir, 'bare.sarif')}`, '--fail-on', 'none'],
        { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } },
      );
      expect(r.status, r.stderr).toBe(0);
    });
    // As the probe command emits it today: endpoint-only results, valid SARIF that says why
    // code scanning would refuse it.
    const bare = readFileSync(join(dir, 'bare.sarif'), 'utf8');
    expect(schemaErrors(JSON.parse(bare))).toEqual([]);
    expect(multitoolValidate(bare).errors).toEqual([]);
    const bareRun = (JSON.parse(bare) as { runs: SarifRun[] }).runs[0]!;
    const unanchored = bareRun.results.filter((res) => !res.locations[0]?.physicalLocation).length;
    if (unanchored > 0) expect(bareRun.invocations[0]!.toolExecutionNotifications.map((n) => n.descriptor.id)).toContain('ftps-audit/unanchored-results');

    // Anchored on the targets file.
    const probed = JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8')) as ScanReport;
    const anchored = anchorTargetsFile(probed, {
      file: 'inventory/targets.txt',
      text: readFileSync(join(dir, 'inventory', 'targets.txt'), 'utf8'),
      endpointsOf: (spec) => parseTarget(spec).map(endpointUrl),
      cwd: dir,
    });
    expect(anchored.artifacts.find((a) => a.path === 'inventory/targets.txt')).toMatchObject({ kind: 'probe-targets' });
    const text = renderSarif(anchored);
    expect(schemaErrors(JSON.parse(text))).toEqual([]);
    const verdict = multitoolValidate(text);
    expect(verdict.errors).toEqual([]);
    if (verdict.warnings.length) console.log(`probe SARIF multitool warnings:\n  ${verdict.warnings.join('\n  ')}`);
    expect(verdict.warnings).toEqual([]);
    const run = (JSON.parse(text) as { runs: SarifRun[] }).runs[0]!;
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      const loc = res.locations[0]!;
      expect(loc.physicalLocation?.artifactLocation.uri, res.ruleId).toBe('inventory/targets.txt');
      expect(loc.physicalLocation?.region).toEqual({ startLine: 2, startColumn: 1 });
      expect(loc.logicalLocations?.[0]?.fullyQualifiedName).toMatch(/^ftps?:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(run.invocations[0]!.toolExecutionNotifications.map((n) => n.descriptor.id)).not.toContain('ftps-audit/unanchored-results');

    // The same probe result as HTML (probed endpoints table, no errors) and JUnit (one suite per endpoint).
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.setContent(renderHtml(anchored), { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(await page.locator('#inventory-probe').textContent()).toMatch(/127\.0\.0\.1/);
      expect(await page.locator('tr.r:visible').count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
    expect(renderJunit(anchored)).toMatch(/<testsuite name="ftps:\/\/127\.0\.0\.1:\d+"/);
  });
});
