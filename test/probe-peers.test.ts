/**
 * Comparison suite: the probe's protocol and suite lists against sslscan's on the same real
 * vsftpd ports (strict, permissive, implicit), and DHE parameter size against gnutls-serv
 * configured with a known prime. sslscan prints OpenSSL names; they are mapped to IANA codes
 * through the shared suite table.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeObservation } from '../src/model/probe.js';
import { probeEndpoint } from '../src/probe/run.js';
import { defaultSettings, judge, loadRuleSet } from '../src/pipeline/scan.js';
import { scanTls } from '../src/probe/tls-scan.js';
import { suiteByIanaName, suiteByOpensslName } from '../src/tls/suites.js';
import { ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites, type VsftpdStartup } from './helpers/vsftpd-daemon.js';

const skip = vsftpdPrerequisites();
let work = '';
const daemons: VsftpdStartup[] = [];

function sslscan(port: number, starttls: boolean): Promise<Map<string, Set<number>>> {
  return new Promise((resolve) => {
    execFile('sslscan', ['--no-colour', ...(starttls ? ['--starttls-ftp'] : []), `127.0.0.1:${port}`], { timeout: 60_000 }, (_e, out) => {
      const byProto = new Map<string, Set<number>>();
      for (const line of out.split('\n')) {
        const m = /^(?:Preferred|Accepted)\s+(TLSv1\.[0-3]|SSLv[23])\s+\d+ bits\s+(\S+)/.exec(line);
        if (!m) continue;
        const proto = m[1] === 'TLSv1.0' ? 'TLSv1.0' : m[1]!;
        const s = suiteByOpensslName(m[2]!) ?? suiteByIanaName(m[2]!);
        if (!s) throw new Error(`sslscan suite ${m[2]} not in the table`);
        (byProto.get(proto) ?? byProto.set(proto, new Set()).get(proto)!).add(s.code);
      }
      resolve(byProto);
    });
  });
}

function ours(o: ProbeObservation): Map<string, Set<number>> {
  const m = new Map<string, Set<number>>();
  for (const p of o.tls!.protocols) if (p.accepted) m.set(p.protocol, new Set(p.suites.map((s) => s.code)));
  return m;
}

async function vsftpd(extra: string[]): Promise<number> {
  const conf = path.join(work, `v${daemons.length}.conf`);
  writeFileSync(conf, ['listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${work}/cert.pem`, `rsa_private_key_file=${work}/key.pem`, 'local_enable=YES', 'anonymous_enable=NO', ...extra].join('\n') + '\n', { mode: 0o600 });
  const port = await freePort();
  const implicit = extra.includes('implicit_ssl=YES');
  const d = await startVsftpd({ configFile: conf, port, overrides: foregroundOverrides(port), ...(implicit ? { timeoutMs: 1500 } : {}) });
  daemons.push(d);
  if (!(d.state === 'running' || (implicit && d.state === 'timeout'))) throw new Error(`vsftpd: ${d.state}`);
  return port;
}

describe.skipIf(skip !== undefined)('probe vs sslscan on the same vsftpd ports', () => {
  beforeAll(() => {
    ensureVsftpdRuntimeDirs();
    work = mkdtempSync(path.join(os.tmpdir(), 'probe-peers-'));
    chmodSync(work, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${work}/key.pem`, '-out', `${work}/cert.pem`, '-days', '30', '-subj', '/CN=ftps-test.local'], { stdio: 'ignore' });
  });
  afterAll(async () => {
    for (const d of daemons) await stopVsftpd(d);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const configs: [string, string[], boolean][] = [
    ['strict', [], true],
    ['permissive', ['ssl_ciphers=ALL:@SECLEVEL=0', 'ssl_tlsv1=YES', 'ssl_sslv3=YES'], true],
    ['implicit', ['implicit_ssl=YES'], false],
    ['TLS 1.0 via ciphers', ['ssl_ciphers=ECDHE-RSA-AES128-SHA:AES256-SHA:@SECLEVEL=0'], true],
  ];
  for (const [name, extra, starttls] of configs) {
    it(`${name}: same protocols and suites as sslscan`, async () => {
      const port = await vsftpd(extra);
      const o = await probeEndpoint({ host: '127.0.0.1', port }, { mode: 'auto', timeoutMs: 4000, concurrency: 1, skipClientRenegotiation: true });
      const ref = await sslscan(port, starttls);
      expect(ref.size).toBeGreaterThan(0);
      expect(ours(o)).toEqual(ref);
    });
  }
});

/** RFC 2409 §6.2 Oakley group 2 (1024-bit MODP) as PKCS#3 PEM: a known weak prime, no generation. */
function oakleyGroup2Pem(): string {
  const p = Buffer.from('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF', 'hex');
  const len = (n: number): Buffer => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]));
  const int = (b: Buffer): Buffer => { const v = b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b; return Buffer.concat([Buffer.from([2]), len(v.length), v]); };
  const body = Buffer.concat([int(p), int(Buffer.from([2]))]);
  const der = Buffer.concat([Buffer.from([0x30]), len(body.length), body]);
  return `-----BEGIN DH PARAMETERS-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END DH PARAMETERS-----\n`;
}

describe('DHE prime size read from ServerKeyExchange (gnutls-serv with a 1024-bit prime)', () => {
  let proc: ChildProcess | undefined;
  let dir = '';
  afterAll(() => {
    if (proc?.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('reports 1024 bits for the DHE suites, matching the prime the server was given', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gnutls-dh-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '30', '-subj', '/CN=dh.test'], { stdio: 'ignore' });
    writeFileSync(`${dir}/dh.pem`, oakleyGroup2Pem());
    const bits = Number(/\((\d+) bit\)/.exec(execFileSync('openssl', ['dhparam', '-in', `${dir}/dh.pem`, '-noout', '-text']).toString())![1]);
    const port = await freePort();
    proc = spawn('gnutls-serv', ['--priority', 'NONE:+VERS-TLS1.2:+AES-128-CBC:+AES-128-GCM:+DHE-RSA:+SHA1:+AEAD:+COMP-NULL:+SIGN-ALL:+GROUP-ALL', '--dhparams', `${dir}/dh.pem`, '--x509certfile', `${dir}/c.pem`, '--x509keyfile', `${dir}/k.pem`, '-p', String(port)], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port }, mode: 'implicit', hostname: 'dh.test', timeoutMs: 3000, parallel: 4, clientRenegotiation: false });
    const dhe = tls.protocols.flatMap((p) => p.suites).filter((s) => s.name.includes('DHE_RSA'));
    expect(dhe.length).toBeGreaterThan(0);
    expect(new Set(dhe.map((s) => s.dhBits))).toEqual(new Set([bits]));
  });
});

/**
 * openssl s_client's interactive "R" is the reference for client-initiated renegotiation: a
 * completed second handshake verifies the certificate a second time ("depth=0" twice); a
 * refusing OpenSSL server answers "no renegotiation".
 */
function sClientRenegotiates(port: number, starttls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', ...(starttls ? ['-starttls', 'ftp'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t1 = setTimeout(() => p.stdin.write('R\n'), 500);
    const t2 = setTimeout(() => p.stdin.end(starttls ? 'NOOP\r\n' : 'x\n'), 1200);
    const t3 = setTimeout(() => p.kill(), 3000);
    p.on('close', () => {
      clearTimeout(t1); clearTimeout(t2); clearTimeout(t3);
      // stdout and stderr interleave unpredictably: count certificate verifications instead
      // (one per completed handshake) and look for a refusal anywhere.
      const handshakes = (out.match(/^depth=0 /gm) ?? []).length;
      resolve(out.includes('RENEGOTIATING') && handshakes >= 2 && !/no renegotiation/.test(out));
    });
  });
}

describe('client-initiated renegotiation agrees with openssl s_client', () => {
  let proc: ChildProcess | undefined;
  let dir = '';
  const daemonsHere: VsftpdStartup[] = [];
  afterAll(async () => {
    if (proc?.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM');
    for (const d of daemonsHere) await stopVsftpd(d);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('gnutls-serv allows it, vsftpd refuses it — and s_client says the same', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reneg-'));
    chmodSync(dir, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '30', '-subj', '/CN=reneg.test'], { stdio: 'ignore' });
    const gport = await freePort();
    proc = spawn('gnutls-serv', ['--priority', 'NORMAL', '--x509certfile', `${dir}/c.pem`, '--x509keyfile', `${dir}/k.pem`, '-p', String(gport)], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => { const s = net.connect(gport, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const g = await scanTls({ endpoint: { host: '127.0.0.1', port: gport }, mode: 'implicit', hostname: 'reneg.test', timeoutMs: 2000, parallel: 4 });
    const g12 = g.clientRenegotiation.find((r) => r.protocol === 'TLSv1.2')!;
    expect(g12.allowed).toBe(await sClientRenegotiates(gport, false));
    expect(g12.allowed).toBe(true);

    ensureVsftpdRuntimeDirs();
    const conf = path.join(dir, 'v.conf');
    writeFileSync(conf, ['listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${dir}/c.pem`, `rsa_private_key_file=${dir}/k.pem`, 'local_enable=YES', 'anonymous_enable=NO'].join('\n') + '\n', { mode: 0o600 });
    const vport = await freePort();
    const d = await startVsftpd({ configFile: conf, port: vport, overrides: foregroundOverrides(vport) });
    daemonsHere.push(d);
    expect(d.state).toBe('running');
    const v = await scanTls({ endpoint: { host: '127.0.0.1', port: vport }, mode: 'explicit', hostname: 'reneg.test', timeoutMs: 2000, parallel: 4 });
    const v12 = v.clientRenegotiation.find((r) => r.protocol === 'TLSv1.2')!;
    expect(v12.allowed).toBe(await sClientRenegotiates(vport, true));
    expect(v12.allowed).toBe(false);
  });
});

describe('a suite the server picks but cannot serve does not hide the others (gnutls-serv, DHE without parameters)', () => {
  let proc: ChildProcess | undefined;
  let dir = '';
  afterAll(() => {
    if (proc?.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  function gnutlsHandshake(port: number, priority: string): Promise<boolean> {
    return new Promise((resolve) => {
      const p = execFile('gnutls-cli', ['--insecure', '--priority', priority, '-p', String(port), '127.0.0.1'], { timeout: 8000 }, (_e, out) => resolve(/Handshake was completed/.test(out)));
      p.stdin?.end();
    });
  }
  it('finds every RSA and ECDHE_RSA suite gnutls lists for the priority, none of the broken DHE ones, and the weak secp192r1 group', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gnutls-split-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '30', '-subj', '/CN=split.test'], { stdio: 'ignore' });
    const priority = 'NORMAL:-VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP192R1:+GROUP-SECP256R1';
    const port = await freePort();
    proc = spawn('gnutls-serv', ['--priority', priority, '--x509certfile', `${dir}/c.pem`, '--x509keyfile', `${dir}/k.pem`, '-p', String(port)], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Reference: the suites gnutls itself lists for this priority with RSA authentication…
    const listed = execFileSync('gnutls-cli', ['-l', '--priority', priority]).toString().split('\n')
      .map((l) => /^(TLS_\S+)\s+0x([0-9a-f]{2}), 0x([0-9a-f]{2})\s+TLS1\.[0-2]/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
      .filter((m) => /^TLS_(RSA|ECDHE_RSA|DHE_RSA)_/.test(m[1]!)).map((m) => ({ name: m[1]!, code: parseInt(m[2]! + m[3]!, 16) }));
    // …of which the DHE ones cannot complete (no FFDHE group, no parameters): gnutls-cli agrees.
    expect(await gnutlsHandshake(port, 'NONE:+VERS-TLS1.2:+CIPHER-ALL:+MAC-ALL:+DHE-RSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL')).toBe(false);
    expect(await gnutlsHandshake(port, 'NONE:+VERS-TLS1.2:+CIPHER-ALL:+MAC-ALL:+ECDHE-RSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL')).toBe(true);
    const expected = new Set(listed.filter((x) => !x.name.startsWith('TLS_DHE_')).map((x) => x.code));
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port }, mode: 'implicit', hostname: 'split.test', timeoutMs: 2000, parallel: 4, clientRenegotiation: false });
    const p12 = tls.protocols.find((p) => p.protocol === 'TLSv1.2')!;
    expect(new Set(p12.suites.map((x) => x.code))).toEqual(expected);
    expect(p12.incomplete).toBeUndefined();
    expect(tls.groups.sort()).toEqual(['secp192r1', 'secp256r1']);
    // Judged through the engine, the weak group is a finding.
    const obs: ProbeObservation = { endpoint: `ftps://127.0.0.1:${port}`, host: '127.0.0.1', port, requestedMode: 'auto', detectedMode: 'implicit', modeMismatch: false, reachability: 'ok', tls, transcript: [], durationMs: 0, notes: [] };
    const report = await judge({ settings: defaultSettings(), artifacts: [], models: { probe: [obs] }, diagnostics: [] }, await loadRuleSet(), { command: 'probe', args: [], targets: [obs.endpoint] });
    const g = report.results.find((r) => r.ruleId === 'probe/weak-key-exchange-group')!;
    expect(g.status).toBe('fail');
    expect(g.message).toMatch(/secp192r1/);
  });
});
