/**
 * The oclif `template` command in-process: flags reach the generator, --out-dir writes and
 * refuses to overwrite (exit 2), stdout carries the configs and stderr the --from diff.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Template from '../src/commands/template.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function runCli(argv: string[]): Promise<{ stdout: string; stderr: string; exit: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    await Template.run(argv, { root: ROOT } as never);
    return { stdout, stderr, exit: 0 };
  } catch (e) {
    const code = (e as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
    return { stdout, stderr: stderr + String((e as Error).message), exit: code };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('ftps-audit template (command)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-tplcli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it('all --out-dir writes the set; a second run without --force is refused with exit 2', async () => {
    const out = path.join(dir, 'set');
    const first = await runCli(['all', '--pack', 'pci-dss', '--pack', 'hipaa', '--vsftpd-flavor', 'rhel', '--mode', 'both', '--pasv-range', '50000-50010', '--allow-from', '198.51.100.0/24', '--ftp-user', 'alice', '--out-dir', out]);
    expect(first.exit, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/wrote .*etc\/vsftpd\/vsftpd\.conf/);
    const conf = readFileSync(path.join(out, 'etc/vsftpd/vsftpd.conf'), 'utf8');
    expect(conf).toMatch(/^ssl_tlsv1_1=NO$/m);
    expect(conf).toMatch(/^pasv_min_port=50000$/m);
    expect(readFileSync(path.join(out, 'etc/vsftpd/vsftpd-implicit.conf'), 'utf8')).toMatch(/^implicit_ssl=YES$/m);
    expect(readFileSync(path.join(out, 'etc/sysconfig/iptables'), 'utf8')).toContain('-s 198.51.100.0/24 --dport 50000:50010');
    expect(readFileSync(path.join(out, 'etc/security/faillock.conf'), 'utf8')).toMatch(/^unlock_time = 1800$/m);
    const again = await runCli(['all', '--out-dir', out]);
    expect(again.exit).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    const forced = await runCli(['all', '--out-dir', out, '--force']);
    expect(forced.exit, forced.stderr).toBe(0);
  });

  it('stdout: every file introduced by a comment header; usage errors exit 2', async () => {
    const r = await runCli(['iptables']);
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^# ==> etc\/iptables\/rules\.v4 <==/m);
    expect(r.stdout).toMatch(/^# ==> etc\/iptables\/rules\.v6 <==/m);
    const bad = await runCli(['vsftpd', '--pasv-range', '21-22']);
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toMatch(/pasv_min_port <= 1024/);
  });

  it('--from: the hardened config on stdout, the diff with reasons on stderr', async () => {
    const src = path.join(dir, 'old.conf');
    writeFileSync(src, 'listen=YES\nlisten_port=2121\nssl_enable=YES\nssl_tlsv1=YES\nftpd_banner=ACME files\nlocal_umask=022\n');
    const r = await runCli(['vsftpd', '--from', src]);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^listen_port=2121$/m);
    expect(r.stdout).toMatch(/^ftpd_banner=ACME files$/m);
    expect(r.stdout).toMatch(/^ssl_tlsv1=NO$/m);
    expect(r.stderr).toMatch(/~ ssl_tlsv1: YES -> NO \(line 4\)/);
    expect(r.stderr).toMatch(/~ local_umask: 022 -> 027 \(line 6\)/);
    expect(r.stderr).toMatch(/why: /);
  });
});
