import type { FileLocation } from './location.js';

/**
 * The X.509 material found in one file: certificates, private keys, PKCS#12 containers.
 * Built from the DER bytes (node:crypto for keys and signatures, an ASN.1 walk for the
 * fields node:crypto does not expose). Private key material is never kept here: only
 * what a rule needs to judge the key (type, size, the SHA-256 of its public half).
 */

export type KeyAlgorithm = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** RSA/DSA modulus bits; EC: bits of the group order; Ed25519: 256. */
  bits?: number;
  /** OpenSSL short name of a named EC curve (prime256v1, secp384r1, ...). */
  curve?: string;
  /** EC parameters given explicitly instead of a named-curve OID (CVE-2020-0601 class). */
  explicitCurve?: boolean;
  /** RSA public exponent, decimal. */
  exponent?: string;
  /**
   * SHA-256 (hex) of the SubjectPublicKeyInfo as OpenSSL re-encodes it: equal for a
   * certificate and the private key that belongs to it.
   */
  spkiSha256?: string;
}

export type SignatureHash = 'md2' | 'md4' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'intrinsic' | 'unknown';

export interface GeneralNames {
  dns: string[];
  ip: string[];
  email: string[];
  uri: string[];
}

export interface CertificateEntry {
  /** 0-based position among the certificates of its file (PEM order). */
  index: number;
  location: FileLocation;
  /** The DER encoding (public data; used to rebuild X509Certificate objects in checks). */
  der: Buffer;
  version: number;
  serialNumber: string;
  /** One-line DN as "CN=a, O=b" in certificate order. */
  subject: string;
  issuer: string;
  /** Hex of the DER of the subject / issuer Name: for exact issuer matching. */
  subjectDerHex: string;
  /** The subject's CN values (what name matching falls back to without a DNS SAN). */
  subjectCommonNames: string[];
  issuerDerHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Signature algorithm of the certificate (outer signatureAlgorithm). */
  signatureAlgorithm: { oid: string; name: string; hash: SignatureHash };
  publicKey: PublicKeyInfo;
  /** undefined when the extension is absent. */
  subjectAltName?: GeneralNames & { critical: boolean };
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  keyUsage?: { usages: KeyUsageName[]; critical: boolean };
  extendedKeyUsage?: { oids: string[]; names: string[]; critical: boolean };
  /** OCSP responder URLs from authorityInfoAccess. */
  ocspUrls: string[];
  /** Subject equals issuer (byte-wise). */
  selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key. */
  selfSigned: boolean;
  /** "AB:CD:..." like openssl -fingerprint -sha256. */
  fingerprintSha256: string;
  /** PEM label it came from ("CERTIFICATE", "TRUSTED CERTIFICATE"), or "DER"/"PKCS12". */
  source: string;
}

export const KEY_USAGE_NAMES = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export type PrivateKeyFormat = 'pkcs8' | 'pkcs1' | 'sec1' | 'dsa' | 'encrypted-pkcs8' | 'encrypted-legacy-pem' | 'pkcs12';

export interface PrivateKeyEntry {
  index: number;
  location: FileLocation;
  format: PrivateKeyFormat;
  /** Protected at rest: an encrypted PEM/PKCS#8 key, or a key inside a PKCS#12 container. */
  encrypted: boolean;
  /** Known when the key could be read (not encrypted, or a PKCS#12 opened with its password). */
  publicKey?: PublicKeyInfo;
}

export interface X509File {
  /** Path relative to the scan root. */
  file: string;
  absPath: string;
  /** Unix mode bits of the file (meaningful with --live). */
  mode: number;
  encoding: 'pem' | 'der' | 'pkcs12';
  certificates: CertificateEntry[];
  privateKeys: PrivateKeyEntry[];
  /** Present for .p12/.pfx containers. */
  pkcs12?: { opened: boolean; reason?: string };
  /**
   * Whether git tracks this file; determined only when it holds an unencrypted private key.
   * 'unknown': git refused or failed (e.g. a repository owned by another user).
   */
  git?: 'tracked' | 'untracked' | 'outside-repository' | 'unknown';
  /**
   * Problems the parser reported for this file (details and messages in the diagnostics):
   * code and line, so that rules can tell what a PEM reader that stops at the first broken
   * block (OpenSSL, hence vsftpd) would make of the file.
   */
  problems: { code: string; line?: number }[];
}

declare module './inventory.js' {
  interface InventoryModels {
    x509: X509File[];
  }
}

/** One row of the certificate inventory (PCI DSS 4.2.1.1), for the report. */
export interface CertificateInventoryEntry {
  file: string;
  line?: number;
  subject: string;
  issuer: string;
  serialNumber: string;
  sans: string[];
  key: string;
  signatureAlgorithm: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  selfSigned: boolean;
  isCA: boolean;
  /** Where it is used, e.g. "vsftpd.conf:31 rsa_cert_file". */
  usedBy: string[];
}
