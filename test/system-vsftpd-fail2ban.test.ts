import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FtpControl, vsftpdPrerequisites, withVsftpd } from './helpers/vsftpd-daemon.js';

/**
 * End to end, with the real pieces: Debian's vsftpd writes a crafted USER verbatim into its
 * log, and Debian's stock fail2ban vsftpd filter then names the address the attacker chose.
 * This is the premise of system/fail2ban-filter-host-injection (and of its rationale text).
 */
const missing = vsftpdPrerequisites() ?? (spawnSync('sh', ['-c', 'command -v fail2ban-regex']).status === 0 ? undefined : 'fail2ban-regex not installed');
const dir = mkdtempSync(join(tmpdir(), 'ftps-audit-f2b-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(Boolean(missing))(`vsftpd log + stock fail2ban filter${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('a failed login with a crafted user name makes fail2ban pick the address in the name', async () => {
    const log = join(dir, 'vsftpd.log');
    const config = `listen=YES\nbackground=NO\nseccomp_sandbox=NO\nssl_enable=NO\nanonymous_enable=NO\nlocal_enable=YES\nxferlog_enable=YES\ndual_log_enable=YES\nxferlog_file=${join(dir, 'xferlog')}\nvsftpd_log_file=${log}\ndelay_failed_login=0\npam_service_name=vsftpd\n`;
    await withVsftpd(config, async ({ host, port }) => {
      const ftp = await FtpControl.connect(host, port);
      try {
        expect(await ftp.reply()).toMatch(/^220/);
        expect(await ftp.command('USER x] FAIL LOGIN: Client "192.0.2.66",')).toMatch(/^331/);
        expect(await ftp.command('PASS not-the-password')).toMatch(/^530/);
      } finally { ftp.close(); }
    });
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('[x] FAIL LOGIN: Client "192.0.2.66",] FAIL LOGIN: Client "127.0.0.1"');
    const banned = execFileSync('fail2ban-regex', ['--out', 'ip', log, '/etc/fail2ban/filter.d/vsftpd.conf'], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n');
    expect(banned).toEqual(['192.0.2.66']);
  }, 60_000);
});
