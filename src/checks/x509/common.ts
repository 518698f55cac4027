import { verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import type { CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { Location } from '../../model/location.js';
import type { CertificateEntry, PrivateKeyEntry, PublicKeyInfo, X509File } from '../../model/x509.js';

/** A certificate together with the file it was found in. */
export interface CertRef {
  file: X509File;
  cert: CertificateEntry;
}

export function x509Files(inv: Inventory): X509File[] {
  return modelsOf(inv, 'x509');
}

export function allCertificates(inv: Inventory): CertRef[] {
  return x509Files(inv).flatMap((file) => file.certificates.map((cert) => ({ file, cert })));
}

export function isCA(cert: CertificateEntry): boolean {
  return cert.basicConstraints?.ca === true;
}

/** A trust anchor's own self-signature is never judged (clients trust the key, not the signature). */
export function isSelfSignedCA(cert: CertificateEntry): boolean {
  return cert.selfSigned && isCA(cert);
}

export function certLocation(ref: CertRef): Location {
  return { ...ref.cert.location };
}

export function keyLocation(file: X509File, key: PrivateKeyEntry): Location {
  return { ...key.location, file: file.file };
}

/** The subject key of an outcome about a certificate: its fingerprint (stable across moves). */
export function certKey(cert: CertificateEntry): string {
  return `sha256:${cert.fingerprintSha256}`;
}

const evidenceCache = new WeakMap<CertificateEntry, string>();
export function certEvidence(cert: CertificateEntry): string {
  let e = evidenceCache.get(cert);
  if (e === undefined) {
    e = buildEvidence(cert);
    evidenceCache.set(cert, e);
  }
  return e;
}

function buildEvidence(cert: CertificateEntry): string {
  return `subject: ${cert.subject}; issuer: ${cert.issuer}; notBefore: ${cert.notBefore.toISOString()}; notAfter: ${cert.notAfter.toISOString()}; key: ${describeKey(cert.publicKey)}; signature: ${cert.signatureAlgorithm.name}; SHA-256 ${cert.fingerprintSha256}`;
}

export function describeKey(k: PublicKeyInfo): string {
  switch (k.algorithm) {
    case 'rsa':
    case 'rsa-pss':
      return `${k.algorithm.toUpperCase()} ${k.bits ?? '?'} bits${k.exponent && k.exponent !== '65537' ? ` e=${k.exponent}` : ''}`;
    case 'ec':
      return k.explicitCurve ? `EC explicit parameters (${k.bits ?? '?'} bits)` : `EC ${k.curve ?? '?'} (${k.bits ?? '?'} bits)`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return `DSA ${k.bits ?? '?'} bits`;
    default:
      return 'unknown key type';
  }
}

/** X509Certificate objects are rebuilt from DER once per certificate entry. */
const x509Cache = new WeakMap<CertificateEntry, X509Certificate>();
export function x509Of(cert: CertificateEntry): X509Certificate {
  let x = x509Cache.get(cert);
  if (!x) {
    x = new X509Certificate(cert.der);
    x509Cache.set(cert, x);
  }
  return x;
}

/** Does `issuer` sign `subject`? Name chaining plus a real signature check (OpenSSL), memoised. */
const issuedCache = new WeakMap<CertificateEntry, Map<CertificateEntry, boolean>>();
export function issued(issuer: CertificateEntry, subject: CertificateEntry): boolean {
  if (issuer.subjectDerHex !== subject.issuerDerHex) return false;
  let byIssuer = issuedCache.get(subject);
  if (!byIssuer) {
    byIssuer = new Map();
    issuedCache.set(subject, byIssuer);
  }
  let answer = byIssuer.get(issuer);
  if (answer === undefined) {
    answer = signatureVerifies(issuer, subject);
    byIssuer.set(issuer, answer);
  }
  return answer;
}

const keyCache = new WeakMap<CertificateEntry, KeyObject | null>();
function issuerKey(issuer: CertificateEntry): KeyObject | null {
  let k = keyCache.get(issuer);
  if (k === undefined) {
    try {
      k = x509Of(issuer).publicKey;
    } catch {
      k = null;
    }
    keyCache.set(issuer, k);
  }
  return k;
}

/** DER TLV header at offset: [header length, content length], or undefined. */
function tlv(der: Buffer, offset: number): [number, number] | undefined {
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return [2, first];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || offset + 2 + n > der.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[offset + 2 + i]!;
  return [2 + n, len];
}

/** The signed bytes (TBSCertificate) and the signature value of a certificate's DER. */
function signedParts(der: Buffer): { tbs: Buffer; signature: Buffer } | undefined {
  const outer = tlv(der, 0);
  if (!outer) return undefined;
  const tbsAt = outer[0];
  const tbsTlv = tlv(der, tbsAt);
  if (!tbsTlv) return undefined;
  const algAt = tbsAt + tbsTlv[0] + tbsTlv[1];
  const algTlv = tlv(der, algAt);
  if (!algTlv) return undefined;
  const sigAt = algAt + algTlv[0] + algTlv[1];
  const sigTlv = tlv(der, sigAt);
  if (!sigTlv || der[sigAt] !== 0x03) return undefined;
  return { tbs: der.subarray(tbsAt, algAt), signature: der.subarray(sigAt + sigTlv[0] + 1, sigAt + sigTlv[0] + sigTlv[1]) };
}

const DIGEST_FOR_VERIFY: Partial<Record<string, string>> = { sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/**
 * One signature check. The common cases (PKCS#1 v1.5 RSA and ECDSA with SHA-2, EdDSA) go
 * straight to OpenSSL's verify over the TBS bytes, which spares building an X509Certificate
 * per leaf; RSA-PSS, DSA, MD5/SHA-1 and anything unusual go through X509Certificate.verify.
 * The chain-trust truth test compares the result with `openssl verify` for every key type.
 */
function signatureVerifies(issuer: CertificateEntry, subject: CertificateEntry): boolean {
  const key = issuerKey(issuer);
  if (!key) return false;
  try {
    const { name, hash } = subject.signatureAlgorithm;
    const parts = signedParts(subject.der);
    const direct = parts && (
      hash === 'intrinsic' ? null
        : /WithRSAEncryption$|^ecdsa-with-/.test(name) ? DIGEST_FOR_VERIFY[hash] : undefined);
    const keyType = key.asymmetricKeyType;
    const fits = /WithRSAEncryption$/.test(name) ? keyType === 'rsa' : /^ecdsa-with-/.test(name) ? keyType === 'ec' : hash === 'intrinsic' && (keyType === 'ed25519' || keyType === 'ed448');
    if (parts && direct !== undefined && fits) return cryptoVerify(direct, parts.tbs, key, parts.signature);
    return x509Of(subject).verify(key);
  } catch {
    return false;
  }
}

/**
 * Certificates judged as TLS server certificates: those vsftpd is configured to serve
 * (passed in), plus the first certificate of every file that is not a CA certificate, or is
 * one but sits beside its own private key (a CA:TRUE certificate used as a server cert).
 */
export function serverCertificates(inv: Inventory, served: CertRef[] = []): CertRef[] {
  const out = new Map<CertificateEntry, CertRef>();
  for (const ref of served) out.set(ref.cert, ref);
  for (const file of x509Files(inv)) {
    const first = file.certificates[0];
    if (!first || out.has(first)) continue;
    const hasOwnKey = file.privateKeys.some((k) => k.publicKey?.spkiSha256 && k.publicKey.spkiSha256 === first.publicKey.spkiSha256);
    if (!isCA(first) || hasOwnKey) out.set(first, { file, cert: first });
  }
  return [...out.values()];
}

export function numberParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function outcome(o: CheckOutcome): CheckOutcome {
  return o;
}

export const DAY_MS = 86_400_000;
