import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../src/model/artifact.js';
import type { X509File } from '../src/model/x509.js';
import { parseX509 } from '../src/parsers/x509/index.js';
import { openssl, settingsFor, TestPki, type Issued, type KeySpec } from './helpers/pki.js';

let pki: TestPki;

function parseFile(abs: string, rel = abs.slice(pki.dir.length + 1), p12Password?: string) {
  const content = readFileSync(abs);
  const artifact: Artifact = { path: rel, absPath: abs, kind: 'x509', size: content.length, sha256: '', mode: 0o600, classifiedBy: 'content' };
  const out = parseX509({ artifact, content, settings: settingsFor(pki.dir, p12Password === undefined ? {} : { p12Password }) });
  return { file: out.models.x509![0]!, diagnostics: out.diagnostics };
}

function parseText(name: string, text: string | Buffer) {
  return parseFile(pki.write(name, text));
}

/** SHA-256 fingerprint as openssl prints it. */
function opensslFingerprint(certPem: string): string {
  return openssl(['x509', '-in', certPem, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!;
}

const KEY_TYPES: { spec: KeySpec; algorithm: string; bits: number; curve?: string }[] = [
  { spec: 'rsa2048', algorithm: 'rsa', bits: 2048 },
  { spec: 'rsa-pss', algorithm: 'rsa-pss', bits: 2048 },
  { spec: 'p256', algorithm: 'ec', bits: 256, curve: 'prime256v1' },
  { spec: 'p384', algorithm: 'ec', bits: 384, curve: 'secp384r1' },
  { spec: 'p521', algorithm: 'ec', bits: 521, curve: 'secp521r1' },
  { spec: 'ed25519', algorithm: 'ed25519', bits: 256 },
];

describe('x509 parser', () => {
  let root: Issued;
  const leaves = new Map<KeySpec, Issued>();

  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('parser-root', 'p384');
    for (const k of KEY_TYPES) leaves.set(k.spec, pki.issue(`leaf-${k.spec}`, k.spec, { san: ['DNS:a.example.test', 'IP:192.0.2.7'] }, root));
  });
  afterAll(() => pki.cleanup());

  it.each(KEY_TYPES)('reads a $spec certificate and its PKCS#8 key (what forge alone cannot)', ({ spec, algorithm, bits, curve }) => {
    const leaf = leaves.get(spec)!;
    const { file, diagnostics } = parseFile(pki.concat(`combined-${spec}.pem`, [leaf.key, leaf.cert]));
    expect(diagnostics).toEqual([]);
    expect(file.certificates).toHaveLength(1);
    expect(file.privateKeys).toHaveLength(1);
    const c = file.certificates[0]!;
    expect(c.publicKey.algorithm).toBe(algorithm);
    expect(c.publicKey.bits).toBe(bits);
    if (curve) expect(c.publicKey.curve).toBe(curve);
    expect(c.subject).toBe(`CN=leaf-${spec}`);
    expect(c.issuer).toBe('CN=parser-root');
    expect(c.subjectAltName?.dns).toEqual(['a.example.test']);
    expect(c.subjectAltName?.ip).toEqual(['192.0.2.7']);
    expect(c.signatureAlgorithm.name).toBe('ecdsa-with-SHA256');
    expect(c.fingerprintSha256).toBe(opensslFingerprint(leaf.cert));
    expect(c.basicConstraints).toEqual({ ca: false, critical: true });
    expect(c.extendedKeyUsage?.names).toEqual(['serverAuth']);
    // the key's lines come first; the certificate's BEGIN line follows them
    expect(c.location.line).toBe(readFileSync(leaf.key, 'utf8').split('\n').length);
    const k = file.privateKeys[0]!;
    expect(k.format).toBe('pkcs8');
    expect(k.encrypted).toBe(false);
    expect(k.publicKey?.spkiSha256).toBe(c.publicKey.spkiSha256);
    expect(k.location.line).toBe(1);
  });

  it('gives validity dates equal to openssl\'s', () => {
    const leaf = leaves.get('p256')!;
    const c = parseFile(leaf.cert).file.certificates[0]!;
    const start = openssl(['x509', '-in', leaf.cert, '-noout', '-startdate']).trim().split('=')[1]!;
    const end = openssl(['x509', '-in', leaf.cert, '-noout', '-enddate']).trim().split('=')[1]!;
    expect(c.notBefore.getTime()).toBe(Date.parse(start));
    expect(c.notAfter.getTime()).toBe(Date.parse(end));
  });

  it('splits many PEM blocks in any order with text around them, keeping line numbers', () => {
    const rsa = leaves.get('rsa2048')!;
    const ec = leaves.get('p256')!;
    const text = [
      'Bag Attributes', '    friendlyName: server', 'subject=/CN=leaf-rsa2048', '',
      readFileSync(rsa.cert, 'utf8'),
      '# the EC one follows', '',
      readFileSync(ec.key, 'utf8'),
      readFileSync(root.cert, 'utf8'),
      readFileSync(ec.cert, 'utf8'),
      'trailing words',
    ].join('\n');
    const { file, diagnostics } = parseText('many.pem', text);
    expect(diagnostics).toEqual([]);
    expect(file.certificates.map((c) => c.subject)).toEqual(['CN=leaf-rsa2048', 'CN=parser-root', 'CN=leaf-p256']);
    expect(file.privateKeys).toHaveLength(1);
    const lines = text.split('\n');
    for (const c of file.certificates) expect(lines[c.location.line! - 1]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[file.privateKeys[0]!.location.line! - 1]).toBe('-----BEGIN PRIVATE KEY-----');
  });

  it('reads DER certificates and DER keys', () => {
    const der = pki.toDer(leaves.get('ed25519')!.cert, 'leaf.der');
    const { file, diagnostics } = parseFile(der);
    expect(diagnostics).toEqual([]);
    expect(file.encoding).toBe('der');
    expect(file.certificates[0]!.publicKey.algorithm).toBe('ed25519');
    const keyDer = pki.path('key.der');
    openssl(['pkey', '-in', leaves.get('p384')!.key, '-outform', 'DER', '-out', keyDer]);
    const k = parseFile(keyDer).file.privateKeys[0]!;
    expect(k.publicKey?.algorithm).toBe('ec');
    expect(k.publicKey?.bits).toBe(384);
  });

  it('reads PKCS#1 and SEC1 keys and recognises encrypted keys without decrypting them', () => {
    const pkcs1 = parseFile(pki.traditionalKey(leaves.get('rsa2048')!.key, 'trad-rsa.key', 'rsa')).file.privateKeys[0]!;
    expect(pkcs1).toMatchObject({ format: 'pkcs1', encrypted: false });
    expect(pkcs1.publicKey?.bits).toBe(2048);
    const sec1 = parseFile(pki.traditionalKey(leaves.get('p256')!.key, 'trad-ec.key', 'ec')).file.privateKeys[0]!;
    expect(sec1).toMatchObject({ format: 'sec1', encrypted: false });
    expect(sec1.publicKey?.curve).toBe('prime256v1');
    const enc = parseFile(pki.encryptKey(leaves.get('p256')!.key, 'enc.key'));
    expect(enc.file.privateKeys[0]).toMatchObject({ format: 'encrypted-pkcs8', encrypted: true });
    expect(enc.file.privateKeys[0]!.publicKey).toBeUndefined();
    expect(enc.diagnostics).toEqual([]);
    const legacy = pki.path('legacy.key');
    openssl(['rsa', '-in', leaves.get('rsa2048')!.key, '-traditional', '-aes256', '-passout', 'pass:pw', '-out', legacy]);
    expect(readFileSync(legacy, 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    expect(parseFile(legacy).file.privateKeys[0]).toMatchObject({ format: 'encrypted-legacy-pem', encrypted: true });
  });

  it('detects PKCS#12 and opens it only with the password (RSA and EC inside)', () => {
    for (const spec of ['rsa2048', 'p256'] as const) {
      const p12 = pki.pkcs12(`bundle-${spec}.p12`, leaves.get(spec)!, 'p12-pass', [root.cert]);
      const closed = parseFile(p12);
      expect(closed.file.encoding).toBe('pkcs12');
      expect(closed.file.pkcs12).toEqual({ opened: false, reason: 'no password given (--p12-password-env)' });
      expect(closed.file.certificates).toEqual([]);
      expect(closed.diagnostics.map((d) => [d.code, d.level])).toEqual([['x509/pkcs12-not-opened', 'info']]);
      const wrong = parseFile(p12, undefined, 'nope');
      expect(wrong.file.pkcs12?.opened).toBe(false);
      expect(wrong.diagnostics.map((d) => d.code)).toEqual(['x509/pkcs12-unreadable']);
      expect(JSON.stringify(wrong.diagnostics)).not.toContain('nope');
      const open = parseFile(p12, undefined, 'p12-pass');
      expect(open.diagnostics).toEqual([]);
      expect(open.file.pkcs12).toEqual({ opened: true });
      expect(open.file.certificates.map((c) => c.fingerprintSha256).sort()).toEqual([opensslFingerprint(leaves.get(spec)!.cert), opensslFingerprint(root.cert)].sort());
      const leafEntry = open.file.certificates.find((c) => c.subject === `CN=leaf-${spec}`)!;
      expect(open.file.privateKeys[0]!.publicKey?.spkiSha256).toBe(leafEntry.publicKey.spkiSha256);
      expect(open.file.privateKeys[0]).toMatchObject({ format: 'pkcs12', encrypted: true });
    }
  });

  it('reads explicit-curve EC keys and marks them', () => {
    const ex = pki.issue('explicit', 'p256-explicit', {}, root);
    const c = parseFile(ex.cert).file.certificates[0]!;
    expect(c.publicKey).toMatchObject({ algorithm: 'ec', explicitCurve: true, bits: 256 });
  });

  describe('bad input: one located diagnostic each, never a throw', () => {
    const good = (): string => readFileSync(leaves.get('rsa2048')!.cert, 'utf8');
    const cases: { name: string; text: () => string | Buffer; code: string; line?: number }[] = [
      { name: 'truncated base64', text: () => good().split('\n').slice(0, 8).join('\n').replace(/.$/, '') + '\n-----END CERTIFICATE-----\n', code: 'x509/pem-bad-base64', line: 1 },
      { name: 'garbage text', text: () => 'this is not a certificate\n', code: 'x509/unrecognised' },
      { name: 'wrong END label', text: () => good().replace('-----END CERTIFICATE-----', '-----END PRIVATE KEY-----'), code: 'x509/pem-unterminated', line: 1 },
      { name: 'no END line', text: () => good().replace('-----END CERTIFICATE-----', ''), code: 'x509/pem-unterminated', line: 1 },
      { name: 'valid base64, not a certificate', text: () => '\n\n-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQh\n-----END CERTIFICATE-----\n', code: 'x509/bad-certificate', line: 3 },
      { name: 'binary garbage', text: () => Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3, 4, 5]), code: 'x509/bad-der' },
      { name: 'unknown PEM label', text: () => '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n', code: 'x509/unknown-pem-label', line: 1 },
      { name: 'corrupt key body', text: () => '-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n', code: 'x509/bad-key', line: 1 },
    ];
    it.each(cases)('$name', ({ name, text, code, line }) => {
      let out: { file: X509File; diagnostics: { code: string; location?: { file?: string; line?: number } }[] } | undefined;
      expect(() => (out = parseText(`bad-${name.replace(/\W+/g, '-')}.pem`, text()))).not.toThrow();
      expect(out!.diagnostics.map((d) => d.code)).toEqual([code]);
      expect(out!.diagnostics[0]!.location?.file).toBe(`bad-${name.replace(/\W+/g, '-')}.pem`);
      if (line !== undefined) expect(out!.diagnostics[0]!.location?.line).toBe(line);
    });

    it('a bad block does not hide the good ones in the same file', () => {
      const text = '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' + good();
      const { file, diagnostics } = parseText('mixed.pem', text);
      expect(diagnostics.map((d) => d.code)).toEqual(['x509/pem-bad-base64']);
      expect(file.certificates).toHaveLength(1);
      expect(file.certificates[0]!.location.line).toBe(4);
    });
  });

  it('mutated input (truncated, bit-flipped DER and PEM) never throws and gives at most one diagnostic per broken block', () => {
    const der = readFileSync(pki.toDer(leaves.get('p384')!.cert, 'mut.der'));
    const pemText = readFileSync(leaves.get('rsa2048')!.cert, 'utf8');
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const mutated = Buffer.from(der);
      if (i % 3 === 0) mutated[rand(mutated.length)] ^= 1 << rand(8);
      const input = i % 3 === 1 ? mutated.subarray(0, rand(mutated.length)) : mutated;
      const { file, diagnostics } = parseText(`mut-${i}.der`, input);
      if (file.certificates.length === 0 && file.privateKeys.length === 0) expect(diagnostics.length).toBe(1);
      const cut = pemText.slice(0, rand(pemText.length));
      const p = parseText(`mut-${i}.pem`, cut);
      expect(p.diagnostics.length).toBeLessThanOrEqual(1);
    }
  });

  it('never puts private key material in the model or diagnostics', () => {
    const leaf = leaves.get('rsa2048')!;
    const { file, diagnostics } = parseFile(pki.concat('secret.pem', [leaf.key, leaf.cert]));
    const keyBody = readFileSync(leaf.key, 'utf8').split('\n').slice(1, -2).join('');
    const dump = JSON.stringify({ file: { ...file, certificates: file.certificates.map((c) => ({ ...c, der: undefined })) }, diagnostics });
    for (let i = 0; i + 40 <= keyBody.length; i += 40) expect(dump).not.toContain(keyBody.slice(i, i + 40));
    expect(dump).not.toMatch(/PRIVATE KEY-----[\s\S]*[A-Za-z0-9+/]{60}/);
  });
});

describe('ASN.1 tag numbers', () => {
  it('are the ones node-forge uses (forge itself is loaded only on first use)', async () => {
    const { T, C, forge } = await import('../src/parsers/x509/asn1.js');
    const type = forge().asn1.Type as unknown as Record<string, number>;
    const klass = forge().asn1.Class as unknown as Record<string, number>;
    for (const [name, tag] of Object.entries(T)) expect([name, tag]).toEqual([name, type[name]]);
    for (const [name, tag] of Object.entries(C)) expect([name, tag]).toEqual([name, klass[name]]);
  });
});
