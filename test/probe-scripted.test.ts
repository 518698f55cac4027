/**
 * The probe against scripted servers (test/helpers/scripted-tls-servers.ts) for what no
 * Debian server still does — SSLv2 and SSLv3 acceptance, handshake fragmentation — and for
 * hostile behaviour; and against gnutls-serv for 3DES/RC4 suites OpenSSL 3 lacks, checked
 * with gnutls-cli. Each hostile case must end in a clean verdict within its bounds.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OVERALL_TIMEOUT_FACTOR, probeEndpoint, probeTargets, type ProbeOptions } from '../src/probe/run.js';
import { scanTls } from '../src/probe/tls-scan.js';
import { checkFtp } from '../src/probe/ftp-checks.js';
import { suiteByCode } from '../src/tls/suites.js';
import { freePort } from './helpers/vsftpd-daemon.js';
import { selfSignedDer, startHostile, startScriptedTls, type HostileBehaviour, type RunningServer } from './helpers/scripted-tls-servers.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const OPTS: ProbeOptions = { mode: 'auto', timeoutMs: 1500, concurrency: 4, skipClientRenegotiation: true };
const cert = selfSignedDer('scripted.test');

const RSA_3DES = 0x000a;
const RSA_RC4_SHA = 0x0005;
const RSA_AES128 = 0x002f;
const RSA_AES256 = 0x0035;

describe('scripted SSLv3 / SSLv2 servers: the server\'s own log is the reference', () => {
  it('SSLv3 with 3DES and RC4 (explicit FTP front): every suite found, in server order, nothing else', async () => {
    const suites = [RSA_RC4_SHA, RSA_3DES, RSA_AES128];
    const srv = await startScriptedTls({ mode: 'explicit', versions: [0x0300], suites, certDer: cert });
    servers.push(srv);
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'explicit', hostname: 'scripted.test', timeoutMs: 1500, parallel: 4, clientRenegotiation: false });
    const sslv3 = tls.protocols.find((p) => p.protocol === 'SSLv3')!;
    expect(sslv3.accepted).toBe(true);
    expect(sslv3.suites.map((s) => s.code)).toEqual(suites);
    // The reference: what the server logged as accepted under SSLv3.
    const logged = [...new Set(srv.accepted.filter((a) => a.version === 0x0300).map((a) => a.suite))];
    expect(new Set(sslv3.suites.map((s) => s.code))).toEqual(new Set(logged));
    expect(sslv3.serverPreference).toBe(true);
    // A TLS 1.0 hello answered with an SSLv3 ServerHello is TLS 1.0 refused, not accepted.
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.0')!.accepted).toBe(false);
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.0')!.evidence.answer).toMatch(/another version/);
    expect(tls.certificates[0]!.chain[0]!.subject).toBe('CN=scripted.test');
  });

  it('SSLv2: the SERVER-HELLO cipher kinds are the accepted list', async () => {
    const kinds = [0x010080, 0x0700c0, 0x020080];
    const srv = await startScriptedTls({ mode: 'implicit', versions: [0x0301], suites: [RSA_AES128], ssl2Kinds: kinds, certDer: cert });
    servers.push(srv);
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'implicit', hostname: 'x', timeoutMs: 1500, parallel: 4, clientRenegotiation: false });
    const ssl2 = tls.protocols.find((p) => p.protocol === 'SSLv2')!;
    expect(ssl2.accepted).toBe(true);
    expect(ssl2.suites.map((s) => s.code)).toEqual(srv.acceptedSsl2[0]);
    expect(ssl2.suites.map((s) => s.name)).toContain('SSL_CK_DES_192_EDE3_CBC_WITH_MD5');
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.0')!.suites.map((s) => s.code)).toEqual([RSA_AES128]);
  });

  it('a server flight fragmented into 7-byte records and 3-byte TCP writes is reassembled', async () => {
    const suites = [RSA_AES256, RSA_AES128];
    const srv = await startScriptedTls({ mode: 'explicit', versions: [0x0301, 0x0302, 0x0303], suites, certDer: cert, recordSize: 7, tcpChunk: 3 });
    servers.push(srv);
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'explicit', hostname: 'scripted.test', timeoutMs: 3000, parallel: 4, clientRenegotiation: false });
    for (const p of ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'] as const) {
      expect(tls.protocols.find((x) => x.protocol === p)!.suites.map((s) => s.code)).toEqual(suites);
    }
    expect(tls.certificates[0]!.chain[0]!.subject).toBe('CN=scripted.test');
    // Fallback SCSV is not implemented by this server: a lower-version hello is simply accepted.
    expect(tls.fallbackScsv).toBe('not-enforced');
  });
});

describe('Heartbleed (CVE-2014-0160) against scripted vulnerable and patched servers', () => {
  for (const variant of ['vulnerable', 'patched'] as const) {
    it(`${variant} server → ${variant === 'vulnerable' ? 'vulnerable' : 'not-vulnerable'}`, async () => {
      const srv = await startScriptedTls({ mode: 'explicit', versions: [0x0301, 0x0302, 0x0303], suites: [RSA_AES128], certDer: cert, heartbeat: variant });
      servers.push(srv);
      const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'explicit', hostname: 'scripted.test', timeoutMs: 1500, parallel: 4, clientRenegotiation: false });
      expect(tls.heartbleed?.protocol).toBe('TLSv1.2');
      expect(tls.heartbleed?.verdict).toBe(variant === 'vulnerable' ? 'vulnerable' : 'not-vulnerable');
      expect(srv.heartbeats).toEqual([16384]);
      if (variant === 'vulnerable') expect(tls.heartbleed?.evidence).toMatch(/heartbeat response of \d+ bytes \(\d+ bytes of server memory; content discarded\)/);
    });
  }
  it('a server without the heartbeat extension is "no-heartbeat" and gets no heartbeat record', async () => {
    const srv = await startScriptedTls({ mode: 'implicit', versions: [0x0303], suites: [RSA_AES128], certDer: cert });
    servers.push(srv);
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'implicit', hostname: 'x', timeoutMs: 1500, parallel: 4, clientRenegotiation: false });
    expect(tls.heartbleed?.verdict).toBe('no-heartbeat');
    expect(srv.heartbeats).toEqual([]);
  });
});

describe('CCS injection (CVE-2014-0224) against scripted vulnerable and patched servers', () => {
  for (const variant of ['vulnerable', 'patched'] as const) {
    it(`${variant} server → ${variant === 'vulnerable' ? 'vulnerable' : 'not-vulnerable'}`, async () => {
      const srv = await startScriptedTls({ mode: 'explicit', versions: [0x0301, 0x0302, 0x0303], suites: [RSA_AES128], certDer: cert, ccs: variant });
      servers.push(srv);
      const tls = await scanTls({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'explicit', hostname: 'scripted.test', timeoutMs: 1500, parallel: 4, clientRenegotiation: false });
      expect(tls.ccsInjection?.protocol).toBe('TLSv1.2');
      expect(tls.ccsInjection?.verdict).toBe(variant === 'vulnerable' ? 'vulnerable' : 'not-vulnerable');
      expect(srv.ccsSeen).toEqual([variant]);
    });
  }
});

describe('hostile servers: a clean verdict within the bounds, other targets unaffected', () => {
  const cases: [HostileBehaviour, RegExp][] = [
    ['silent', /^silent$/],
    ['megabyte-banner', /^not-ftp$/],
    ['endless-multiline', /^not-ftp$/],
    ['ssh-banner', /^not-ftp$/],
    ['garbage-after-auth', /^tls-failed$/],
    ['reset-mid-handshake', /^tls-failed$/],
  ];
  for (const [behaviour, verdict] of cases) {
    it(`${behaviour} → ${verdict.source}`, async () => {
      const srv = await startHostile(behaviour);
      servers.push(srv);
      const t0 = Date.now();
      const o = await probeEndpoint({ host: '127.0.0.1', port: srv.port }, OPTS);
      const elapsed = Date.now() - t0;
      expect(o.reachability).toMatch(verdict);
      expect(o.detail).toBeTruthy();
      // No protocol may read as "refused" when the server never gave a TLS answer.
      if (o.tls) for (const p of o.tls.protocols) expect(p.accepted || p.incomplete !== undefined, `${behaviour} ${p.protocol}`).toBe(true);
      // The designed bound (every read bounded, plus the per-target backstop), not a speed claim.
      expect(elapsed).toBeLessThan(OPTS.timeoutMs * OVERALL_TIMEOUT_FACTOR + 1000);
    });
  }

  it('clear-text fallback after AUTH TLS is observed (and no password is sent)', async () => {
    const srv = await startHostile('cleartext-fallback');
    servers.push(srv);
    const transcript: string[] = [];
    const ftp = await checkFtp({ endpoint: { host: '127.0.0.1', port: srv.port }, mode: 'explicit', timeoutMs: 1500, transcript });
    expect(ftp.clearAfterAuthTls?.accepted).toBe(true);
    expect(ftp.clearAfterAuthTls?.exchanges.map((e) => e.code)).toEqual([234, 331]);
    expect(transcript.join('\n')).not.toMatch(/PASS (?!ftps-audit@example\.invalid)/);
  });

  it('refused port and unresolvable name are results, and a good target next to hostile ones still finishes', async () => {
    const closedPort = await freePort();
    const silent = await startHostile('silent');
    const flood = await startHostile('megabyte-banner');
    servers.push(silent, flood);
    const good = await startScriptedTls({ mode: 'implicit', versions: [0x0303], suites: [RSA_AES128], certDer: cert });
    servers.push(good);
    const obs = await probeTargets([
      { host: '127.0.0.1', port: closedPort },
      { host: 'no-such-host.invalid', port: 21 },
      { host: '127.0.0.1', port: silent.port },
      { host: '127.0.0.1', port: flood.port },
      { host: '127.0.0.1', port: good.port },
    ], OPTS);
    expect(obs.map((o) => o.reachability)).toEqual(['refused', 'unresolvable', 'silent', 'not-ftp', 'ok']);
    expect(obs[4]!.tls!.protocols.find((p) => p.protocol === 'TLSv1.2')!.suites.map((s) => s.code)).toEqual([RSA_AES128]);
  });
});

describe('gnutls-serv: 3DES and RC4, which the local OpenSSL cannot offer', () => {
  let proc: ChildProcess | undefined;
  let dir = '';
  afterAll(() => {
    if (proc?.pid) process.kill(proc.pid, 'SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function gnutlsCli(port: number, priority: string): Promise<boolean> {
    return new Promise((resolve) => {
      const p = execFile('gnutls-cli', ['--insecure', '--priority', priority, '-p', String(port), '127.0.0.1'], { timeout: 8000 }, (_e, out) => resolve(/Handshake was completed/.test(out)));
      p.stdin?.end();
    });
  }

  it('finds TLS_RSA_WITH_3DES_EDE_CBC_SHA and TLS_RSA_WITH_RC4_128_SHA; gnutls-cli agrees on each', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gnutls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=gnutls.test'], { stdio: 'ignore' });
    const port = await freePort();
    const priority = 'NONE:+VERS-TLS1.2:+VERS-TLS1.0:+3DES-CBC:+ARCFOUR-128:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+GROUP-ALL';
    proc = spawn('gnutls-serv', ['--priority', priority, '--x509certfile', path.join(dir, 'c.pem'), '--x509keyfile', path.join(dir, 'k.pem'), '-p', String(port), '-a'], { stdio: 'ignore' });
    // Wait (bounded) until it listens.
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const tls = await scanTls({ endpoint: { host: '127.0.0.1', port }, mode: 'implicit', hostname: 'gnutls.test', timeoutMs: 2000, parallel: 4, clientRenegotiation: false });
    const p12 = tls.protocols.find((p) => p.protocol === 'TLSv1.2')!;
    const names = p12.suites.map((s) => s.name).sort();
    expect(names).toEqual(['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA']);
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.0')!.suites.length).toBe(3);
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.1')!.accepted).toBe(false);
    expect(tls.protocols.find((p) => p.protocol === 'TLSv1.3')!.accepted).toBe(false);
    // gnutls-cli, restricted to exactly one of those suites at a time, must complete each handshake.
    const token: Record<string, string> = { TLS_RSA_WITH_3DES_EDE_CBC_SHA: '3DES-CBC', TLS_RSA_WITH_RC4_128_SHA: 'ARCFOUR-128', TLS_RSA_WITH_AES_128_CBC_SHA: 'AES-128-CBC' };
    for (const n of names) {
      expect(await gnutlsCli(port, `NONE:+VERS-TLS1.2:+${token[n]}:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL`), n).toBe(true);
    }
    // …and one we did not find must fail with gnutls-cli too.
    expect(await gnutlsCli(port, 'NONE:+VERS-TLS1.2:+AES-256-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL')).toBe(false);
    expect(suiteByCode(RSA_3DES)!.weaknesses).toContain('3des');
  });
});
