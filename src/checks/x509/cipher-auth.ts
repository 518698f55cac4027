import { expandCipherString } from '../../tls/openssl-cipher-string.js';

/**
 * Which TLS 1.2 server authentications (certificate key types) an OpenSSL cipher string
 * admits: the authentication of every suite the library would negotiate from it, from the
 * full expansion in src/tls (SSL_CTX_set_cipher_list semantics at the build's security
 * level). A string OpenSSL refuses admits nothing. Checked against `openssl ciphers -s -v`
 * in test/x509-checks.test.ts.
 */
export type Auth = 'RSA' | 'ECDSA' | 'DSS' | 'anon' | 'PSK' | 'other';

const AUTHS_OF_SUITE = (au: string): Auth => (['RSA', 'ECDSA', 'DSS', 'anon', 'PSK'] as const).find((a) => a === au) ?? 'other';

export function tls12Authentications(cipherString: string): Set<Auth> {
  const e = expandCipherString(cipherString);
  if (e.status !== 'ok') return new Set();
  return new Set(e.enabled.filter((s) => !s.tls13Only).map((s) => AUTHS_OF_SUITE(s.au)));
}

/** The TLS 1.2 authentication a certificate key needs (RFC 8422: Ed25519 uses ECDSA suites). */
export function authFor(algorithm: string): Auth | undefined {
  switch (algorithm) {
    case 'rsa':
    case 'rsa-pss':
      return 'RSA';
    case 'ec':
    case 'ed25519':
    case 'ed448':
      return 'ECDSA';
    case 'dsa':
      return 'DSS';
    default:
      return undefined;
  }
}
