import { expandCipherString } from '../tls/index.js';
import type { CertKeyType } from './types.js';

/**
 * ssl_ciphers for vsftpd 3.0.3, which only calls SSL_CTX_set_cipher_list (TLS 1.2 and
 * below). Every suite here is ECDHE (forward secret) + AEAD, and every one is defined
 * for TLS 1.2 only, so a TLS 1.0/1.1 ClientHello finds no shared suite: this is how
 * upstream/Debian builds, which have no ssl_tlsv1_1 switch, refuse TLS 1.1.
 * DHE is left out: vsftpd 3.0.3 loads no DH parameters, so DHE suites could never be used.
 */
const SUITES: Record<'rsa' | 'ecdsa', { aes: string[]; chacha: string }> = {
  ecdsa: {
    aes: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
    chacha: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  },
  rsa: {
    aes: ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256'],
    chacha: 'ECDHE-RSA-CHACHA20-POLY1305',
  },
};

export function tls12CipherList(keyType: CertKeyType, allowChaCha20: boolean): string[] {
  const types: ('rsa' | 'ecdsa')[] = keyType === 'unknown' ? ['ecdsa', 'rsa'] : [keyType];
  const out: string[] = [];
  for (const t of types) {
    out.push(...SUITES[t].aes);
    if (allowChaCha20) out.push(SUITES[t].chacha);
  }
  return out;
}

/**
 * TLS 1.3 suites, set through OpenSSL's configuration (Ciphersuites) because vsftpd 3.0.3
 * has no option for them. NIST SP 800-52r2 §3.3.1 lists AES-GCM and AES-CCM only.
 */
export function tls13Suites(allowChaCha20: boolean): string[] {
  const s = ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'];
  if (allowChaCha20) s.push('TLS_CHACHA20_POLY1305_SHA256');
  return s;
}

/**
 * Self-check of a generated list with ftps-audit's own OpenSSL cipher-string expander (the
 * same code the scan judges ssl_ciphers with): it must be accepted, forward secret, AEAD only,
 * unusable below TLS 1.2, NIST-approved when ChaCha20 is not allowed, and serve the
 * certificate's key type. Returns the problems (empty = fine); the generator refuses to
 * write a list with problems.
 */
export function cipherListProblems(list: string, keyType: CertKeyType, allowChaCha20: boolean, tls13: readonly string[]): string[] {
  const x = expandCipherString(list, { tls13Ciphersuites: tls13 });
  const p: string[] = [];
  if (x.status !== 'ok') p.push(`OpenSSL would reject it: ${x.reason ?? x.status}`);
  const f = x.facts;
  if (f.usableBelowTls12) p.push('a suite is usable below TLS 1.2');
  if (f.admitsNoForwardSecrecy) p.push('a suite without forward secrecy');
  if (f.admitsCbc || f.admitsSha1 || f.admitsRc4 || f.admits3des || f.admitsDes || f.admitsNull || f.admitsAnonymous || f.admitsExport || f.admitsMd5) p.push('a non-AEAD or weak suite');
  if (!allowChaCha20 && !f.allNistApproved) p.push('a suite outside NIST SP 800-52r2 §3.3.1');
  if ((keyType === 'rsa' || keyType === 'unknown') && !f.servesRsaCert) p.push('no suite for an RSA certificate');
  if ((keyType === 'ecdsa' || keyType === 'unknown') && !f.servesEcdsaCert) p.push('no suite for an ECDSA certificate');
  if (keyType === 'rsa' && f.servesEcdsaCert) p.push('ECDSA suites for an RSA certificate');
  if (keyType === 'ecdsa' && f.servesRsaCert) p.push('RSA suites for an ECDSA certificate');
  if (!allowChaCha20 && x.tls13.some((s) => /CHACHA/i.test(s.iana))) p.push('ChaCha20 among the TLS 1.3 suites');
  return p;
}
