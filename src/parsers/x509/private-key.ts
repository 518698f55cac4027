import { createPrivateKey } from 'node:crypto';
import type { PrivateKeyFormat, PublicKeyInfo } from '../../model/x509.js';
import { describeKeyObject } from './certificate.js';
import { children, fromDer, isUniversal, oidOf, T } from './asn1.js';
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
  try {
    const key = createPrivateKey({ key: toPem(label, der), format: 'pem' });
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
