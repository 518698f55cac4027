/**
 * The live probe against Debian's real vsftpd in a dozen configurations on 127.0.0.1, with
 * `openssl s_client` as the reference for protocols and suites (enumerated the same way:
 * offer everything left, remove what was chosen) and the configuration as the reference for
 * each FTP-level verdict. A local account is created for the logins and removed afterwards.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProbeObservation, ProbeProtocol } from '../src/model/probe.js';
import { probeEndpoint, type ProbeOptions } from '../src/probe/run.js';
import { suiteByCode, suiteByOpensslName } from '../src/tls/suites.js';
import { ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites, type VsftpdStartup } from './helpers/vsftpd-daemon.js';

const skip = vsftpdPrerequisites();
const USER = `fa${process.pid.toString(36)}`;
const PASSWORD = `Pw-${Math.random().toString(36).slice(2)}-x9`;
let work = '';
let home = '';
const running: VsftpdStartup[] = [];

const BASE = (cert: string, key: string): string[] => [
  'listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${cert}`, `rsa_private_key_file=${key}`,
  'local_enable=YES', 'chroot_local_user=YES', 'anonymous_enable=NO', 'pasv_enable=YES', 'pasv_min_port=40000', 'pasv_max_port=49999',
];

interface Started { port: number; host: string }

async function vsftpd(extra: string[], host = '127.0.0.1'): Promise<Started> {
  const cert = path.join(work, 'cert.pem');
  const key = path.join(work, 'key.pem');
  const lines = [...BASE(cert, key), ...extra];
  // Later lines win in vsftpd; keep only the last occurrence for readability.
  const conf = path.join(work, `vsftpd-${running.length}.conf`);
  writeFileSync(conf, lines.join('\n') + '\n', { mode: 0o600 });
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort(host);
    // An implicit-TLS daemon greets nobody in clear, so the helper's greeting wait ends in
    // 'timeout' with the daemon alive: that is "running" for implicit mode.
    const implicit = extra.includes('implicit_ssl=YES');
    const d = await startVsftpd({ configFile: conf, port, host, overrides: foregroundOverrides(port), ...(implicit ? { timeoutMs: 1500 } : {}) });
    if (d.state === 'running' || (implicit && d.state === 'timeout' && d.child.exitCode === null)) {
      running.push(d);
      return { port, host };
    }
    await stopVsftpd(d);
    if (d.state === 'refused' && !/bind/.test(d.oops ?? '')) throw new Error(`vsftpd refused: ${d.oops}`);
  }
  throw new Error('vsftpd did not start');
}

const OPTS: ProbeOptions = { mode: 'auto', timeoutMs: 4000, concurrency: 1, skipClientRenegotiation: true };
const withLogin = (o: Partial<ProbeOptions> = {}): ProbeOptions => ({ ...OPTS, user: USER, password: PASSWORD, ...o });

function run(cmd: string, args: string[], input = ''): Promise<string> {
  return new Promise((resolve) => {
    const p = execFile(cmd, args, { timeout: 8000 }, (_e, out, err) => resolve(`${out}\n${err}`));
    p.stdin?.end(input);
  });
}

const S_CLIENT_FLAG: Partial<Record<ProbeProtocol, string>> = { 'TLSv1.0': '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };

/**
 * Reference enumeration with openssl s_client: offer every suite this OpenSSL has, remove the
 * negotiated one, repeat. Returns IANA codes in the order chosen.
 */
async function sClientSuites(port: number, protocol: ProbeProtocol, starttls: boolean): Promise<number[]> {
  const tls13 = protocol === 'TLSv1.3';
  const all = execFileSync('openssl', ['ciphers', '-s', tls13 ? '-tls1_3' : '-tls1_2', tls13 ? 'ALL' : 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'].filter(Boolean) as string[])
    .toString().trim().split(':').filter((n) => tls13 ? n.startsWith('TLS_') : !n.startsWith('TLS_'));
  let remaining = tls13 ? all : execFileSync('openssl', ['ciphers', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0']).toString().trim().split(':').filter((n) => !n.startsWith('TLS_'));
  const found: number[] = [];
  for (let i = 0; i < 200 && remaining.length; i++) {
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, S_CLIENT_FLAG[protocol]!, ...(starttls ? ['-starttls', 'ftp'] : [])];
    if (tls13) args.push('-ciphersuites', remaining.join(':'));
    else args.push('-cipher', `${remaining.join(':')}:@SECLEVEL=0`);
    const out = await run('openssl', args);
    const m = /Cipher is (\S+)/.exec(out);
    if (!m || m[1] === '(NONE)') break;
    const s = suiteByOpensslName(m[1]!);
    if (!s) throw new Error(`unknown OpenSSL suite ${m[1]}`);
    found.push(s.code);
    remaining = remaining.filter((n) => n !== m[1]);
  }
  return found;
}

function acceptedCodes(o: ProbeObservation, p: ProbeProtocol, localOnly = true): number[] {
  const pr = o.tls!.protocols.find((x) => x.protocol === p)!;
  return pr.suites.map((s) => s.code).filter((c) => !localOnly || suiteByCode(c)?.inLocalOpenssl);
}

async function agreeWithOpenssl(o: ProbeObservation, port: number, starttls: boolean): Promise<void> {
  for (const p of ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as ProbeProtocol[]) {
    const ref = await sClientSuites(port, p, starttls);
    expect.soft([...acceptedCodes(o, p)].sort(), `${p} suites vs openssl s_client`).toEqual([...ref].sort());
    expect.soft(o.tls!.protocols.find((x) => x.protocol === p)!.accepted, `${p} accepted`).toBe(ref.length > 0);
  }
}

describe.skipIf(skip !== undefined)('probe against real vsftpd', () => {
  beforeAll(() => {
    ensureVsftpdRuntimeDirs();
    work = mkdtempSync(path.join(os.tmpdir(), 'probe-vsftpd-'));
    chmodSync(work, 0o755); // the FTP user must be able to reach its home below it
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem'), '-days', '30', '-subj', '/CN=ftps-test.local'], { stdio: 'ignore' });
    // The login account: its chroot root is not writable (vsftpd refuses a writable one), a subdirectory is.
    home = path.join(work, 'home');
    mkdirSync(home, { mode: 0o755 });
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    chmodSync(home, 0o555);
    const upload = path.join(home, 'upload');
    mkdirSync(upload);
    const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
    chownSync(upload, uid, uid);
    writeFileSync(path.join(home, 'readme.txt'), 'listing content for the data-channel checks\n');
  });

  afterAll(async () => {
    for (const d of running) await stopVsftpd(d);
    try { execFileSync('userdel', [USER], { stdio: 'ignore' }); } catch { /* already gone */ }
    if (work) {
      chmodSync(home, 0o755);
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('strict: TLS 1.2/1.3 only, logins and data forced onto TLS, reuse required', async () => {
    const { port, host } = await vsftpd([]);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.reachability).toBe('ok');
    expect(o.detectedMode).toBe('explicit');
    const accepted = o.tls!.protocols.filter((p) => p.accepted).map((p) => p.protocol);
    expect(accepted).toEqual(['TLSv1.2', 'TLSv1.3']);
    await agreeWithOpenssl(o, port, true);
    // SSLv2/SSLv3 refused with an alert, vsftpd's clear-text OOPS kept as evidence, not an error.
    const sslv3 = o.tls!.protocols.find((p) => p.protocol === 'SSLv3')!;
    expect(sslv3.evidence.answer).toMatch(/^alert/);
    expect(sslv3.evidence.trailingText).toMatch(/500 OOPS/);
    expect(o.tls!.leakedErrors.some((e) => /SSL routines/.test(e))).toBe(true);
    expect(o.tls!.fallbackScsv).toBe('enforced');
    // OpenSSL 3: no heartbeat extension; an early ChangeCipherSpec is refused at once.
    expect(o.tls!.heartbleed).toMatchObject({ protocol: 'TLSv1.2', verdict: 'no-heartbeat' });
    expect(o.tls!.ccsInjection).toMatchObject({ protocol: 'TLSv1.2', verdict: 'not-vulnerable' });
    expect(o.ftp!.userBeforeTls!.code).toBe(530);
    expect(o.ftp!.anonymousClear!.allowed).toBe(false);
    expect(o.ftp!.login!.succeeded).toBe(true);
    expect(o.ftp!.protClear!.exchanges.find((e) => e.command === 'PROT C')!.code).toBe(200);
    expect(o.ftp!.protClear!.transferred).toBe(false); // 522 after the 200
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
    expect(o.ftp!.dataTlsReuse!.sessionReused).toBe(true);
    expect(o.ftp!.dataTlsReuse!.bytes).toBeGreaterThan(0);
    expect(o.ftp!.dataTlsNoReuse!.transferred).toBe(false);
    expect(o.ftp!.dataTlsNoReuse!.exchanges.at(-1)!.reply).toMatch(/522.*reuse/i);
    expect(o.ftp!.versionDisclosed).toContain('vsFTPd 3.0.3');
    expect(o.ftp!.feat).toContain('AUTH TLS');
    expect(o.ftp!.feat).not.toContain('AUTH SSL');
    // The password never appears in the observation, not even in the transcript.
    expect(JSON.stringify(o)).not.toContain(PASSWORD);
    expect(o.transcript.join('\n')).toContain('PASS ****');
  });

  it('permissive: TLS 1.0–1.3 with weak suites, clear logins, PROT C honoured, no reuse, pasv_address leak', async () => {
    const { port, host } = await vsftpd([
      'force_local_logins_ssl=NO', 'force_local_data_ssl=NO', 'require_ssl_reuse=NO', 'anonymous_enable=YES', 'allow_anon_ssl=YES',
      'pasv_address=10.1.2.3', 'ssl_ciphers=ALL:@SECLEVEL=0', 'ssl_tlsv1=YES', 'ssl_sslv3=YES',
    ]);
    const o = await probeEndpoint({ host, port }, withLogin());
    const counts = Object.fromEntries(o.tls!.protocols.map((p) => [p.protocol, p.suites.length]));
    expect(counts).toEqual({ SSLv2: 0, SSLv3: 0, 'TLSv1.0': 8, 'TLSv1.1': 8, 'TLSv1.2': 29, 'TLSv1.3': 3 });
    await agreeWithOpenssl(o, port, true);
    expect(o.ftp!.userBeforeTls!.code).toBe(331);
    expect(o.ftp!.anonymousClear!.allowed).toBe(true);
    expect(o.ftp!.protClear!.transferred).toBe(true);
    expect(o.ftp!.protClear!.bytes).toBeGreaterThan(0);
    expect(o.ftp!.dataTlsNoReuse!.transferred).toBe(true);
    expect(o.ftp!.feat).toContain('AUTH SSL');
    // The internal address is read, never used: every data connection went to the target.
    expect(o.ftp!.pasv).toMatchObject({ address: '10.1.2.3', privateAddress: true, differsFromTarget: true });
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
  });

  it('implicit: detected from the TLS answer, same TLS facts as explicit', async () => {
    const { port, host } = await vsftpd(['implicit_ssl=YES']);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.detectedMode).toBe('implicit');
    expect(o.modeMismatch).toBe(false);
    expect(o.tls!.protocols.filter((p) => p.accepted).map((p) => p.protocol)).toEqual(['TLSv1.2', 'TLSv1.3']);
    await agreeWithOpenssl(o, port, false);
    expect(o.ftp!.login!.succeeded).toBe(true);
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
    expect(o.tls!.certificates.length).toBeGreaterThan(0);
  });

  it('implicit port probed as explicit: mismatch reported, still probed correctly', async () => {
    const { port, host } = await vsftpd(['implicit_ssl=YES']);
    const o = await probeEndpoint({ host, port }, { ...OPTS, mode: 'explicit' });
    expect(o.detectedMode).toBe('implicit');
    expect(o.modeMismatch).toBe(true);
    expect(o.tls!.protocols.some((p) => p.accepted)).toBe(true);
  });

  it('TLS 1.0 enabled through ssl_ciphers (SECLEVEL=0): found, and matches s_client', async () => {
    const { port, host } = await vsftpd(['ssl_ciphers=ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0', 'ssl_tlsv1=YES']);
    const o = await probeEndpoint({ host, port }, OPTS);
    const p10 = o.tls!.protocols.find((p) => p.protocol === 'TLSv1.0')!;
    expect(p10.accepted).toBe(true);
    expect(p10.suites.map((s) => s.name)).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA']);
    await agreeWithOpenssl(o, port, true);
  });

  it('require_ssl_reuse=NO: data TLS without reuse accepted', async () => {
    const { port, host } = await vsftpd(['require_ssl_reuse=NO']);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.ftp!.dataTlsNoReuse!.transferred).toBe(true);
    expect(o.ftp!.dataTlsNoReuse!.sessionReused).toBe(false);
    expect(o.ftp!.protClear!.transferred).toBe(false);
  });

  it('force_local_data_ssl=NO: a clear listing is actually transferred after PROT C', async () => {
    const { port, host } = await vsftpd(['force_local_data_ssl=NO']);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.ftp!.protClear!.transferred).toBe(true);
    expect(o.ftp!.protClear!.bytes).toBeGreaterThan(0);
    expect(o.ftp!.userBeforeTls!.code).toBe(530);
  });

  it('anonymous without allow_anon_ssl: allowed in clear, refused over TLS', async () => {
    const { port, host } = await vsftpd(['anonymous_enable=YES', 'allow_anon_ssl=NO']);
    const o = await probeEndpoint({ host, port }, OPTS);
    expect(o.ftp!.anonymousClear!.allowed).toBe(true);
    expect(o.ftp!.anonymousTls!.allowed).toBe(false);
    expect(o.ftp!.loginSkipped).toMatch(/anonymous/);
  });

  it('anonymous over TLS only: refused in clear (forced), allowed over TLS', async () => {
    const { port, host } = await vsftpd(['anonymous_enable=YES', 'allow_anon_ssl=YES', 'force_anon_logins_ssl=YES', 'force_anon_data_ssl=YES']);
    const o = await probeEndpoint({ host, port }, OPTS);
    expect(o.ftp!.anonymousClear!.allowed).toBe(false);
    expect(o.ftp!.anonymousTls!.allowed).toBe(true);
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
  });

  it('pasv_address in 10/8: leak observed, only the target is ever connected to', async () => {
    const { port, host } = await vsftpd(['pasv_address=10.77.0.9']);
    // Record every outgoing TCP connection the probe opens.
    const hosts: string[] = [];
    const real = net.connect;
    const spy = vi.spyOn(net, 'connect').mockImplementation(((...args: Parameters<typeof net.connect>) => {
      const a = args[0] as unknown;
      hosts.push(typeof a === 'object' && a !== null ? String((a as { host?: string }).host) : String(args[1]));
      return real(...args);
    }) as typeof net.connect);
    let o: ProbeObservation;
    try {
      o = await probeEndpoint({ host, port }, withLogin());
    } finally {
      spy.mockRestore();
    }
    expect(hosts.length).toBeGreaterThan(10);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
    expect(o.ftp!.pasv).toMatchObject({ address: '10.77.0.9', privateAddress: true, differsFromTarget: true });
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
  });

  it('ssl_enable=NO: a clear-text FTP server is "no-tls", with its FTP facts', async () => {
    const { port, host } = await vsftpd(['ssl_enable=NO']);
    const o = await probeEndpoint({ host, port }, OPTS);
    expect(o.reachability).toBe('no-tls');
    expect(o.tls).toBeUndefined();
    expect(o.ftp!.authTls!.code).toBeGreaterThanOrEqual(500);
    expect(o.ftp!.userBeforeTls!.code).toBe(331);
  });

  it('certificate chain captured from the clear-text Certificate message; TLS 1.3 only server via tls.connect', async () => {
    // vsftpd 3.0.3 has no TLS 1.3-only switch: a TLS ≤ 1.2 cipher list that needs an ECDSA key
    // leaves TLS 1.2 nothing to negotiate with our RSA certificate, so only TLS 1.3 works.
    const { port, host } = await vsftpd(['ssl_tlsv1=NO', 'ssl_ciphers=ECDHE-ECDSA-AES128-GCM-SHA256']);
    const o = await probeEndpoint({ host, port }, { ...OPTS, hostname: 'ftps-test.local' });
    const acc = o.tls!.protocols.filter((p) => p.accepted).map((p) => p.protocol);
    expect(acc).toEqual(['TLSv1.3']);
    await agreeWithOpenssl(o, port, true);
    expect(o.tls!.certificates[0]!.source).toMatch(/TLSv1.3/);
    expect(o.tls!.certificates[0]!.hostnameMatches).toBe(true);
    expect(o.tls!.certificates[0]!.trusted).toBe(false);
    expect(o.tls!.certificates[0]!.trustError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('trusted with --ca-file: the self-signed cert given as anchor', async () => {
    const { port, host } = await vsftpd([]);
    const o = await probeEndpoint({ host, port }, { ...OPTS, caFile: path.join(work, 'cert.pem'), hostname: 'ftps-test.local' });
    const c = o.tls!.certificates[0]!;
    expect(c.source).toMatch(/clear-text Certificate/);
    expect(c.trusted).toBe(true);
    expect(c.chain[0]!.subject).toBe('CN=ftps-test.local');
  });

  it('max_per_ip=2: the probe waits out "421 too many connections" and reports the same TLS and FTP facts', async () => {
    const { port, host } = await vsftpd(['max_per_ip=2']);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.reachability).toBe('ok');
    expect(o.tls!.protocols.filter((p) => p.accepted).map((p) => `${p.protocol}:${p.suites.length}`)).toEqual(['TLSv1.2:1', 'TLSv1.3:3']);
    expect(o.tls!.fallbackScsv).toBe('enforced');
    expect(o.ftp!.userBeforeTls!.code).toBe(530);
    expect(o.ftp!.login!.succeeded).toBe(true);
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
  });

  it('implicit with max_per_ip=2: same', async () => {
    const { port, host } = await vsftpd(['implicit_ssl=YES', 'max_per_ip=2']);
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.detectedMode).toBe('implicit');
    expect(o.tls!.protocols.filter((p) => p.accepted).map((p) => `${p.protocol}:${p.suites.length}`)).toEqual(['TLSv1.2:1', 'TLSv1.3:3']);
    expect(o.ftp!.login!.succeeded).toBe(true);
  });

  it('PASV refused (cmds_denied=PASV): data checks fall back to EPSV', async () => {
    // vsftpd has no EPSV-only switch; refusing PASV through cmds_denied leaves EPSV working.
    const { port, host } = await vsftpd(['cmds_denied=PASV']);
    const o = await probeEndpoint({ host, port }, withLogin());
    const d = o.ftp!.dataTlsReuse!;
    expect(d.exchanges.map((e) => e.command)).toEqual(['PASV', 'EPSV', 'LIST', '(transfer completion)']);
    expect(d.transferred).toBe(true);
    expect(o.ftp!.pasv).toBeUndefined();
  });

  it('IPv6 loopback target [::1]: same verdicts; PASV 0,0,0,0 is not an address leak', async () => {
    const { port, host } = await vsftpd(['listen=NO', 'listen_ipv6=YES'], '::1');
    const o = await probeEndpoint({ host, port }, withLogin());
    expect(o.endpoint).toBe(`ftps://[::1]:${port}`);
    expect(o.reachability).toBe('ok');
    expect(o.tls!.protocols.filter((p) => p.accepted).map((p) => p.protocol)).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(o.ftp!.dataTlsReuse!.transferred).toBe(true);
    expect(o.ftp!.pasv).toMatchObject({ address: '0.0.0.0', privateAddress: false, differsFromTarget: false });
    expect(o.ftp!.epsv!.exchange.code).toBe(229);
  });
});
