// x509 benchmark: a tree of 5,000 certificates of mixed key types (RSA 2048/3072, RSA-PSS,
// ECDSA P-256/P-384/P-521, Ed25519), some files with their private key, judged by the x509
// parser and every x509 check. Reports certificates/s for read + parse + checks (generation
// is not timed). Needs `npm run build` first (imports ../dist). Run alone:
//   node bench/x509-bench.js [count]
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';

const asn1 = forge.asn1;
const T = asn1.Type;
const U = asn1.Class.UNIVERSAL;

const seq = (items) => asn1.create(U, T.SEQUENCE, true, items);
const oid = (o) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const int = (n) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const utf8 = (s) => asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(s));
const octets = (node) => asn1.create(U, T.OCTETSTRING, false, asn1.toDer(node).getBytes());
const time = (d) => asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d));
const der = (node) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const fromDer = (buf) => asn1.fromDer(forge.util.createBuffer(buf.toString('binary')));
const name = (cn) => seq([asn1.create(U, T.SET, true, [seq([oid('2.5.4.3'), utf8(cn)])])]);
const ext = (id, critical, value) => seq([oid(id), ...(critical ? [asn1.create(U, T.BOOLEAN, false, '\xff')] : []), octets(value)]);
const pem = (label, buf) => `-----BEGIN ${label}-----\n${buf.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** A certificate for subjectKey signed by the CA (ECDSA P-256, fast to sign). */
function makeCert(i, subjectPublic, ca, now) {
  const dnsName = `host${i}.bench.test`;
  const extensions = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq([
    ext('2.5.29.19', true, seq([])),
    ext('2.5.29.15', true, asn1.create(U, T.BITSTRING, false, '\x05\xa0')),
    ext('2.5.29.37', false, seq([oid('1.3.6.1.5.5.7.3.1')])),
    ext('2.5.29.17', false, seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, dnsName)])),
  ])]);
  const sigAlg = seq([oid('1.2.840.10045.4.3.2')]);
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [int(2)]),
    int(1000 + i),
    sigAlg,
    name('bench-ca'),
    seq([time(new Date(now - 86_400_000 * ((i % 400) + 1))), time(new Date(now + 86_400_000 * ((i % 500) - 20)))]),
    name(dnsName),
    fromDer(subjectPublic),
    extensions,
  ]);
  const tbsDer = der(tbs);
  const signature = sign('sha256', tbsDer, ca.privateKey);
  return der(seq([tbs, sigAlg, asn1.create(U, T.BITSTRING, false, '\x00' + signature.toString('binary'))]));
}

/** The self-signed bench CA (CN=bench-ca, CA:TRUE), the issuer name makeCert uses. */
function makeCaCert(ca, now) {
  const spki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const sigAlg = seq([oid('1.2.840.10045.4.3.2')]);
  const extensions = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq([
    ext('2.5.29.19', true, seq([asn1.create(U, T.BOOLEAN, false, '\xff')])),
    ext('2.5.29.15', true, asn1.create(U, T.BITSTRING, false, '\x01\x06')),
  ])]);
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [int(2)]),
    int(1),
    sigAlg,
    name('bench-ca'),
    seq([time(new Date(now - 86_400_000 * 800)), time(new Date(now + 86_400_000 * 3000))]),
    name('bench-ca'),
    fromDer(spki),
    extensions,
  ]);
  const tbsDer = der(tbs);
  return der(seq([tbs, sigAlg, asn1.create(U, T.BITSTRING, false, '\x00' + sign('sha256', tbsDer, ca.privateKey).toString('binary'))]));
}

function keyPool() {
  const specs = [
    ['rsa', { modulusLength: 2048 }], ['rsa', { modulusLength: 2048 }], ['rsa', { modulusLength: 3072 }],
    ['rsa-pss', { modulusLength: 2048 }],
    ['ec', { namedCurve: 'P-256' }], ['ec', { namedCurve: 'P-256' }], ['ec', { namedCurve: 'P-384' }], ['ec', { namedCurve: 'P-521' }],
    ['ed25519', {}], ['ed25519', {}],
  ];
  return specs.map(([type, opts]) => {
    const k = generateKeyPairSync(type, opts);
    return {
      type,
      spki: k.publicKey.export({ type: 'spki', format: 'der' }),
      keyPem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    };
  });
}

/** Writes the tree; returns the files (relative) and the CA path. */
function makeTree(dir, count, now) {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = keyPool();
  const files = [];
  for (let i = 0; i < count; i++) {
    const k = keys[i % keys.length];
    const certDer = makeCert(i, k.spki, ca, now);
    const sub = path.join(dir, `d${i % 50}`);
    if (i < 50) mkdirSync(sub, { recursive: true });
    const rel = `d${i % 50}/cert-${i}.pem`;
    // every fifth file is a combined key+certificate file, as servers often keep them
    writeFileSync(path.join(dir, rel), (i % 5 === 0 ? k.keyPem : '') + pem('CERTIFICATE', certDer));
    files.push(rel);
  }
  return { files, keyTypes: [...new Set(keys.map((k) => k.type))], caCert: makeCaCert(ca, now) };
}

export async function runX509Bench(count = 5000) {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
  const { parseX509 } = await import(path.join(dist, 'parsers/x509/index.js'));
  const { checks, certificateInventory } = await import(path.join(dist, 'checks/x509/index.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'x509-bench-'));
  try {
    const now = Date.now();
    const { files, keyTypes, caCert } = makeTree(dir, count, now);
    // The bench CA is the trust anchor, so every leaf's chain is really verified (a signature
    // check per certificate), as --ca-file makes a scan do.
    const caFile = path.join(dir, 'anchors.pem');
    writeFileSync(caFile, pem('CERTIFICATE', caCert));
    const settings = { flavor: 'debian', now: new Date(now), roots: [dir], hostnames: ['host1.bench.test'], expiryWarningDays: 30, live: true, caFile };

    // Three rounds over the same tree; the median resists noise from other work on the machine.
    const rounds = [];
    let last;
    for (let round = 0; round < 3; round++) {
      const t0 = process.hrtime.bigint();
      const artifacts = [];
      const x509 = [];
      for (const rel of files) {
        const absPath = path.join(dir, rel);
        const content = readFileSync(absPath);
        const st = statSync(absPath);
        const artifact = { path: rel, absPath, kind: 'x509', size: content.length, sha256: createHash('sha256').update(content).digest('hex'), mode: st.mode, classifiedBy: 'content' };
        artifacts.push(artifact);
        x509.push(...parseX509({ artifact, content, settings }).models.x509);
      }
      const inventory = { settings, artifacts, models: { x509, vsftpd: [] }, diagnostics: [] };
      let outcomes = 0;
      let trusted = 0;
      for (const check of checks) {
        if (!check.appliesTo(inventory)) continue;
        const out = check.run({ inventory, params: {}, rule: { id: `x509/${check.name}`, messages: {} } });
        outcomes += out.length;
        if (check.name === 'x509.untrusted') trusted = out.filter((o) => o.status === 'pass').length;
      }
      const rows = certificateInventory(inventory).length;
      rounds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      last = { outcomes, rows, trusted, certs: x509.reduce((n, f) => n + f.certificates.length, 0) };
    }
    const seconds = [...rounds].sort((a, b) => a - b)[1];
    const { certs, outcomes, rows, trusted } = last;
    return { certs, seconds, certsPerSecond: certs / seconds, outcomes, inventoryRows: rows, trustedChains: trusted, keyTypes, rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printX509Bench(r) {
  console.log(`x509: ${r.certs} certificates (${r.keyTypes.join(', ')}) read, parsed and judged by every x509 check in ${r.seconds.toFixed(2)} s (median of ${r.rounds.length} rounds: ${r.rounds.map((x) => x.toFixed(2)).join(', ')} s) = ${Math.round(r.certsPerSecond)} certificates/s (target >= 2000); ${r.outcomes} outcomes, ${r.trustedChains} chains verified to the anchor, ${r.inventoryRows} inventory rows`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printX509Bench(await runX509Bench(Number(process.argv[2] ?? 5000)));
}
