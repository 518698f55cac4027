import net from 'node:net';
import tls from 'node:tls';
import { copyFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checks } from '../src/checks/x509/index.js';
import type { CheckOutcome, RuleDefinition } from '../src/engine/types.js';
import { inventoryOf, openssl, TestPki, type Issued } from './helpers/pki.js';
import {
  ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites,
} from './helpers/vsftpd-daemon.js';

/**
 * Proves, against Debian's real vsftpd 3.0.3, what the x509/vsftpd-tls-material and
 * x509/key-type-vs-ciphers messages claim: for each defect, whether the daemon refuses to
 * start (and with which 500 OOPS), starts but fails every TLS handshake, or fails TLS 1.2
 * only - and that our verdict for the same files says exactly that.
 */

type Behaviour = { kind: 'refuses'; oops: string } | { kind: 'handshakes-fail' } | { kind: 'tls12-fails' } | { kind: 'ok' };

const ftpLine = (sock: net.Socket): Promise<string> =>
  new Promise((resolve, reject) => {
    let buf = '';
    const onData = (b: Buffer): void => {
      buf += b.toString('latin1');
      const m = /^(\d{3}) [^\n]*\n/m.exec(buf);
      if (m) {
        sock.off('data', onData);
        resolve(m[0]);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });

/** AUTH TLS then a handshake pinned to one protocol version; true if it completes. */
async function handshake(port: number, version: 'TLSv1.2' | 'TLSv1.3'): Promise<boolean> {
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.setTimeout(10_000, () => sock.destroy(new Error('timeout')));
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    expect(await ftpLine(sock)).toMatch(/^220/);
    sock.write('AUTH TLS\r\n');
    expect(await ftpLine(sock)).toMatch(/^234/);
    return await new Promise<boolean>((resolve) => {
      const t = tls.connect({ socket: sock, rejectUnauthorized: false, minVersion: version, maxVersion: version, servername: 'localhost' });
      t.once('secureConnect', () => {
        t.destroy();
        resolve(true);
      });
      t.once('error', () => resolve(false));
    });
  } catch {
    return false;
  } finally {
    sock.destroy();
  }
}

let pki: TestPki;
let seq = 0;

/** Runs the real daemon on conf; stops it by PID whatever happens. */
async function daemonBehaviour(confPath: string): Promise<Behaviour> {
  const port = await freePort();
  const started = await startVsftpd({ configFile: confPath, port, overrides: foregroundOverrides(port), timeoutMs: 20_000 });
  try {
    if (started.state === 'refused') return { kind: 'refuses', oops: started.oops ?? started.output };
    if (started.state !== 'running') throw new Error(`vsftpd did not settle: ${started.state}`);
    const v12 = await handshake(port, 'TLSv1.2');
    const v13 = await handshake(port, 'TLSv1.3');
    if (v12 && v13) return { kind: 'ok' };
    if (!v12 && v13) return { kind: 'tls12-fails' };
    if (!v12 && !v13) return { kind: 'handshakes-fail' };
    throw new Error('TLS 1.2 works but TLS 1.3 does not: unexpected');
  } finally {
    await stopVsftpd(started);
  }
}

function rule(name: string): RuleDefinition {
  return { id: `x509/${name}`, title: name, rationale: '', severity: 'high', target: 'x509', check: `x509.${name}`, messages: {}, remediation: { text: '' }, references: [] };
}

function run(name: string, conf: string, files: string[]): CheckOutcome[] {
  const check = checks.find((c) => c.name === `x509.${name}`)!;
  const inv = inventoryOf(pki.dir, [conf, ...files]);
  return check.appliesTo(inv) ? check.run({ inventory: inv, params: {}, rule: rule(name) }) : [];
}

/** Our verdict, read back from the outcomes' effect text. */
function ourBehaviour(conf: string, files: string[]): { behaviour: Behaviour; outcomes: CheckOutcome[] } {
  const material = run('vsftpd-tls-material', conf, files);
  const ciphers = run('key-type-vs-ciphers', conf, files);
  const failed = material.filter((o) => o.status === 'fail');
  const refused = failed.find((o) => String(o.data?.effect).includes('refuses to start'));
  if (refused) return { behaviour: { kind: 'refuses', oops: /500 OOPS: ([^"]+)"/.exec(String(refused.data?.effect))![1]! }, outcomes: [...material, ...ciphers] };
  if (failed.some((o) => String(o.data?.effect).includes('every TLS handshake fails'))) return { behaviour: { kind: 'handshakes-fail' }, outcomes: [...material, ...ciphers] };
  if (ciphers.some((o) => o.status === 'fail')) return { behaviour: { kind: 'tls12-fails' }, outcomes: [...material, ...ciphers] };
  expect(material.every((o) => o.status === 'pass')).toBe(true);
  return { behaviour: { kind: 'ok' }, outcomes: [...material, ...ciphers] };
}

const skip = vsftpdPrerequisites();

describe.skipIf(skip !== undefined)('vsftpd TLS material: our verdict = what the real daemon does', () => {
  let rsa: Issued;
  let rsa2: Issued;
  let ec: Issued;
  let ed: Issued;
  let pss: Issued;

  beforeAll(() => {
    ensureVsftpdRuntimeDirs();
    pki = new TestPki();
    const root = pki.rootCa('d-root', 'rsa2048');
    rsa = pki.issue('d-rsa', 'rsa2048', {}, root);
    rsa2 = pki.issue('d-rsa2', 'rsa2048', {}, root);
    ec = pki.issue('d-ec', 'p256', {}, root);
    ed = pki.issue('d-ed', 'ed25519', {}, root);
    pss = pki.issue('d-pss', 'rsa-pss', {}, root);
  });
  afterAll(() => pki.cleanup());

  /** Writes the files of a case under case-N/ and a config pointing at them by absolute path. */
  function scenario(files: Record<string, string | Buffer | { copy: string }>, options: string[]): { conf: string; confAbs: string; rels: string[] } {
    const dir = `case-${++seq}`;
    const rels: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      const rel = `${dir}/${name}`;
      if (typeof content === 'object' && !Buffer.isBuffer(content)) copyFileSync(content.copy, pki.write(rel, ''));
      else pki.write(rel, content);
      rels.push(rel);
    }
    const abs = (name: string): string => pki.path(`${dir}/${name}`);
    const lines = [
      'listen=YES', 'anonymous_enable=NO', 'local_enable=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES',
      ...options.map((o) => o.replace(/\{([^}]+)\}/g, (_, n: string) => abs(n))),
    ];
    const conf = `${dir}/vsftpd.conf`;
    const confAbs = pki.write(conf, lines.join('\n') + '\n');
    return { conf, confAbs, rels };
  }

  const cat = (...parts: string[]): string => parts.map((p) => pki.read(p.slice(pki.dir.length + 1))).join('');

  const cases: { name: string; build: () => ReturnType<typeof scenario>; expected: Behaviour['kind']; oops?: string }[] = [
    { name: 'RSA cert + key (clean)', expected: 'ok', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'combined key+cert, no rsa_private_key_file', expected: 'ok', build: () => scenario({ 'both.pem': cat(rsa.key, rsa.cert) }, ['rsa_cert_file={both.pem}']) },
    { name: 'certificate file missing', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={nope.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'key file missing', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={nope.key}']) },
    { name: 'no key option and no key in the cert file', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert } }, ['rsa_cert_file={c.pem}']) },
    { name: 'certificate file is garbage', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'c.pem': 'not a certificate\n', 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'certificate is DER', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'c.der': { copy: pki.toDer(rsa.cert, `der-${seq}.der`) }, 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.der}', 'rsa_private_key_file={k.pem}']) },
    { name: 'RSA key of another RSA certificate', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: rsa2.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'EC key beside an RSA certificate', expected: 'handshakes-fail', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: ec.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'encrypted key', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: pki.encryptKey(rsa.key, `enc-${seq}.key`) } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'ECDSA certificate with the default ssl_ciphers', expected: 'tls12-fails', build: () => scenario({ 'c.pem': { copy: ec.cert }, 'k.pem': { copy: ec.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'ECDSA certificate with ECDSA suites', expected: 'ok', build: () => scenario({ 'c.pem': { copy: ec.cert }, 'k.pem': { copy: ec.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}', 'ssl_ciphers=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256']) },
    { name: 'Ed25519 certificate with the default ssl_ciphers', expected: 'tls12-fails', build: () => scenario({ 'c.pem': { copy: ed.cert }, 'k.pem': { copy: ed.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'RSA-PSS certificate with the default ssl_ciphers', expected: 'ok', build: () => scenario({ 'c.pem': { copy: pss.cert }, 'k.pem': { copy: pss.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'RSA key beside an RSA-PSS certificate', expected: 'handshakes-fail', build: () => scenario({ 'c.pem': { copy: pss.cert }, 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'ca_certs_file missing (ssl_request_cert defaults to YES)', expected: 'refuses', oops: 'SSL: could not load verify file', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}', 'ca_certs_file={nope-ca.pem}']) },
    { name: 'ca_certs_file missing, ssl_request_cert=NO', expected: 'ok', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': { copy: rsa.key } }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}', 'ca_certs_file={nope-ca.pem}', 'ssl_request_cert=NO']) },
    { name: 'broken PEM block (bad base64) before the certificate', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'both.pem': '-----BEGIN FOO-----\n!!!!\n-----END FOO-----\n' + cat(rsa.cert, rsa.key) }, ['rsa_cert_file={both.pem}']) },
    { name: 'broken key block after the certificate (chain reading fails)', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'both.pem': cat(rsa.cert) + '-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n' + cat(rsa.key) }, ['rsa_cert_file={both.pem}']) },
    { name: 'first certificate block does not decode', expected: 'refuses', oops: 'SSL: cannot load RSA certificate', build: () => scenario({ 'both.pem': '-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQh\n-----END CERTIFICATE-----\n' + cat(rsa.cert, rsa.key) }, ['rsa_cert_file={both.pem}']) },
    { name: 'encrypted key, then the plain key (the encrypted one stops the reader)', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': cat(pki.encryptKey(rsa.key, `enc2-${seq}.key`), rsa.key) }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'only an undecodable key block', expected: 'refuses', oops: 'SSL: cannot load RSA private key', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': '-----BEGIN PRIVATE KEY-----\nSGVsbG8gd29ybGQh\n-----END PRIVATE KEY-----\n' }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'first key block does not decode (valid base64), then the key', expected: 'ok', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': '-----BEGIN PRIVATE KEY-----\nSGVsbG8gd29ybGQh\n-----END PRIVATE KEY-----\n' + cat(rsa.key) }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'broken base64 block in the key file before the key (skipped by the key reader)', expected: 'ok', build: () => scenario({ 'c.pem': { copy: rsa.cert }, 'k.pem': '-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n' + cat(rsa.key) }, ['rsa_cert_file={c.pem}', 'rsa_private_key_file={k.pem}']) },
    { name: 'EC PARAMETERS + SEC1 key + certificate in one file (openssl ecparam -genkey style)', expected: 'ok', build: () => scenario({ 'ec.pem': openssl(['ecparam', '-name', 'prime256v1']) + cat(pki.traditionalKey(ec.key, `sec1-${seq}.key`, 'ec'), ec.cert) }, ['rsa_cert_file={ec.pem}', 'ssl_ciphers=HIGH']) },
    { name: 'rsa_cert_file empty (no certificate at all)', expected: 'handshakes-fail', build: () => scenario({}, ['rsa_cert_file=']) },
  ];

  let agreements = 0;
  afterAll(() => {
    console.log(`vsftpd daemon agreement: ${agreements}/${cases.length} cases`);
  });

  it.each(cases)('$name', async ({ build, expected, oops }) => {
    const { conf, confAbs, rels } = build();
    const real = await daemonBehaviour(confAbs);
    const ours = ourBehaviour(conf, rels.filter((r) => !r.endsWith('.conf')));
    expect(real.kind).toBe(expected);
    if (real.kind === 'refuses') expect(real.oops).toBe(oops);
    expect(ours.behaviour).toEqual(real);
    // every failure is located on a vsftpd.conf line
    for (const o of ours.outcomes.filter((x) => x.status === 'fail')) {
      expect(o.location?.file).toBe(conf);
      expect(o.location?.line).toBeGreaterThan(0);
    }
    agreements++;
  });

  it('a certificate outside the scanned tree without --root is not-evaluated, said so', () => {
    const { conf } = scenario({}, ['rsa_cert_file=/etc/ssl/certs/elsewhere-vsftpd.pem']);
    const outcomes = run('vsftpd-tls-material', conf, []);
    expect(outcomes.map((o) => o.status)).toEqual(['not-evaluated', 'not-evaluated']);
    expect(String(outcomes[0]!.data?.reason)).toContain('--root');
  });

  it('--root maps absolute config paths into a system image', () => {
    const dir = `image-${++seq}`;
    pki.concat(`${dir}/etc/ssl/private/vsftpd.pem`, [rsa.key, rsa.cert]);
    writeFileSync(pki.path(`${dir}/etc/vsftpd.conf`), 'ssl_enable=YES\nrsa_cert_file=/etc/ssl/private/vsftpd.pem\n');
    const inv = inventoryOf(pki.path(dir), ['etc/vsftpd.conf', 'etc/ssl/private/vsftpd.pem'], { rootDir: pki.path(dir) });
    const check = checks.find((c) => c.name === 'x509.vsftpd-tls-material')!;
    const outcomes = check.run({ inventory: inv, params: {}, rule: rule('vsftpd-tls-material') });
    expect(outcomes.map((o) => [o.data?.option, o.status])).toEqual([['rsa_cert_file', 'pass'], ['rsa_private_key_file', 'pass']]);
  });
});
