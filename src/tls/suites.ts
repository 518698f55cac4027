// The TLS cipher suite table: every IANA-registered suite (plus a few deployed-but-unregistered
// legacy ones) with the facts the probe and the rules need, and lookups by code and by name.
import { SUITE_ROWS, SSLV2_ROWS, SUITE_TABLE_OPENSSL_BUILD } from './suites-data.js';
import type { ProtocolName, SuiteRow, Sslv2CipherKind } from './suite-types.js';

export type { KeyExchange, Authentication, Encryption, CipherMode, Mac, ProtocolName, SuiteRow, Sslv2CipherKind, OpensslSuiteFacts } from './suite-types.js';
export { SUITE_TABLE_OPENSSL_BUILD };

/**
 * Why a suite is weak. A suite can carry several.
 * - null-encryption: no confidentiality at all.
 * - anonymous: no server authentication (trivial man-in-the-middle).
 * - export: 40/56-bit export grade (FREAK, LOGJAM).
 * - rc4 (RFC 7465 forbids it), rc2, des (single DES, 56 bits or less), 3des and idea
 *   (64-bit blocks: SWEET32).
 * - low-bits: symmetric key below 112 bits (other than NULL).
 * - md5: MD5 HMAC. sha1: SHA-1 HMAC (acceptable for TLS <= 1.2 in NIST terms, still flagged).
 * - cbc: CBC mode with MAC-then-encrypt (Lucky13/POODLE-TLS class padding oracles).
 * - no-fs: no forward secrecy (RSA key transport, static DH/ECDH, plain PSK, KRB5, GOST 2001/2012 TLS 1.2).
 * - short-tag: CCM_8's 64-bit authentication tag.
 * - integrity-only: TLS 1.3 RFC 9150 suites (authentication without encryption).
 */
export type Weakness =
  | 'null-encryption' | 'anonymous' | 'export' | 'rc4' | 'rc2' | 'des' | '3des' | 'idea' | 'low-bits'
  | 'md5' | 'sha1' | 'cbc' | 'no-fs' | 'short-tag' | 'integrity-only';

export interface CipherSuite extends SuiteRow {
  /** "0xC0,0x30" as the IANA registry and `openssl ciphers -V` print it. */
  hex: string;
  aead: boolean;
  forwardSecrecy: boolean;
  /** Only negotiable in TLS 1.3 (and TLS 1.3 suites are only negotiable there). */
  tls13Only: boolean;
  /** Negotiable in TLS 1.0/1.1 (min protocol below TLS 1.2 and not a TLS 1.3 suite). */
  usableBelowTls12: boolean;
  /** Compiled into the local (Debian 12) OpenSSL 3.0 build; see SUITE_TABLE_OPENSSL_BUILD. */
  inLocalOpenssl: boolean;
  weaknesses: readonly Weakness[];
  /** On the NIST SP 800-52r2 §3.3.1 list of approved suites. */
  nistApproved: boolean;
}

const PROTOCOL_ORDER: readonly ProtocolName[] = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Ephemeral key exchanges. SRP and ECCPWD derive fresh secrets per session too. */
const FORWARD_SECRET_KX = new Set(['DHE', 'ECDHE', 'DHE_PSK', 'ECDHE_PSK', 'SRP', 'ECCPWD', 'TLS13']);

/**
 * NIST SP 800-52r2 §3.3.1.1 (TLS 1.2 and earlier) and §3.3.1.2 (TLS 1.3), as transcribed:
 * ECDHE_ECDSA with AES GCM/CCM/CCM_8/CBC; ECDHE_RSA with AES GCM/CBC; DHE_RSA with AES
 * GCM/CCM/CCM_8/CBC; the CBC-SHA1 forms are allowed (for TLS 1.0-1.2 interoperability).
 * RSA key transport, static (EC)DH, DSS, CAMELLIA, ARIA, SEED and CHACHA20 are not listed.
 */
const NIST_TLS12 = new Set<string>([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_CCM', 'TLS_DHE_RSA_WITH_AES_256_CCM',
  'TLS_DHE_RSA_WITH_AES_128_CCM_8', 'TLS_DHE_RSA_WITH_AES_256_CCM_8',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
]);
const NIST_TLS13 = new Set<string>([
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256',
]);

/** Where the NIST list above comes from, for evidence text. */
export const NIST_SUITE_LIST_CITATION = 'NIST SP 800-52r2 §3.3.1';

export function protocolRank(p: ProtocolName): number {
  return PROTOCOL_ORDER.indexOf(p);
}

function weaknessesOf(r: SuiteRow): Weakness[] {
  const w: Weakness[] = [];
  const tls13 = r.kx === 'TLS13';
  if (r.enc === 'NULL') w.push(tls13 ? 'integrity-only' : 'null-encryption');
  if (r.au === 'anon' || r.au === 'NULL') w.push('anonymous');
  if (r.export) w.push('export');
  if (r.enc === 'RC4') w.push('rc4');
  if (r.enc === 'RC2') w.push('rc2');
  if (r.enc === 'DES') w.push('des');
  if (r.enc === '3DES') w.push('3des');
  if (r.enc === 'IDEA') w.push('idea');
  if (r.enc !== 'NULL' && r.bits < 112) w.push('low-bits');
  if (r.mac === 'MD5') w.push('md5');
  if (r.mac === 'SHA1') w.push('sha1');
  if (r.mode === 'CBC') w.push('cbc');
  if (!FORWARD_SECRET_KX.has(r.kx)) w.push('no-fs');
  if (r.mode === 'CCM8') w.push('short-tag');
  return w;
}

function toHex(code: number): string {
  const h = code.toString(16).toUpperCase().padStart(4, '0');
  return `0x${h.slice(0, 2)},0x${h.slice(2)}`;
}

function derive(r: SuiteRow): CipherSuite {
  const tls13Only = r.minProtocol === 'TLSv1.3';
  return Object.freeze({
    ...r,
    hex: toHex(r.code),
    aead: r.mac === 'AEAD',
    forwardSecrecy: FORWARD_SECRET_KX.has(r.kx),
    tls13Only,
    usableBelowTls12: !tls13Only && protocolRank(r.minProtocol) < protocolRank('TLSv1.2'),
    inLocalOpenssl: r.ossl !== undefined,
    weaknesses: Object.freeze(weaknessesOf(r)),
    nistApproved: tls13Only ? NIST_TLS13.has(r.iana) : NIST_TLS12.has(r.iana),
  });
}

/** All suites, ordered by code. */
export const CIPHER_SUITES: readonly CipherSuite[] = Object.freeze(SUITE_ROWS.map(derive));
export const SSLV2_CIPHER_KINDS: readonly Sslv2CipherKind[] = SSLV2_ROWS;

/** Signalling values that appear in cipher lists but are not suites. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
export const TLS_FALLBACK_SCSV = 0x5600;

const byCode = new Map<number, CipherSuite>();
const byIana = new Map<string, CipherSuite>();
const byOpenssl = new Map<string, CipherSuite>();
for (const s of CIPHER_SUITES) {
  byCode.set(s.code, s);
  byIana.set(s.iana.toUpperCase(), s);
  // Prefer the OpenSSL 3 holder of a name; legacy names never collide with OpenSSL 3 names.
  if (s.openssl && (!byOpenssl.has(s.openssl.toUpperCase()) || s.inLocalOpenssl)) byOpenssl.set(s.openssl.toUpperCase(), s);
}
const sslv2ByCode = new Map(SSLV2_ROWS.map((k) => [k.code, k]));

export function suiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}
/** IANA names are matched case-insensitively ("TLS_DH_anon_..." vs upper case in some tools). */
export function suiteByIanaName(name: string): CipherSuite | undefined {
  return byIana.get(name.toUpperCase());
}
/** OpenSSL names are case-sensitive in OpenSSL itself; we accept any case for lookups. */
export function suiteByOpensslName(name: string): CipherSuite | undefined {
  return byOpenssl.get(name.toUpperCase());
}
/** By IANA name, OpenSSL name, or a code written "0xC030" / "0xC0,0x30". */
export function findSuite(nameOrCode: string | number): CipherSuite | undefined {
  if (typeof nameOrCode === 'number') return suiteByCode(nameOrCode);
  const hex = /^0x([0-9a-f]{2}),?(?:0x)?([0-9a-f]{2})$/i.exec(nameOrCode.trim());
  if (hex) return suiteByCode(parseInt(hex[1]! + hex[2]!, 16));
  return suiteByIanaName(nameOrCode) ?? suiteByOpensslName(nameOrCode);
}
export function sslv2CipherKindByCode(code: number): Sslv2CipherKind | undefined {
  return sslv2ByCode.get(code);
}
/** Human-readable form of a code that may not be a known suite (GREASE, private use). */
export function describeSuiteCode(code: number): string {
  if (code === TLS_EMPTY_RENEGOTIATION_INFO_SCSV) return 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV';
  if (code === TLS_FALLBACK_SCSV) return 'TLS_FALLBACK_SCSV';
  if ((code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff)) return `GREASE ${toHex(code)}`;
  return byCode.get(code)?.iana ?? `unknown suite ${toHex(code)}`;
}
