import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../src/report/junit.js';
import { HOSTILE_IMG, HOSTILE_SCRIPT, sampleReport } from './report-fixtures.js';
import { launchChromium } from './report-chromium.js';
import type { Browser } from './report-chromium.js';

interface Parsed {
  error: string | null;
  suites: { name: string; tests: string; failures: string; errors: string; skipped: string }[];
  cases: { suite: string; name: string; outcome: string; message: string; body: string; file: string | null; line: string | null }[];
}

/** Parsed by a real XML parser (Chromium's DOMParser): anything not well-formed is a parsererror. */
let browser: Browser;
async function parseXml(xml: string): Promise<Parsed> {
  const page = await browser.context.newPage();
  try {
    return await page.evaluate((src) => {
      const doc = new DOMParser().parseFromString(src, 'application/xml');
      const err = doc.getElementsByTagName('parsererror')[0];
      if (err) return { error: err.textContent, suites: [], cases: [] };
      const suites = [...doc.getElementsByTagName('testsuite')].map((s) => ({
        name: s.getAttribute('name')!, tests: s.getAttribute('tests')!, failures: s.getAttribute('failures')!, errors: s.getAttribute('errors')!, skipped: s.getAttribute('skipped')!,
      }));
      const cases = [...doc.getElementsByTagName('testcase')].map((c) => {
        const child = c.querySelector('failure, error, skipped');
        return {
          suite: (c.parentElement as Element).getAttribute('name')!,
          name: c.getAttribute('name')!,
          outcome: child ? child.tagName : 'passed',
          message: child?.getAttribute('message') ?? '',
          body: (child?.textContent ?? '') + (c.querySelector('system-out')?.textContent ?? ''),
          file: c.getAttribute('file'),
          line: c.getAttribute('line'),
        };
      });
      return { error: null, suites, cases };
    }, xml);
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('JUnit renderer', () => {
  it('is well-formed XML with one testcase per rule × artifact and failures for fails', async () => {
    const report = sampleReport();
    const parsed = await parseXml(renderJunit(report));
    expect(parsed.error).toBeNull();
    const pairs = new Set(report.results.map((r) => `${r.location?.endpoint ?? r.location?.file ?? '(run)'} ${r.ruleId}`));
    expect(parsed.cases).toHaveLength(pairs.size);
    const byName = (suite: string, rule: string) => parsed.cases.find((c) => c.suite === suite && c.name.startsWith(`${rule}:`))!;
    expect(byName('etc/vsftpd.conf', 'vsftpd/ssl-not-enabled')).toMatchObject({ outcome: 'failure', file: 'etc/vsftpd.conf', line: '12' });
    expect(byName('etc/vsftpd.conf', 'vsftpd/ssl-not-enabled').body).toContain('Remediation: Correct the setting');
    expect(byName('etc/vsftpd.conf', 'vsftpd/idle-timeout').outcome).toBe('passed');
    expect(byName('etc/vsftpd.conf', 'vsftpd/cert-file-missing')).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/^not-evaluated: rsa_cert_file/) });
    expect(byName('legacy/site b/vsftpd.conf', 'vsftpd/ssl-not-enabled')).toMatchObject({ outcome: 'skipped', message: expect.stringContaining('approved by ciso@example.com, until 2099-03-31') });
    // The bare endpoint has a failing and an erroring rule: two testcases in its suite.
    expect(byName('ftps://127.0.0.1:2121', 'probe/auth-before-tls').outcome).toBe('failure');
    expect(byName('ftps://127.0.0.1:2121', 'probe/tls10-accepted').outcome).toBe('error');
    const conf = parsed.suites.find((s) => s.name === 'etc/vsftpd.conf')!;
    expect(conf).toMatchObject({ failures: '4', errors: '0', skipped: '2' });
    expect(Number(conf.tests)).toBe(parsed.cases.filter((c) => c.suite === 'etc/vsftpd.conf').length);
  });

  it('escapes markup and strips characters XML cannot carry', async () => {
    const report = sampleReport();
    const nasty = `a & b ]]> <x/> 'q' "dq"\u0000\u0007\u001b[31m \uD800 end`;
    report.results[0] = { ...report.results[0]!, message: nasty, evidence: `${HOSTILE_SCRIPT}${HOSTILE_IMG}` };
    const xml = renderJunit(report);
    const parsed = await parseXml(xml);
    expect(parsed.error).toBeNull();
    const tc = parsed.cases.find((c) => c.name.startsWith('vsftpd/ssl-not-enabled') && c.suite === 'etc/vsftpd.conf')!;
    expect(tc.message).toBe(`a & b ]]> <x/> 'q' "dq"\uFFFD\uFFFD\uFFFD[31m \uFFFD end`);
    expect(tc.body).toContain(`evidence: ${HOSTILE_SCRIPT}${HOSTILE_IMG}`);
    expect(xml).not.toContain('<script>');
  });
});
