/**
 * The HTML report in real headless Chromium (Debian's /usr/bin/chromium via playwright-core):
 * it renders without console errors, makes no network request, its filters work, it prints,
 * and hostile config values are text that never executes. A screenshot and a PDF go to
 * test-output/ for the test log.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderHtml } from '../src/report/html.js';
import { applyBaseline, applyWaivers, baselineFromReport, createBaseline, resummarize } from '../src/gate/index.js';
import { HOSTILE_IMG, HOSTILE_SCRIPT, sampleReport } from './report-fixtures.js';
import { launchChromium } from './report-chromium.js';
import type { Browser } from './report-chromium.js';

const OUT = resolve('test-output');
const ORIGIN = 'http://report.invalid/';

let browser: Browser;
beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  requests: string[];
  consoleErrors: string[];
}

/** Serves the report as the only document; every other request is recorded and aborted. */
async function open(html: string): Promise<Opened> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url === ORIGIN) await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    else await route.abort();
  });
  await page.goto(ORIGIN, { waitUntil: 'load', timeout: 30_000 });
  return { page, requests, consoleErrors };
}

const visibleRows = (page: Page) => page.locator('tr.r:visible').count();

async function setFilter(page: Page, name: string, value: string, checked: boolean): Promise<void> {
  await page.locator(`#filters input[name="${name}"][value="${value}"]`).setChecked(checked);
}

describe('HTML report in Chromium', () => {
  it('renders the sample with no console errors, no network requests, and hostile values as inert text', async () => {
    const report = sampleReport();
    const html = renderHtml(report);
    writeFileSync(join(OUT, 'report-sample.html'), html);
    const { page, requests, consoleErrors } = await open(html);
    try {
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([ORIGIN]);

      // Nothing planted in the report ran, and no element was created from it.
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => document.scripts.length)).toBe(1);
      // ...and it is shown as text, character for character.
      const evidence = await page.locator('code.evidence').allTextContents();
      expect(evidence).toContain(`ftpd_banner=${HOSTILE_SCRIPT}${HOSTILE_IMG}`);
      expect(await page.locator('#certificates').textContent()).toContain(`CN=Example Issuing CA ${HOSTILE_IMG}`);
      // Other inventory sections become tables of their readable fields.
      expect(await page.locator('#inventory-firewallExposure th').allTextContents()).toEqual(['family', 'ports', 'role', 'verdict', 'description', 'decidedBy', 'location']);
      expect(await page.locator('#inventory-firewallExposure td').allTextContents()).toContain(`open to 0.0.0.0/0 ${HOSTILE_SCRIPT}`);
      expect(await page.locator('#inventory-firewallExposure td').allTextContents()).toContain('fw/rules.v4:9');
      const certHeaders = await page.locator('#certificates th').allTextContents();
      expect(certHeaders.slice(0, 4)).toEqual(['Subject', 'Issuer', 'Not after', 'Expires in']);
      const certCells = await page.locator('#certificates tbody td').allTextContents();
      expect(certCells[certHeaders.indexOf('Expires in')]).toBe('11 day(s)');
      expect(certCells[certHeaders.indexOf('File')]).toBe('certs/ftps.pem:1');

      // Executive summary, matrix, findings, inventory and scan record are all there.
      expect(await page.locator('#summary svg.chart rect').count()).toBe(5);
      expect(await page.locator('#summary').textContent()).toMatch(/Pass rate per pack/);
      // hipaa: passes = idle-timeout (1); open failures = ssl-not-enabled etc/, weak-umask, auth-before-tls (3).
      const hipaaRow = await page.locator('table.packrates tbody tr', { hasText: 'hipaa' }).locator('td').allTextContents();
      expect(hipaaRow.slice(2, 5)).toEqual(['1', '3', '25.0 %']);
      expect(await page.locator('section.pack').count()).toBe(3);
      expect(await page.locator('#pack-pci-dss').textContent()).toContain('4.2.1.1');
      expect(await page.locator('#scanned').textContent()).toContain(report.artifacts[0]!.sha256);
      expect(await page.locator('#scanned').textContent()).toContain('debian');

      await page.screenshot({ path: join(OUT, 'report-sample.png'), fullPage: true });

      // A saved JSON whose informationUri is a javascript: URL yields no links at all.
      const evil = renderHtml(sampleReport({ tool: { name: 'ftps-audit', version: '0.1.0', informationUri: 'javascript:window.__pwned=1//' } }));
      expect(evil).not.toMatch(/href="javascript/i);
      expect(evil).toContain('<code>vsftpd/ssl-not-enabled</code>');
      console.log(`screenshot: ${join(OUT, 'report-sample.png')}`);
    } finally {
      await page.close();
    }
  });

  it('filters by status, severity and pack without a server', async () => {
    const report = sampleReport();
    const { page, consoleErrors } = await open(renderHtml(report));
    try {
      const count = (pred: (r: (typeof report.results)[number]) => boolean) => report.results.filter(pred).length;
      const defaults = (r: (typeof report.results)[number]) => ['fail', 'not-evaluated', 'error'].includes(r.status);
      expect(await visibleRows(page)).toBe(count(defaults));
      expect(await page.locator('#shown-count').textContent()).toBe(String(count(defaults)));

      await setFilter(page, 'st', 'pass', true);
      expect(await visibleRows(page)).toBe(count((r) => defaults(r) || r.status === 'pass'));

      await setFilter(page, 'st', 'fail', false);
      expect(await visibleRows(page)).toBe(count((r) => ['not-evaluated', 'error', 'pass'].includes(r.status)));
      await setFilter(page, 'st', 'fail', true);

      await setFilter(page, 'sev', 'critical', false);
      expect(await page.locator('tr.r[data-sev="critical"]:visible').count()).toBe(0);
      expect(await visibleRows(page)).toBe(count((r) => (defaults(r) || r.status === 'pass') && r.severity !== 'critical'));
      await setFilter(page, 'sev', 'critical', true);

      // A pack filter hides rows that evidence only unchecked packs, and that pack's matrix.
      await setFilter(page, 'pack', 'pci-dss', false);
      const pciOnly = (r: (typeof report.results)[number]) => r.controls.every((c) => c.pack === 'pci-dss');
      expect(await visibleRows(page)).toBe(count((r) => (defaults(r) || r.status === 'pass') && !pciOnly(r)));
      expect(await page.locator('#pack-pci-dss').isVisible()).toBe(false);
      expect(await page.locator('#pack-hipaa').isVisible()).toBe(true);

      // Groups with nothing left to show disappear.
      for (const v of ['critical', 'high', 'medium', 'low', 'info']) await setFilter(page, 'sev', v, false);
      expect(await visibleRows(page)).toBe(0);
      expect(await page.locator('section.artifact:visible').count()).toBe(0);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the gate sections and prints cleanly (filters hidden, PDF produced)', async () => {
    const base = createBaseline(sampleReport());
    base.results = base.results.filter((r) => r.ruleId !== 'x509/expiring-soon');
    const fixedOne = { ...base.results[0]!, fingerprint: 'gone'.padEnd(32, '0'), ruleId: 'vsftpd/weak-umask', message: 'local_umask=000 <b>bold</b>' };
    base.results.push(fixedOne);
    const waivers = { source: 'waivers.yml', waivers: [{ rule: 'vsftpd/weak-umask', path: 'nowhere/**', reason: 'old', approver: 'me', expires: '2020-01-01' }] };
    const gated = resummarize(applyBaseline(applyWaivers(sampleReport(), waivers, new Date('2026-11-25T00:00:00Z')), baselineFromReport(base, 'base.json')));
    const html = renderHtml(gated);
    writeFileSync(join(OUT, 'report-gated.html'), html);
    const { page, requests, consoleErrors } = await open(html);
    try {
      expect(await page.locator('#baseline').textContent()).toContain('local_umask=000 <b>bold</b>');
      expect(await page.locator('#baseline b').allTextContents()).toEqual(['1', '1']);
      expect(await page.locator('#waivers').textContent()).toMatch(/Stale waivers[\s\S]*nowhere\/\*\*/);
      expect(await page.locator('.bl').first().textContent()).toMatch(/in baseline|new since baseline/);

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#filters').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      writeFileSync(join(OUT, 'report-gated.pdf'), pdf);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(requests).toEqual([ORIGIN]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('renders a real scan of samples/ (built CLI) the same way', async () => {
    const file = join(OUT, 'report-samples.html');
    const r = spawnSync(process.execPath, [resolve('bin/run.js'), 'scan', 'samples/', '--format', 'html', '--output', file, '--fail-on', 'none'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const { page, requests, consoleErrors } = await open(readFileSync(file, 'utf8'));
    try {
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([ORIGIN]);
      expect(await page.locator('section.artifact h3').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('samples/insecure/etc/vsftpd.conf')]));
      expect(await page.locator('section.pack').count()).toBe(3);
      expect(await visibleRows(page)).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUT, 'report-samples.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
