import { createPrivateKey } from 'node:crypto';
import type { PrivateKeyFormat, PublicKeyInfo } from '../../model/x509.js';
import { describeKeyObject } from './certificate.js';
import { asn1, bytes, C, children, fromDer, isContext, isUniversal, oidOf, T, type Asn1 } from './asn1.js';
import { describeSpki } from './certificate.js';
import { toPem } from './pem.js';

export const PRIVATE_KEY_LABELS: Record<string, PrivateKeyFormat> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'DSA PRIVATE KEY': 'dsa',
  'ENCRYPTED PRIVATE KEY': 'encrypted-pkcs8',
};

export interface KeyReadResult {
  format: PrivateKeyFormat;
  encrypted: boolean;
  publicKey?: PublicKeyInfo;
  /** Why the key could not be read (never contains key material). */
  error?: string;
}

/**
 * Reads a PEM private-key block. Encrypted keys are recognised and left encrypted: we have
 * no passphrase and must not ask for one. Only the public half is described.
 */
export function readPemPrivateKey(label: string, der: Buffer, headers: Record<string, string>): KeyReadResult {
  const format = PRIVATE_KEY_LABELS[label]!;
  if (format === 'encrypted-pkcs8') return { format, encrypted: true };
  if (/ENCRYPTED/i.test(headers['Proc-Type'] ?? '')) return { format: 'encrypted-legacy-pem', encrypted: true };
  const fast = publicHalfFromAsn1(format, der);
  if (fast) return { format, encrypted: false, publicKey: fast };
  try {
    // DER with its type named is several times faster than letting OpenSSL's PEM decoder guess.
    const type = format === 'pkcs8' ? 'pkcs8' : format === 'pkcs1' ? 'pkcs1' : format === 'sec1' ? 'sec1' : undefined;
    const key = type ? createPrivateKey({ key: der, format: 'der', type }) : createPrivateKey({ key: toPem(label, der), format: 'pem' });
    return { format, encrypted: false, publicKey: describeKeyObject(key) };
  } catch (err) {
    return { format, encrypted: false, error: describeKeyError(err) };
  }
}

/** A DER file that may be a private key: PKCS#8 (plain or encrypted), PKCS#1 or SEC1. */
export function readDerPrivateKey(der: Buffer): KeyReadResult | undefined {
  if (isEncryptedPkcs8(der)) return { format: 'encrypted-pkcs8', encrypted: true };
  const attempts: { type: 'pkcs8' | 'pkcs1' | 'sec1'; format: PrivateKeyFormat }[] = [
    { type: 'pkcs8', format: 'pkcs8' },
    { type: 'pkcs1', format: 'pkcs1' },
    { type: 'sec1', format: 'sec1' },
  ];
  for (const a of attempts) {
    const fast = publicHalfFromAsn1(a.format, der);
    if (fast) return { format: a.format, encrypted: false, publicKey: fast };
    try {
      const key = createPrivateKey({ key: der, format: 'der', type: a.type });
      return { format: a.format, encrypted: false, publicKey: describeKeyObject(key) };
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier (PBES2/PBE OID), OCTET STRING } */
function isEncryptedPkcs8(der: Buffer): boolean {
  try {
    const [alg, data] = children(fromDer(der));
    const oid = oidOf(children(alg)[0]);
    const pbe = !!oid && (oid.startsWith('1.2.840.113549.1.5.') || oid.startsWith('1.2.840.113549.1.12.1.'));
    return pbe && isUniversal(data, T.OCTETSTRING);
  } catch {
    return false;
  }
}

function describeKeyError(err: unknown): string {
  // OpenSSL error text names the decoder, never the key bytes.
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 200);
}

const RSA_OID = '1.2.840.113549.1.1.1';
const RSA_PSS_OID = '1.2.840.113549.1.1.10';
const EC_OID = '1.2.840.10045.2.1';

/**
 * The public half of an RSA or EC private key, rebuilt as a SubjectPublicKeyInfo from the
 * key's own ASN.1 (RSAPrivateKey carries n and e; ECPrivateKey carries the public point).
 * OpenSSL 3's key decoders cost most of a millisecond per key, which dominated scans of large
 * trees. Anything unusual (Ed25519, DSA, an EC key without its public point, a structure we
 * do not recognise) returns undefined and node:crypto reads the key instead. The result is
 * checked against `openssl pkey -pubout` in test/x509-truth.test.ts.
 */
function publicHalfFromAsn1(format: PrivateKeyFormat, der: Buffer): PublicKeyInfo | undefined {
  try {
    const root = fromDer(der);
    if (format === 'pkcs1') return rsaSpki(root, undefined);
    if (format === 'sec1') return ecSpki(root, undefined);
    if (format !== 'pkcs8') return undefined;
    const [version, algId, privateKey] = children(root);
    if (!isUniversal(version, T.INTEGER) || !isUniversal(privateKey, T.OCTETSTRING)) return undefined;
    const algOid = oidOf(children(algId)[0]);
    const inner = fromDer(Buffer.from(bytes(privateKey), 'binary'));
    if (algOid === RSA_OID || algOid === RSA_PSS_OID) return rsaSpki(inner, algId);
    if (algOid === EC_OID) return ecSpki(inner, children(algId)[1]);
    return undefined;
  } catch {
    return undefined;
  }
}

const seq = (items: Asn1[]): Asn1 => asn1().create(C.UNIVERSAL, T.SEQUENCE, true, items);
const bitString = (content: string): Asn1 => asn1().create(C.UNIVERSAL, T.BITSTRING, false, '\x00' + content);

/** RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, ... } */
function rsaSpki(key: Asn1, algId: Asn1 | undefined): PublicKeyInfo | undefined {
  const [version, n, e] = children(key);
  if (!isUniversal(version, T.INTEGER) || !isUniversal(n, T.INTEGER) || !isUniversal(e, T.INTEGER)) return undefined;
  const id = algId ?? seq([
    asn1().create(C.UNIVERSAL, T.OID, false, asn1().oidToDer(RSA_OID).getBytes()),
    asn1().create(C.UNIVERSAL, T.NULL, false, ''),
  ]);
  const publicKey = asn1().toDer(seq([n, e])).getBytes();
  return describeSpki(seq([id, bitString(publicKey)]));
}

/** ECPrivateKey ::= SEQUENCE { version 1, privateKey, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function ecSpki(key: Asn1, outerParams: Asn1 | undefined): PublicKeyInfo | undefined {
  const fields = children(key);
  const params = outerParams ?? children(fields.find((f) => isContext(f, 0)))[0];
  const pub = children(fields.find((f) => isContext(f, 1)))[0];
  if (!params || !isUniversal(pub, T.BITSTRING)) return undefined;
  // Only named curves: an explicit-parameter key is left to OpenSSL's canonical encoding.
  if (!isUniversal(params, T.OID)) return undefined;
  const id = seq([asn1().create(C.UNIVERSAL, T.OID, false, asn1().oidToDer(EC_OID).getBytes()), params]);
  return describeSpki(seq([id, asn1().create(C.UNIVERSAL, T.BITSTRING, false, bytes(pub))]));
}
