import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeVsftpd } from './helpers/judge.js';
import { ensureVsftpdRuntimeDirs, vsftpdPrerequisites, withVsftpd } from './helpers/vsftpd-daemon.js';

/**
 * vsftpd/tls-below-1.2-accepted decides from the cipher-list expansion whether TLS 1.0 and
 * 1.1 can be negotiated (Debian has no TLS 1.1 switch). Prove each verdict with real
 * handshakes against the real daemon started with that config.
 */
const cases: { ciphers?: string; tlsv1: 'YES' | 'NO' }[] = [
  { tlsv1: 'YES' }, // vsftpd's default list, OpenSSL's default security level
  { ciphers: 'HIGH', tlsv1: 'YES' },
  { ciphers: 'ALL:@SECLEVEL=0', tlsv1: 'YES' },
  { ciphers: 'ALL:@SECLEVEL=0', tlsv1: 'NO' },
  { ciphers: 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0', tlsv1: 'YES' },
  { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0', tlsv1: 'YES' },
  { ciphers: 'DEFAULT:@SECLEVEL=0', tlsv1: 'NO' },
  { ciphers: 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384', tlsv1: 'YES' },
];

let dir: string;
const missing = vsftpdPrerequisites();

function handshake(port: number, flag: '-tls1' | '-tls1_1'): boolean {
  const r = spawnSync('openssl', ['s_client', '-starttls', 'ftp', '-connect', `127.0.0.1:${port}`, flag, '-cipher', 'ALL:@SECLEVEL=0'], {
    input: '',
    encoding: 'utf8',
    timeout: 15_000,
  });
  return /Cipher is (?!\(NONE\))/.test(r.stdout) && !/alert/.test(r.stderr);
}

beforeAll(() => {
  if (missing) return;
  ensureVsftpdRuntimeDirs();
  dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-tlsproto-'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=ftps-test.local']);
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(Boolean(missing))(`TLS 1.0/1.1 verdicts agree with real handshakes against vsftpd${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const c of cases) {
    it(`ssl_ciphers=${c.ciphers ?? '(default)'} ssl_tlsv1=${c.tlsv1}`, async () => {
      const settings = `ssl_enable=YES\nssl_tlsv1=${c.tlsv1}\n${c.ciphers ? `ssl_ciphers=${c.ciphers}\n` : ''}rsa_cert_file=${dir}/cert.pem\nrsa_private_key_file=${dir}/key.pem\n`;
      const [result] = await judgeVsftpd(settings, 'vsftpd/tls-below-1.2-accepted');
      const predicted = new Set<string>();
      if (result.status === 'fail') {
        for (const p of ['TLS 1.0', 'TLS 1.1']) if (result.message.includes(p)) predicted.add(p);
      } else {
        expect(result.status).toBe('pass');
      }
      const observed = await withVsftpd(`listen=YES\nbackground=NO\nseccomp_sandbox=NO\n${settings}`, async ({ port }) => {
        const seen = new Set<string>();
        if (handshake(port, '-tls1')) seen.add('TLS 1.0');
        if (handshake(port, '-tls1_1')) seen.add('TLS 1.1');
        return seen;
      });
      expect([...predicted].sort()).toEqual([...observed].sort());
    });
  }

  it('the corpus covers both verdicts (so agreement is not trivial)', async () => {
    const statuses = new Set<string>();
    for (const c of cases) {
      const [r] = await judgeVsftpd(`ssl_enable=YES\nssl_tlsv1=${c.tlsv1}\n${c.ciphers ? `ssl_ciphers=${c.ciphers}\n` : ''}`, 'vsftpd/tls-below-1.2-accepted');
      statuses.add(r.status);
    }
    expect([...statuses].sort()).toEqual(['fail', 'pass']);
  });
});
