// Truth test: our expansion of OpenSSL cipher strings against the real `openssl ciphers` of this
// machine (Debian 12, OpenSSL 3.0.x), for a hand-picked corpus and for generated strings; and the
// TLS 1.0/1.1 verdict against real handshakes (openssl s_server / s_client on loopback).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandCipherString, type CipherStringExpansion } from '../src/tls/openssl-cipher-string.js';
import { CIPHER_SUITES } from '../src/tls/suites.js';
import { ensureVsftpdRuntimeDirs, probeVsftpdStartup, vsftpdPrerequisites } from './helpers/vsftpd-daemon.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------ the real openssl
interface RealResult { failed: boolean; error: string; tls12: number[]; tls13: number[] }

function runOpenssl(args: string[], timeoutMs = 10_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    // s_client waits on stdin: give it none.
    child.stdin?.end();
  });
}

/** mode: 'configured' (the stored list), 'supported' (-s), 'supported+psk' (-s -psk -srp: as if the application set PSK/SRP callbacks). */
async function realCiphers(str: string, mode: 'configured' | 'supported' | 'supported+psk'): Promise<RealResult> {
  const flags = mode === 'configured' ? [] : mode === 'supported' ? ['-s'] : ['-s', '-psk', '-srp'];
  const { code, stdout, stderr } = await runOpenssl(['ciphers', ...flags, '-V', '--', str]);
  const codes = [...stdout.matchAll(/0x([0-9A-F]{2}),0x([0-9A-F]{2}) - /g)].map((m) => parseInt(m[1]! + m[2]!, 16));
  const error = /no cipher match/.test(stderr) ? 'no-cipher-match' : /invalid command/.test(stderr) ? 'invalid-command' : code !== 0 ? `exit ${code}: ${stderr.trim()}` : '';
  return { failed: code !== 0, error, tls12: codes.filter((c) => c >> 8 !== 0x13), tls13: codes.filter((c) => c >> 8 === 0x13) };
}

// ------------------------------------------------------------------ corpora
function handPicked(): string[] {
  const text = readFileSync(path.join(here, 'fixtures', 'cipher-strings', 'handpicked.txt'), 'utf8');
  return [...text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#')), ''];
}

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALIAS_WORDS = [
  'ALL', 'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT', 'HIGH', 'MEDIUM', 'LOW', 'FIPS', 'eNULL', 'NULL', 'aNULL',
  'kRSA', 'RSA', 'kEDH', 'kDHE', 'DH', 'EDH', 'DHE', 'ADH', 'kEECDH', 'kECDHE', 'ECDH', 'EECDH', 'ECDHE', 'AECDH',
  'aRSA', 'aECDSA', 'ECDSA', 'aDSS', 'DSS', 'aPSK', 'kPSK', 'PSK', 'kDHEPSK', 'kECDHEPSK', 'kRSAPSK', 'SRP', 'kSRP', 'aSRP',
  'AES', 'AES128', 'AES256', 'AESGCM', 'AESCCM', 'AESCCM8', 'CHACHA20', 'CAMELLIA', 'CAMELLIA128', 'CAMELLIA256',
  'ARIA', 'ARIAGCM', 'ARIA128', 'ARIA256', 'CBC', '3DES', 'DES', 'RC4', 'SEED', 'IDEA', 'MD5', 'SHA1', 'SHA', 'SHA256', 'SHA384',
  'TLSv1.2', 'TLSv1', 'TLSv1.0', 'SSLv3', 'GOST', 'EXPORT',
];
const SUITE_WORDS = CIPHER_SUITES.filter((s) => s.openssl && s.code >> 8 !== 0x13).map((s) => s.openssl!);
const JUNK_WORDS = ['FOO', 'NOSUCHCIPHER', 'high', 'KRB5', 'EXP', 'DEFAULT'];

function generated(count: number, seed: number): string[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const word = (): string => {
    const r = rnd();
    if (r < 0.62) return pick(ALIAS_WORDS);
    if (r < 0.92) return pick(SUITE_WORDS);
    return pick(JUNK_WORDS);
  };
  const out: string[] = [];
  const broad = ['ALL', 'HIGH', 'COMPLEMENTOFALL', 'kECDHE', 'aRSA', 'AES', 'SHA1', 'TLSv1.2', 'CBC'];
  for (let n = 0; n < count; n++) {
    if (rnd() < 0.25) {
      // Order-sensitive shape: add, then move/delete/kill part of it, then add something broad
      // (a deleted suite is first in line for a later add; a moved or killed one is not).
      const level = rnd() < 0.5 ? ':@SECLEVEL=0' : '';
      out.push(`${word()}:${pick(['-', '-', '+', '!'])}${word()}${rnd() < 0.5 ? '+' + word() : ''}:${pick(broad)}:${pick(broad)}${level}`);
      continue;
    }
    const items: string[] = [];
    const len = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < len; k++) {
      const r = rnd();
      if (r < 0.07) { items.push('@STRENGTH'); continue; }
      if (r < 0.15) { items.push(`@SECLEVEL=${pick([0, 0, 1, 2, 3, 4, 5, 6])}`); continue; }
      if (r < 0.16) { items.push(pick(['*', '@NOPE', 'X+'])); continue; }
      const op = pick(['', '', '', '!', '-', '+']);
      const parts = rnd() < 0.3 ? [word(), word()] : rnd() < 0.1 ? [word(), word(), word()] : [word()];
      items.push(op + parts.join('+'));
    }
    const sep = pick([':', ':', ':', ',', ' ', ';']);
    out.push((rnd() < 0.1 ? 'DEFAULT:' : '') + items.join(sep));
  }
  return out;
}

// ------------------------------------------------------------------ comparison
interface Verdict { str: string; ok: boolean; detail: string }

const codesOf = (xs: readonly { code: number }[]): number[] => xs.map((x) => x.code);
const hex = (cs: number[]): string => cs.map((c) => c.toString(16).padStart(4, '0')).join(' ');

async function compare(str: string): Promise<Verdict> {
  const ours: CipherStringExpansion = expandCipherString(str);
  const [supported, configured, withPsk] = await Promise.all([realCiphers(str, 'supported'), realCiphers(str, 'configured'), realCiphers(str, 'supported+psk')]);
  if (ours.status === 'unknown') {
    // PROFILE=SYSTEM: Debian's OpenSSL has no crypto-policies; it must be a plain failure there.
    const ok = supported.failed && supported.error === 'no-cipher-match';
    return { str, ok, detail: ok ? '' : `expected openssl to fail on ${str}: ${JSON.stringify(supported)}` };
  }
  if (ours.status !== 'ok' || supported.failed) {
    const ok = ours.status === supported.error;
    return { str, ok, detail: ok ? '' : `status ours=${ours.status} openssl=${supported.error || 'ok'} (${hex(supported.tls12)})` };
  }
  const problems: string[] = [];
  if (hex(codesOf(ours.enabled)) !== hex(supported.tls12)) problems.push(`-s TLS<=1.2:\n  ours    ${hex(codesOf(ours.enabled))}\n  openssl ${hex(supported.tls12)}`);
  if (hex(codesOf(ours.tls13)) !== hex(supported.tls13)) problems.push(`-s TLS1.3: ours ${hex(codesOf(ours.tls13))} openssl ${hex(supported.tls13)}`);
  if (hex(codesOf(ours.configured)) !== hex(configured.tls12)) problems.push(`configured:\n  ours    ${hex(codesOf(ours.configured))}\n  openssl ${hex(configured.tls12)}`);
  const oursPsk = expandCipherString(str, { pskEnabled: true, srpEnabled: true });
  if (hex(codesOf(oursPsk.enabled)) !== hex(withPsk.tls12)) problems.push(`-s -psk -srp:\n  ours    ${hex(codesOf(oursPsk.enabled))}\n  openssl ${hex(withPsk.tls12)}`);
  return { str, ok: problems.length === 0, detail: problems.join('\n') };
}

async function compareAll(strings: string[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  const batch = 8; // bounded concurrency
  for (let i = 0; i < strings.length; i += batch) verdicts.push(...(await Promise.all(strings.slice(i, i + batch).map(compare))));
  return verdicts;
}

function report(name: string, verdicts: Verdict[]): void {
  const bad = verdicts.filter((v) => !v.ok);
  // The counts go to the test log so the agreement rate is visible, not just pass/fail.
  console.log(`${name}: ${verdicts.length - bad.length}/${verdicts.length} agree with openssl`);
  expect(bad.map((v) => `${JSON.stringify(v.str)}\n${v.detail}`)).toEqual([]);
}

describe('OpenSSL cipher string expansion agrees with the real openssl', () => {
  it('hand-picked corpus (order, membership, failures; -s and configured lists)', async () => {
    const corpus = handPicked();
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    report('hand-picked', await compareAll(corpus));
  });

  it('generated corpus (seeded)', async () => {
    // Longer hunts: FTPS_AUDIT_CIPHER_FUZZ=5000 FTPS_AUDIT_CIPHER_SEED=7 npx vitest run test/openssl-cipher-expansion.test.ts
    const corpus = generated(Number(process.env.FTPS_AUDIT_CIPHER_FUZZ ?? 500), Number(process.env.FTPS_AUDIT_CIPHER_SEED ?? 0x5eed));
    expect(new Set(corpus).size).toBeGreaterThanOrEqual(200);
    report('generated', await compareAll(corpus));
  });
});

// ------------------------------------------------------------------ real handshakes
/** A TLS 1.0 / 1.1 handshake from a client that offers everything it has at level 0. */
async function handshake(port: number, version: '-tls1' | '-tls1_1', starttlsFtp = false): Promise<boolean> {
  const r = await runOpenssl(['s_client', ...(starttlsFtp ? ['-starttls', 'ftp'] : []), '-connect', `127.0.0.1:${port}`, version, '-cipher', 'ALL:@SECLEVEL=0', '-brief'], 10_000);
  const expected = version === '-tls1' ? /Protocol version: TLSv1\r?$/m : /Protocol version: TLSv1\.1\r?$/m;
  return r.code === 0 && expected.test(r.stderr + r.stdout);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

describe('usableBelowTls12 matches real TLS 1.0 / 1.1 handshakes', () => {
  let dir = '';
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-tls-'));
    for (const [kind, newkey] of [['rsa', ['-newkey', 'rsa:2048']], ['ecdsa', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']]] as const) {
      const r = await runOpenssl(['req', '-x509', ...newkey, '-nodes', '-keyout', path.join(dir, `${kind}-key.pem`), '-out', path.join(dir, `${kind}-cert.pem`), '-subj', '/CN=localhost', '-days', '2']);
      expect(r.code).toBe(0);
    }
  });

  /** Stops a server we started, by its PID, and waits (bounded) until it has exited. */
  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const exited = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
    try { process.kill(child.pid); } catch { /* already gone */ }
    await exited;
  }

  afterAll(async () => {
    for (const c of children) await stop(c);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startServer(cipher: string, cert: 'rsa' | 'ecdsa'): Promise<{ port: number; child: ChildProcess }> {
    const port = await freePort();
    const child = spawn('openssl', ['s_server', '-cert', path.join(dir, `${cert}-cert.pem`), '-key', path.join(dir, `${cert}-key.pem`), '-accept', `127.0.0.1:${port}`, '-cipher', cipher], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    // s_server prints ACCEPT once it listens; bounded wait.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('s_server did not start')), 10_000);
      const onData = (b: Buffer): void => { if (b.toString().includes('ACCEPT')) { clearTimeout(timer); resolve(); } };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`s_server exited ${code}`)); });
    });
    return { port, child };
  }


  const cases: Array<[string, 'rsa' | 'ecdsa']> = [
    ['ECDHE-RSA-AES256-GCM-SHA384', 'rsa'],       // vsftpd's default: TLS 1.2-only suite
    ['HIGH', 'rsa'],                              // CBC suites listed, but security level 2
    ['HIGH:@SECLEVEL=1', 'rsa'],                  // still refused at level 1 (SHA-1/MD5 handshake)
    ['HIGH:!aNULL:!MD5:@SECLEVEL=0', 'rsa'],      // accepted
    ['AES128-SHA:@SECLEVEL=0', 'rsa'],            // RSA key transport, accepted
    ['DEFAULT:@SECLEVEL=0', 'rsa'],               // accepted
    ['ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:@SECLEVEL=0', 'rsa'], // only TLS 1.2 suites even at level 0
    ['ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0', 'rsa'],  // a below-1.2 suite, but not for an RSA certificate
    ['ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0', 'ecdsa'], // ... and with an ECDSA certificate it is accepted
    ['HIGH:@SECLEVEL=0', 'ecdsa'],
    ['ECDHE-ECDSA-AES128-SHA', 'ecdsa'],          // level 2: refused
  ];

  it('the handshake cases include both verdicts (so they can fail either way)', () => {
    const verdicts = cases.map(([str, cert]) => {
      const f = expandCipherString(str).facts;
      return cert === 'rsa' ? f.usableBelowTls12WithRsaCert : f.usableBelowTls12WithEcdsaCert;
    });
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThanOrEqual(3);
  });

  for (const [str, cert] of cases) {
    it(`verdict for ${str} (${cert} certificate)`, async () => {
      const ours = expandCipherString(str);
      expect(ours.status).toBe('ok');
      const { port, child } = await startServer(str, cert);
      try {
        const tls10 = await handshake(port, '-tls1');
        const tls11 = await handshake(port, '-tls1_1');
        const expected = cert === 'rsa' ? ours.facts.usableBelowTls12WithRsaCert : ours.facts.usableBelowTls12WithEcdsaCert;
        expect({ tls10, tls11 }).toEqual({ tls10: expected, tls11: expected });
      } finally {
        await stop(child);
      }
    });
  }
});

// ------------------------------------------------------------------ the real vsftpd
const noVsftpd = vsftpdPrerequisites();

describe.skipIf(noVsftpd !== undefined)('the real vsftpd agrees: starts iff the list is accepted; TLS 1.0/1.1 iff usableBelowTls12', () => {
  let dir = '';
  beforeAll(async () => {
    ensureVsftpdRuntimeDirs();
    dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-vsftpd-tls-'));
    const r = await runOpenssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '2']);
    expect(r.code).toBe(0);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const strings = [
    'ECDHE-RSA-AES256-GCM-SHA384', 'HIGH', 'HIGH:@SECLEVEL=0', 'AES128-SHA:@SECLEVEL=0', 'DEFAULT', 'aNULL',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'HIGH:!aNULL:!MD5:@SECLEVEL=1', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0',
    'DES-CBC3-SHA', 'NOSUCHCIPHER', 'HIGH:@FOO', 'TLS_AES_128_GCM_SHA256', '!ALL', 'HIGH:*', 'PROFILE=SYSTEM', 'RC4-SHA:@SECLEVEL=0',
  ];
  for (const str of strings) {
    it(`ssl_ciphers=${str}`, async () => {
      const ours = expandCipherString(str);
      const config = [
        'listen=YES', 'ssl_enable=YES', `rsa_cert_file=${path.join(dir, 'cert.pem')}`, `rsa_private_key_file=${path.join(dir, 'key.pem')}`,
        `ssl_ciphers=${str}`, 'ssl_tlsv1=YES', 'seccomp_sandbox=NO', 'anonymous_enable=NO', 'local_enable=YES', '',
      ].join('\n');
      const probe = await probeVsftpdStartup(config, {
        inspect: async (d) => ({ tls10: await handshake(d.port, '-tls1', true), tls11: await handshake(d.port, '-tls1_1', true) }),
      });
      if (ours.status === 'ok') {
        expect(probe.result.state).toBe('running');
        expect(probe.inspected).toEqual({ tls10: ours.facts.usableBelowTls12WithRsaCert, tls11: ours.facts.usableBelowTls12WithRsaCert });
      } else {
        // 'unknown' (PROFILE=SYSTEM) is a plain failure on Debian, which has no crypto-policies.
        expect(probe.result.state).toBe('refused');
        expect(probe.result.state === 'refused' && probe.result.oops).toBe('SSL: could not set cipher list');
      }
    });
  }
});
