#!/usr/bin/env node
// Generates src/tls/suites-data.ts — the checked-in cipher suite facts.
//
// Run: node src/tls/gen/generate-suite-table.mjs <iana-tls-parameters-4.csv> [testssl cipher-mapping.txt]
//
// Sources (facts only; nothing here is copied code):
//  1. The IANA "TLS Cipher Suites" registry (tls-parameters-4.csv): code, name, Recommended.
//  2. testssl.sh's etc/cipher-mapping.txt (Debian package testssl.sh, /etc/testssl/): the
//     OpenSSL names that older OpenSSL releases gave to suites OpenSSL 3 no longer builds
//     (EXPORT, RC4, DES, 3DES, IDEA, KRB5, ...), the SSLv2 cipher kinds, and a few suites that
//     were deployed but never registered (EXPORT1024, DHE-DSS-RC4).
//  3. The local `openssl` binary (Debian 12, OpenSSL 3.0.x): which suites are compiled in, their
//     OpenSSL 3 names, min protocol, strength bits and the per-suite class flags
//     (HIGH/MEDIUM/LOW, NOT_DEFAULT, FIPS), read by asking `openssl ciphers` for each class alias.
//
// Key exchange, authentication, cipher, mode, key bits and MAC are derived from the suite's
// IANA name by parseSuiteName() below, and cross-checked against the openssl/testssl columns.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const [ianaCsvPath, testsslPath = '/etc/testssl/cipher-mapping.txt'] = process.argv.slice(2);
if (!ianaCsvPath) {
  console.error('usage: generate-suite-table.mjs <tls-parameters-4.csv> [cipher-mapping.txt]');
  process.exit(2);
}

// ---------------------------------------------------------------- IANA registry
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const iana = new Map(); // code -> {name, recommended, dtlsOk, reference}
for (const [value, description, dtlsOk, recommended, reference] of parseCsv(readFileSync(ianaCsvPath, 'utf8')).slice(1)) {
  const m = /^0x([0-9A-F]{2}),0x([0-9A-F]{2})$/i.exec(value ?? '');
  if (!m) continue; // ranges: Unassigned / Reserved
  if (!/^TLS_/.test(description)) continue; // GREASE "Reserved" rows
  const code = parseInt(m[1] + m[2], 16);
  iana.set(code, { name: description.trim(), recommended: recommended || 'N', dtlsOk: dtlsOk === 'Y', reference });
}

// ---------------------------------------------------------------- testssl mapping
const testssl = new Map(); // code -> {openssl, name, proto, kx, au, enc, mac, export}
const sslv2 = [];
for (const line of readFileSync(testsslPath, 'utf8').split('\n')) {
  const m = /^\s*(0x[0-9A-F]{2},0x[0-9A-F]{2}(?:,0x[0-9A-F]{2})?)\s+-\s+(\S+)\s+(\S+)\s+(SSLv2|SSLv3|TLSv1(?:\.[123])?)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+Mac=(\S+)\s*(export)?/i.exec(line);
  if (!m) continue;
  const bytes = m[1].split(',').map((b) => parseInt(b, 16));
  const rec = { openssl: m[2] === '-' ? null : m[2], name: m[3] === '-' ? null : m[3], proto: m[4], kx: m[5], au: m[6], enc: m[7], mac: m[8], export: Boolean(m[9]) };
  if (bytes.length === 3) sslv2.push({ code: (bytes[0] << 16) | (bytes[1] << 8) | bytes[2], ...rec });
  else testssl.set((bytes[0] << 8) | bytes[1], rec);
}

// ---------------------------------------------------------------- local OpenSSL
function opensslCiphers(str) {
  try {
    const out = execFileSync('openssl', ['ciphers', '-V', '-v', '-stdname', str], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const list = [];
    for (const line of out.split('\n')) {
      const m = /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2})\s+-\s+(\S+)\s+-\s+(\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+Mac=(\S+)/.exec(line);
      if (m) list.push({ code: parseInt(m[1] + m[2], 16), stdname: m[3], openssl: m[4], proto: m[5], kx: m[6], au: m[7], enc: m[8], mac: m[9] });
    }
    return list;
  } catch {
    return []; // "no cipher match"
  }
}
const opensslVersion = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
const available = new Map(opensslCiphers('ALL:COMPLEMENTOFALL:@SECLEVEL=0').map((c) => [c.code, c]));
const classOf = (alias) => new Set(opensslCiphers(`${alias}:@SECLEVEL=0`).map((c) => c.code));
const high = classOf('HIGH');
const medium = classOf('MEDIUM');
const low = classOf('LOW');
const notDefault = classOf('COMPLEMENTOFDEFAULT');
const fips = classOf('FIPS');

// ---------------------------------------------------------------- name parser
const KXAU = {
  NULL: ['NULL', 'NULL'],
  RSA: ['RSA', 'RSA'],
  DH_DSS: ['DH', 'DSS'], DH_RSA: ['DH', 'RSA'],
  DHE_DSS: ['DHE', 'DSS'], DHE_RSA: ['DHE', 'RSA'],
  DH_anon: ['DHE', 'anon'], // anonymous DH is ephemeral DH without authentication
  KRB5: ['KRB5', 'KRB5'],
  PSK: ['PSK', 'PSK'], DHE_PSK: ['DHE_PSK', 'PSK'], PSK_DHE: ['DHE_PSK', 'PSK'], RSA_PSK: ['RSA_PSK', 'RSA'], ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
  ECDH_ECDSA: ['ECDH', 'ECDSA'], ECDH_RSA: ['ECDH', 'RSA'], ECDHE_ECDSA: ['ECDHE', 'ECDSA'], ECDHE_RSA: ['ECDHE', 'RSA'],
  ECDH_anon: ['ECDHE', 'anon'],
  SRP_SHA: ['SRP', 'SRP'], SRP_SHA_RSA: ['SRP', 'RSA'], SRP_SHA_DSS: ['SRP', 'DSS'],
  ECCPWD: ['ECCPWD', 'ECCPWD'],
  GOSTR341112_256: ['GOST', 'GOST'], GOSTR341094: ['GOST', 'GOST'], GOSTR341001: ['GOST', 'GOST'],
};

// [regex over the part after _WITH_, encryption, mode, bits]; the MAC suffix is parsed after.
const CIPHERS = [
  [/^NULL/, 'NULL', 'NONE', 0],
  [/^RC4_(40|56|128)/, 'RC4', 'STREAM', null],
  [/^RC2_CBC_(40|56|128)/, 'RC2', 'CBC', null],
  [/^RC2_(56)/, 'RC2', 'CBC', null],
  [/^IDEA_CBC/, 'IDEA', 'CBC', 128],
  [/^DES40_CBC/, 'DES', 'CBC', 40],
  [/^DES_CBC_40/, 'DES', 'CBC', 40],
  [/^DES_CBC/, 'DES', 'CBC', 56],
  [/^3DES_EDE_CBC/, '3DES', 'CBC', 168],
  [/^SEED_CBC/, 'SEED', 'CBC', 128],
  [/^(?:AES|CAMELLIA|ARIA)_(128|256)_CCM_8/, null, 'CCM8', null],
  [/^(?:AES|CAMELLIA|ARIA)_(128|256)_(CBC|GCM|CCM)/, null, null, null],
  [/^CHACHA20_POLY1305/, 'CHACHA20', 'POLY1305', 256],
  [/^KUZNYECHIK_CTR_OMAC/, 'KUZNYECHIK', 'CTR', 256],
  [/^MAGMA_CTR_OMAC/, 'MAGMA', 'CTR', 256],
  [/^28147_CNT_IMIT/, 'GOST28147', 'CNT', 256],
];

// TLS 1.3 suites (and the other suites whose names do not follow KX_WITH_CIPHER_MAC).
const TLS13 = {
  TLS_AES_128_GCM_SHA256: ['AES', 'GCM', 128, 'AEAD', 'SHA256'],
  TLS_AES_256_GCM_SHA384: ['AES', 'GCM', 256, 'AEAD', 'SHA384'],
  TLS_CHACHA20_POLY1305_SHA256: ['CHACHA20', 'POLY1305', 256, 'AEAD', 'SHA256'],
  TLS_AES_128_CCM_SHA256: ['AES', 'CCM', 128, 'AEAD', 'SHA256'],
  TLS_AES_128_CCM_8_SHA256: ['AES', 'CCM8', 128, 'AEAD', 'SHA256'],
  TLS_AEGIS_256_SHA384: ['AEGIS', 'AEGIS', 256, 'AEAD', 'SHA384'],
  TLS_AEGIS_128L_SHA256: ['AEGIS', 'AEGIS', 128, 'AEAD', 'SHA256'],
  TLS_SM4_GCM_SM3: ['SM4', 'GCM', 128, 'AEAD', 'SM3'],
  TLS_SM4_CCM_SM3: ['SM4', 'CCM', 128, 'AEAD', 'SM3'],
  // RFC 9150: integrity-only TLS 1.3 suites (no encryption at all).
  TLS_SHA256_SHA256: ['NULL', 'NONE', 0, 'SHA256', 'SHA256'],
  TLS_SHA384_SHA384: ['NULL', 'NONE', 0, 'SHA384', 'SHA384'],
  TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L: ['KUZNYECHIK', 'MGM', 256, 'AEAD', 'STREEBOG256'],
  TLS_GOSTR341112_256_WITH_MAGMA_MGM_L: ['MAGMA', 'MGM', 256, 'AEAD', 'STREEBOG256'],
  TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S: ['KUZNYECHIK', 'MGM', 256, 'AEAD', 'STREEBOG256'],
  TLS_GOSTR341112_256_WITH_MAGMA_MGM_S: ['MAGMA', 'MGM', 256, 'AEAD', 'STREEBOG256'],
};

function parseSuiteName(name) {
  if (TLS13[name]) {
    const [enc, mode, bits, mac, prf] = TLS13[name];
    return { kx: 'TLS13', au: 'TLS13', enc, mode, bits, mac, prf, exportGrade: false, tls13: true };
  }
  const m = /^(?:TLS|SSL)_(.+?)_WITH_(.+)$/.exec(name);
  if (!m) return null;
  let kxau = m[1];
  let exportGrade = false;
  const ex = /^(.*)_EXPORT(1024)?$/.exec(kxau);
  if (ex) { kxau = ex[1]; exportGrade = true; }
  const pair = KXAU[kxau];
  if (!pair) return null;
  const rest = m[2];
  for (const [re, enc0, mode0, bits0] of CIPHERS) {
    const cm = re.exec(rest);
    if (!cm) continue;
    let enc = enc0, mode = mode0, bits = bits0;
    if (enc === null) {
      enc = /^AES/.test(rest) ? 'AES' : /^CAMELLIA/.test(rest) ? 'CAMELLIA' : 'ARIA';
      bits = Number(cm[1]);
      if (mode === null) mode = cm[2];
    }
    if (bits === null) bits = Number(cm[1]);
    const tail = rest.slice(cm[0].length).replace(/^_/, '');
    let mac;
    let prf = null;
    const aead = ['GCM', 'CCM', 'CCM8', 'POLY1305'].includes(mode);
    if (aead) { mac = 'AEAD'; prf = tail.replace(/_OLD$/, '') || 'SHA256'; }
    else if (/OMAC$/.test(rest)) { mac = 'OMAC'; prf = 'STREEBOG256'; }
    else if (/IMIT$/.test(rest)) { mac = 'GOST28147'; }
    else if (tail === 'SHA') mac = 'SHA1';
    else if (['MD5', 'SHA256', 'SHA384', 'NULL'].includes(tail)) mac = tail;
    else if (tail === 'GOSTR3411') mac = 'GOSTR3411';
    else return null;
    return { kx: pair[0], au: pair[1], enc, mode, bits, mac, prf, exportGrade, tls13: false };
  }
  return null;
}

// ---------------------------------------------------------------- cross-check
// The parsed name must agree with what openssl (or testssl's table) prints for the suite.
const KX_TOOL = { RSA: ['RSA'], DH: ['DH/DSS', 'DH/RSA', 'DH'], DHE: ['DH'], ECDH: ['ECDH/ECDSA', 'ECDH/RSA', 'ECDH'], ECDHE: ['ECDH'], PSK: ['PSK'], DHE_PSK: ['DHEPSK', 'DHE/PSK'], RSA_PSK: ['RSAPSK', 'RSA/PSK'], ECDHE_PSK: ['ECDHEPSK', 'ECDHE/PSK'], SRP: ['SRP'], KRB5: ['KRB5'], GOST: ['GOST'], ECCPWD: ['ECCPWD'], NULL: ['None', 'NULL'], TLS13: ['any'] };
const AU_TOOL = { RSA: ['RSA'], DSS: ['DSS'], ECDSA: ['ECDSA'], anon: ['None'], PSK: ['PSK'], SRP: ['SRP'], KRB5: ['KRB5'], GOST: ['GOST94', 'GOST01', 'GOST12', 'GOST'], ECCPWD: ['ECCPWD'], NULL: ['None'], TLS13: ['any'], DH: ['DH'] };
function crossCheck(name, p, kx, au, enc, mac) {
  const kxBase = kx.replace(/\(\d+\)$/, '');
  if (!(KX_TOOL[p.kx] ?? []).includes(kxBase)) problems.push(`kx mismatch ${name}: parsed ${p.kx}, tool ${kx}`);
  if (!(AU_TOOL[p.au] ?? []).includes(au) && !(p.kx === 'DH' || p.kx === 'ECDH')) problems.push(`au mismatch ${name}: parsed ${p.au}, tool ${au}`);
  const bits = Number(/\((\d+)\)/.exec(enc)?.[1] ?? 0);
  if (bits !== p.bits && !(p.enc === 'DES' && p.export)) problems.push(`bits mismatch ${name}: parsed ${p.bits}, tool ${enc}`);
  const toolMac = mac === 'SHA1' ? 'SHA1' : mac;
  if (toolMac !== p.mac && !(p.mac === 'GOST28147' || p.mac === 'GOSTR3411' || p.mac === 'OMAC')) problems.push(`mac mismatch ${name}: parsed ${p.mac}, tool ${mac}`);
}

// ---------------------------------------------------------------- assemble
const PROTO = { SSLv2: 'SSLv2', SSLv3: 'SSLv3', TLSv1: 'TLSv1.0', 'TLSv1.0': 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const problems = [];
function minProtocolFor(code, p, ossl, ts) {
  if (p.tls13) return 'TLSv1.3';
  if (ossl) return PROTO[ossl.proto];
  // Suites OpenSSL 3 lacks: AEAD and SHA-2 MACs need TLS 1.2 (RFC 5246 PRF); otherwise the
  // older tool's column, else TLS 1.0 for registrations that postdate SSLv3.
  if (p.mac === 'AEAD' || p.mac === 'SHA256' || p.mac === 'SHA384' || p.mac === 'OMAC') return 'TLSv1.2';
  // RFC 9189 GOST suites are TLS 1.2 only; ECC suites (RFC 4492/8422) start at TLS 1.0, as
  // OpenSSL 3 lists its own (testssl's table copies OpenSSL 1.0.2's "SSLv3" for them).
  if (p.kx === 'GOST' && code >= 0xc100) return 'TLSv1.2';
  if (p.kx === 'ECDH' || p.kx === 'ECDHE' || p.kx === 'ECDHE_PSK') return 'TLSv1.0';
  if (ts && PROTO[ts.proto] && ts.proto !== 'SSLv2') return PROTO[ts.proto];
  return 'TLSv1.0';
}

const rows = [];
const codes = new Set([...iana.keys(), ...[...testssl.entries()].filter(([, t]) => t.name && /^TLS_/.test(t.name)).map(([c]) => c)]);
for (const code of [...codes].sort((a, b) => a - b)) {
  const reg = iana.get(code);
  const ts = testssl.get(code);
  const ossl = available.get(code);
  const name = reg ? reg.name : ts.name;
  if (/SCSV$/.test(name)) continue;
  const p = parseSuiteName(name);
  if (!p) { problems.push(`unparsed ${name}`); continue; }
  if (ossl && ossl.stdname !== name && reg) problems.push(`name differs ${hex(code)}: iana ${name} openssl ${ossl.stdname}`);
  if (!reg && ts && !/^TLS_(RSA|DHE_DSS)_(EXPORT1024_)?WITH|^TLS_DHE_DSS_WITH_RC4/.test(name) && !/GOST/.test(name)) problems.push(`unregistered from testssl: ${name}`);
  // testssl calls TLS_NULL_WITH_NULL_NULL "NULL", which is an OpenSSL alias, not a suite name.
  const opensslName = ossl ? ossl.openssl : ts && ts.openssl && !/^TLS_/.test(ts.openssl) && code !== 0 ? ts.openssl : null;
  if (ossl) crossCheck(name, p, ossl.kx, ossl.au, ossl.enc, ossl.mac);
  else if (ts) crossCheck(name, p, ts.kx, ts.au, ts.enc, ts.mac);
  const row = {
    code,
    iana: name,
    openssl: opensslName,
    registered: Boolean(reg),
    ianaRecommended: reg ? reg.recommended : 'N',
    kx: p.kx,
    au: p.au,
    enc: p.enc,
    mode: p.mode,
    bits: p.bits,
    mac: p.mac,
    prf: p.prf,
    export: p.exportGrade,
    minProtocol: minProtocolFor(code, p, ossl, ts),
  };
  if (ossl) {
    const strength = high.has(code) ? 'HIGH' : medium.has(code) ? 'MEDIUM' : low.has(code) ? 'LOW' : null;
    const strengthBits = Number(/\((\d+)\)/.exec(ossl.enc)?.[1] ?? 0);
    // TLS 1.3 suites are always appended by \`openssl ciphers\` (from -ciphersuites), so the class
    // aliases say nothing about them; they are outside any TLS <= 1.2 cipher string anyway.
    row.ossl = p.tls13
      ? { strength: 'HIGH', strengthBits, notDefault: false, fips: p.enc === 'AES' }
      : { strength, strengthBits, notDefault: notDefault.has(code), fips: fips.has(code) };
  }
  rows.push(row);
}
const sslv2Rows = sslv2
  .sort((a, b) => a.code - b.code)
  .map((s) => {
    const enc = /^(\w+?)\(/.exec(s.enc)?.[1] ?? (s.enc === 'None' ? 'NULL' : s.enc);
    const bits = Number(/\((\d+)\)/.exec(s.enc)?.[1] ?? 0);
    return { code: s.code, name: s.name, openssl: s.openssl, enc: enc === 'None' ? 'NULL' : enc, bits, mac: s.mac === 'SHA1' ? 'SHA1' : s.mac === 'Null' ? 'NULL' : s.mac, export: s.export };
  });

// ---------------------------------------------------------------- OpenSSL base preference order
// Before it reads a cipher string, OpenSSL sorts every compiled-in TLS <= 1.2 suite into one
// preference order (ssl_create_cipher_list: ECDHE first, AEAD bumps, strength sort, ...) and
// every rule of the string then works on that order. The order is a property of the build, so we
// read it from the build: each alias lists its members in that order, and merging the chains
// of many aliases (ALL for everything but eNULL; the kx/auth/MAC/protocol aliases to place the
// eNULL suites) gives the total order. Pairs no alias relates are reported (they cannot be told
// apart by any cipher string built from aliases).
const CHAIN_ALIASES = ['ALL', 'eNULL', 'kRSA', 'kECDHE', 'kDHE', 'kPSK', 'kRSAPSK', 'kDHEPSK', 'kECDHEPSK', 'aRSA', 'aECDSA', 'aNULL', 'aPSK', 'aDSS',
  'SHA1', 'SHA256', 'SHA384', 'MD5', 'SSLv3', 'TLSv1', 'TLSv1.2', 'COMPLEMENTOFDEFAULT', 'HIGH', 'AES', 'CBC'];
const tls12Codes = [...available.keys()].filter((c) => c >> 8 !== 0x13);
const succ = new Map(tls12Codes.map((c) => [c, new Set()]));
const indeg = new Map(tls12Codes.map((c) => [c, 0]));
for (const alias of CHAIN_ALIASES) {
  const chain = opensslCiphers(`${alias}:@SECLEVEL=0`).map((c) => c.code).filter((c) => c >> 8 !== 0x13);
  for (let i = 1; i < chain.length; i++) {
    const a = chain[i - 1], b = chain[i];
    if (!succ.get(a).has(b)) { succ.get(a).add(b); indeg.set(b, indeg.get(b) + 1); }
  }
}
const baseOrder = [];
let ambiguous = 0;
const ready = tls12Codes.filter((c) => indeg.get(c) === 0);
// Tie-break unrelated suites by their position in `ALL:COMPLEMENTOFALL` (stable, documented).
const fallbackRank = new Map(opensslCiphers('ALL:COMPLEMENTOFALL:@SECLEVEL=0').map((c, i) => [c.code, i]));
while (ready.length) {
  if (ready.length > 1) ambiguous++;
  ready.sort((a, b) => fallbackRank.get(a) - fallbackRank.get(b));
  const c = ready.shift();
  baseOrder.push(c);
  for (const n of succ.get(c)) { indeg.set(n, indeg.get(n) - 1); if (indeg.get(n) === 0) ready.push(n); }
}
if (baseOrder.length !== tls12Codes.length) problems.push(`base order has a cycle: ${baseOrder.length}/${tls12Codes.length}`);
if (ambiguous) problems.push(`base order: ${ambiguous} steps had more than one candidate (tie-broken by ALL:COMPLEMENTOFALL position)`);
const defaultCiphersuites = opensslCiphers('ALL').filter((c) => c.code >> 8 === 0x13).map((c) => c.stdname);
const buildInfo = execFileSync('openssl', ['version', '-a'], { encoding: 'utf8' });
const defaultSecLevel = Number(/-DOPENSSL_TLS_SECURITY_LEVEL=(\d)/.exec(buildInfo)?.[1] ?? 1);

function hex(code) { return '0x' + code.toString(16).toUpperCase().padStart(4, '0'); }
function lit(v) { return JSON.stringify(v); }
function rowLine(r) {
  const parts = [
    `code: ${hex(r.code)}`, `iana: ${lit(r.iana)}`, `openssl: ${lit(r.openssl)}`,
    `registered: ${r.registered}`, `ianaRecommended: ${lit(r.ianaRecommended)}`,
    `kx: ${lit(r.kx)}`, `au: ${lit(r.au)}`, `enc: ${lit(r.enc)}`, `mode: ${lit(r.mode)}`, `bits: ${r.bits}`,
    `mac: ${lit(r.mac)}`, `prf: ${lit(r.prf)}`, `export: ${r.export}`, `minProtocol: ${lit(r.minProtocol)}`,
  ];
  if (r.ossl) parts.push(`ossl: { strength: ${lit(r.ossl.strength)}, strengthBits: ${r.ossl.strengthBits}, notDefault: ${r.ossl.notDefault}, fips: ${r.ossl.fips} }`);
  return `  { ${parts.join(', ')} },`;
}

const out = `// GENERATED by src/tls/gen/generate-suite-table.mjs — do not edit by hand; re-run the generator.
// Facts from: the IANA TLS Cipher Suites registry (tls-parameters-4.csv), testssl.sh's
// cipher-mapping.txt (legacy OpenSSL names, SSLv2 kinds, unregistered-but-deployed suites),
// and the local ${opensslVersion} (\`openssl ciphers\`) for what that build compiles in.
import type { SuiteRow, Sslv2CipherKind } from './suite-types.js';

/** The OpenSSL build the \`ossl\` fields were read from. */
export const SUITE_TABLE_OPENSSL_BUILD = ${lit(opensslVersion + ' (Debian 12)')};

export const SUITE_ROWS: readonly SuiteRow[] = [
${rows.map(rowLine).join('\n')}
];

export const SSLV2_ROWS: readonly Sslv2CipherKind[] = [
${sslv2Rows.map((s) => `  { code: 0x${s.code.toString(16).toUpperCase().padStart(6, '0')}, name: ${lit(s.name)}, openssl: ${lit(s.openssl)}, enc: ${lit(s.enc)}, bits: ${s.bits}, mac: ${lit(s.mac)}, export: ${s.export} },`).join('\n')}
];
`;
writeFileSync(path.join(here, '..', 'suites-data.ts'), out);
const ossl = `// GENERATED by src/tls/gen/generate-suite-table.mjs — do not edit by hand; re-run the generator.
// Facts about the local ${opensslVersion} build (Debian 12), read with \`openssl ciphers\` and
// \`openssl version -a\`.

/** The OpenSSL build these facts describe. */
export const OPENSSL_BUILD = ${lit(opensslVersion)};

/** Compiled-in default security level (-DOPENSSL_TLS_SECURITY_LEVEL; upstream's default is 1). */
export const OPENSSL_DEFAULT_SECURITY_LEVEL = ${defaultSecLevel};

/** TLS 1.3 suites enabled by default (SSL_CTX_set_ciphersuites default), in order. */
export const OPENSSL_DEFAULT_TLS13_CIPHERSUITES: readonly string[] = ${lit(defaultCiphersuites)};

/**
 * Every compiled-in TLS <= 1.2 suite in OpenSSL's built-in preference order — the order the
 * rules of a cipher string work on. ${ambiguous} merge steps were tie-broken (see the generator).
 */
export const OPENSSL_BASE_ORDER: readonly number[] = [
${baseOrder.map((c) => '  ' + hex(c) + ', // ' + available.get(c).openssl).join('\n')}
];
`;
writeFileSync(path.join(here, '..', 'openssl-build-data.ts'), ossl);
console.error(`${rows.length} suites (${rows.filter((r) => r.ossl).length} compiled into local OpenSSL), ${sslv2Rows.length} SSLv2 kinds`);
if (problems.length) console.error(problems.join('\n'));
// Every suite the local OpenSSL has must be in the table.
for (const code of available.keys()) if (!rows.some((r) => r.code === code)) console.error(`MISSING openssl suite ${hex(code)}`);
