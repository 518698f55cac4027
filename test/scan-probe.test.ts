import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vsftpdPrerequisites, withVsftpd } from './helpers/vsftpd-daemon.js';

/**
 * `scan --probe`: config findings and live findings in one report, and the rule that
 * compares them. The scanned vsftpd.conf promises TLS; the daemon actually running on the
 * probed port was started from another config without it, exactly the drift an auditor
 * must see ("the running daemon is not using this file").
 */
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
const missing = vsftpdPrerequisites();
let tree: string;

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-scanprobe-'));
  mkdirSync(path.join(tree, 'etc'));
  writeFileSync(path.join(tree, 'etc', 'vsftpd.conf'), 'listen=YES\nssl_enable=YES\nssl_tlsv1=NO\nforce_local_logins_ssl=YES\nanonymous_enable=NO\nlocal_enable=YES\n');
});
afterAll(() => rmSync(tree, { recursive: true, force: true }));

describe.skipIf(Boolean(missing))(`scan --probe${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('merges config and live results and flags a live server that does not follow the scanned config', async () => {
    await withVsftpd('listen=YES\nbackground=NO\nseccomp_sandbox=NO\nssl_enable=NO\nanonymous_enable=NO\nlocal_enable=YES\n', async ({ port }) => {
      const r = spawnSync('node', [BIN, 'scan', tree, '--probe', `127.0.0.1:${port}`, '--timeout', '3000', '--format', 'json', '--fail-on', 'none'], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 90_000,
        env: { ...process.env, CI: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      const ids = new Set(report.results.map((x: { ruleId: string }) => x.ruleId.split('/')[0]));
      expect([...ids]).toEqual(expect.arrayContaining(['vsftpd', 'probe']));
      expect(report.inventory.probe[0].endpoint).toBe(`ftps://127.0.0.1:${port}`);
      const drift = report.results.filter((x: { ruleId: string; status: string }) => x.ruleId === 'probe/config-differs-from-live' && x.status === 'fail');
      expect(drift.length).toBeGreaterThan(0);
      expect(drift.map((d: { message: string }) => d.message).join('\n')).toMatch(/ssl_enable/);
      // Live results sit on the one scanned config (code scanning needs a file line), the
      // endpoint kept beside it.
      const live = report.results.filter((x: { location?: { endpoint?: string } }) => x.location?.endpoint === `ftps://127.0.0.1:${port}`);
      expect(live.length).toBeGreaterThan(0);
      for (const x of live) expect(x.location.file).toMatch(/etc\/vsftpd\.conf$/);
    });
  });

  it('an unreachable --probe target is a located error result; the config is still judged', () => {
    const r = spawnSync('node', [BIN, 'scan', tree, '--probe', '127.0.0.1:9', '--timeout', '1000', '--format', 'json', '--fail-on', 'none'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
      env: { ...process.env, CI: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/could be probed/);
    const report = JSON.parse(r.stdout);
    expect(report.results.some((x: { ruleId: string; status: string }) => x.ruleId.startsWith('vsftpd/') && x.status === 'pass')).toBe(true);
    expect(report.results.some((x: { status: string; location?: { endpoint?: string } }) => x.status === 'error' && x.location?.endpoint === 'ftps://127.0.0.1:9')).toBe(true);
  });

  it('refuses a malformed --probe target with a usage error (exit 2)', () => {
    const r = spawnSync('node', [BIN, 'scan', tree, '--probe', 'host:notaport'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ftps-audit: /);
  });
});
