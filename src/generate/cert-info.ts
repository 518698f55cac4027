import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CertKeyType } from './types.js';

export interface CertKeyTypeResult {
  keyType: CertKeyType;
  /** Why it is 'unknown' (file missing, not a certificate, other key type). */
  note?: string;
}

/** The public-key type of the first certificate in a PEM/DER file (the server's own). */
export function readCertKeyType(path: string): CertKeyTypeResult {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    return { keyType: 'unknown', note: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(data);
  } catch {
    return { keyType: 'unknown', note: `${path} holds no X.509 certificate` };
  }
  const t = cert.publicKey.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return { keyType: 'rsa' };
  if (t === 'ec') return { keyType: 'ecdsa' };
  return { keyType: 'unknown', note: `${path}: key type ${t ?? '?'} has no ECDHE AEAD suite in vsftpd; both lists written` };
}
