import type { SignatureHash } from '../../model/x509.js';

/** Signature algorithm OIDs -> OpenSSL-style name and the digest they rest on. */
export const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash: SignatureHash }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  // RSASSA-PSS: the digest is in the parameters (absent parameters mean SHA-1, RFC 4055).
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: 'unknown' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa-with-SHA224', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  // EdDSA hashes internally (SHA-512 / SHAKE256): no separate digest to judge.
  '1.3.101.112': { name: 'ED25519', hash: 'intrinsic' },
  '1.3.101.113': { name: 'ED448', hash: 'intrinsic' },
};

export const DIGEST_OIDS: Record<string, SignatureHash> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Named curves -> OpenSSL short name and the bit size of the group order. */
export const NAMED_CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.132.0.8': { name: 'secp160r1', bits: 161 },
  '1.3.132.0.31': { name: 'secp192k1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.3': { name: 'brainpoolP192r1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.5': { name: 'brainpoolP224r1', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

/** Node's namedCurve names (and NIST aliases) -> bits, for keys node:crypto reads. */
export const CURVE_BITS_BY_NAME: Record<string, number> = {
  ...Object.fromEntries(Object.values(NAMED_CURVES).map((c) => [c.name, c.bits])),
  'P-256': 256, 'P-384': 384, 'P-521': 521, 'P-224': 224, 'P-192': 192,
};

export const KEY_ALGORITHM_OIDS: Record<string, 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa'> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};

export const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

export const OID = {
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pkcs7Data: '1.2.840.113549.1.7.1',
} as const;
