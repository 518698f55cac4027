// TLS supported groups (IANA "TLS Supported Groups" registry, formerly "EC named curves"):
// code, names and the security strength in bits (NIST SP 800-57 Part 1 Table 2 equivalences).
export type GroupKind = 'ec-binary' | 'ec-prime' | 'ec-montgomery' | 'ffdhe' | 'gost' | 'sm2' | 'hybrid-pq' | 'pq' | 'explicit';

export interface NamedGroup {
  code: number;
  /** Name in the IANA registry. */
  iana: string;
  /** OpenSSL's group/curve name, where OpenSSL has one (`-groups`, `Server Temp Key`). */
  openssl: string | null;
  kind: GroupKind;
  /** Classical security strength in bits (for hybrids: the classical part). 0 when not meaningful. */
  securityBits: number;
  /** Size of the field or modulus in bits, where that is how the group is described. */
  sizeBits: number | null;
  /** Deprecated for TLS by RFC 8422 (all binary and sub-256 prime curves) or similar. */
  deprecated: boolean;
}

function g(code: number, iana: string, openssl: string | null, kind: GroupKind, securityBits: number, sizeBits: number | null, deprecated = false): NamedGroup {
  return Object.freeze({ code, iana, openssl, kind, securityBits, sizeBits, deprecated });
}

export const NAMED_GROUPS: readonly NamedGroup[] = Object.freeze([
  g(1, 'sect163k1', 'sect163k1', 'ec-binary', 80, 163, true),
  g(2, 'sect163r1', 'sect163r1', 'ec-binary', 80, 163, true),
  g(3, 'sect163r2', 'sect163r2', 'ec-binary', 80, 163, true),
  g(4, 'sect193r1', 'sect193r1', 'ec-binary', 96, 193, true),
  g(5, 'sect193r2', 'sect193r2', 'ec-binary', 96, 193, true),
  g(6, 'sect233k1', 'sect233k1', 'ec-binary', 112, 233, true),
  g(7, 'sect233r1', 'sect233r1', 'ec-binary', 112, 233, true),
  g(8, 'sect239k1', 'sect239k1', 'ec-binary', 112, 239, true),
  g(9, 'sect283k1', 'sect283k1', 'ec-binary', 128, 283, true),
  g(10, 'sect283r1', 'sect283r1', 'ec-binary', 128, 283, true),
  g(11, 'sect409k1', 'sect409k1', 'ec-binary', 192, 409, true),
  g(12, 'sect409r1', 'sect409r1', 'ec-binary', 192, 409, true),
  g(13, 'sect571k1', 'sect571k1', 'ec-binary', 256, 571, true),
  g(14, 'sect571r1', 'sect571r1', 'ec-binary', 256, 571, true),
  g(15, 'secp160k1', 'secp160k1', 'ec-prime', 80, 160, true),
  g(16, 'secp160r1', 'secp160r1', 'ec-prime', 80, 160, true),
  g(17, 'secp160r2', 'secp160r2', 'ec-prime', 80, 160, true),
  g(18, 'secp192k1', 'secp192k1', 'ec-prime', 96, 192, true),
  g(19, 'secp192r1', 'prime192v1', 'ec-prime', 96, 192, true),
  g(20, 'secp224k1', 'secp224k1', 'ec-prime', 112, 224, true),
  g(21, 'secp224r1', 'secp224r1', 'ec-prime', 112, 224, true),
  g(22, 'secp256k1', 'secp256k1', 'ec-prime', 128, 256, true),
  g(23, 'secp256r1', 'prime256v1', 'ec-prime', 128, 256),
  g(24, 'secp384r1', 'secp384r1', 'ec-prime', 192, 384),
  g(25, 'secp521r1', 'secp521r1', 'ec-prime', 256, 521),
  g(26, 'brainpoolP256r1', 'brainpoolP256r1', 'ec-prime', 128, 256),
  g(27, 'brainpoolP384r1', 'brainpoolP384r1', 'ec-prime', 192, 384),
  g(28, 'brainpoolP512r1', 'brainpoolP512r1', 'ec-prime', 256, 512),
  g(29, 'x25519', 'X25519', 'ec-montgomery', 128, 255),
  g(30, 'x448', 'X448', 'ec-montgomery', 224, 448),
  g(31, 'brainpoolP256r1tls13', 'brainpoolP256r1tls13', 'ec-prime', 128, 256),
  g(32, 'brainpoolP384r1tls13', 'brainpoolP384r1tls13', 'ec-prime', 192, 384),
  g(33, 'brainpoolP512r1tls13', 'brainpoolP512r1tls13', 'ec-prime', 256, 512),
  g(34, 'GC256A', 'GC256A', 'gost', 128, 256),
  g(35, 'GC256B', 'GC256B', 'gost', 128, 256),
  g(36, 'GC256C', 'GC256C', 'gost', 128, 256),
  g(37, 'GC256D', 'GC256D', 'gost', 128, 256),
  g(38, 'GC512A', 'GC512A', 'gost', 256, 512),
  g(39, 'GC512B', 'GC512B', 'gost', 256, 512),
  g(40, 'GC512C', 'GC512C', 'gost', 256, 512),
  g(41, 'curveSM2', 'SM2', 'sm2', 128, 256),
  g(256, 'ffdhe2048', 'ffdhe2048', 'ffdhe', 112, 2048),
  g(257, 'ffdhe3072', 'ffdhe3072', 'ffdhe', 128, 3072),
  g(258, 'ffdhe4096', 'ffdhe4096', 'ffdhe', 152, 4096),
  g(259, 'ffdhe6144', 'ffdhe6144', 'ffdhe', 176, 6144),
  g(260, 'ffdhe8192', 'ffdhe8192', 'ffdhe', 192, 8192),
  g(512, 'MLKEM512', 'MLKEM512', 'pq', 128, null),
  g(513, 'MLKEM768', 'MLKEM768', 'pq', 192, null),
  g(514, 'MLKEM1024', 'MLKEM1024', 'pq', 256, null),
  g(4587, 'SecP256r1MLKEM768', 'SecP256r1MLKEM768', 'hybrid-pq', 128, null),
  g(4588, 'X25519MLKEM768', 'X25519MLKEM768', 'hybrid-pq', 128, null),
  g(4589, 'SecP384r1MLKEM1024', 'SecP384r1MLKEM1024', 'hybrid-pq', 192, null),
  g(25497, 'X25519Kyber768Draft00', null, 'hybrid-pq', 128, null, true),
  g(25498, 'SecP256r1Kyber768Draft00', null, 'hybrid-pq', 128, null, true),
  g(0xff01, 'arbitrary_explicit_prime_curves', null, 'explicit', 0, null, true),
  g(0xff02, 'arbitrary_explicit_char2_curves', null, 'explicit', 0, null, true),
]);

const byCode = new Map(NAMED_GROUPS.map((x) => [x.code, x]));
const byName = new Map<string, NamedGroup>();
for (const x of NAMED_GROUPS) {
  byName.set(x.iana.toLowerCase(), x);
  if (x.openssl) byName.set(x.openssl.toLowerCase(), x);
}
// NIST names used by OpenSSL and Node ("P-256", "Server Temp Key: ECDH, prime256v1, 256 bits").
byName.set('p-256', byCode.get(23)!);
byName.set('p-384', byCode.get(24)!);
byName.set('p-521', byCode.get(25)!);

export function groupByCode(code: number): NamedGroup | undefined {
  return byCode.get(code);
}
export function groupByName(name: string): NamedGroup | undefined {
  return byName.get(name.trim().toLowerCase());
}

/**
 * Security bits of a finite-field DH modulus of arbitrary size (SP 800-57 Part 1 Table 2;
 * between the table's points we round down to the lower strength).
 */
export function ffdhSecurityBits(modulusBits: number): number {
  if (modulusBits >= 15360) return 256;
  if (modulusBits >= 7680) return 192;
  if (modulusBits >= 3072) return 128;
  if (modulusBits >= 2048) return 112;
  if (modulusBits >= 1024) return 80;
  return 0; // below any NIST strength (LOGJAM territory)
}
