/**
 * What Debian's vsftpd 3.0.3 does with each defect in its TLS material (ssl.c ssl_init(),
 * run at startup when ssl_enable=YES). Every sentence here is proved against the real daemon
 * in test/x509-vsftpd-daemon.test.ts.
 *
 *   SSL_CTX_use_certificate_chain_file(rsa_cert_file)  PEM only  -> "cannot load RSA certificate"
 *   SSL_CTX_use_PrivateKey_file(key or cert file, PEM)             -> "cannot load RSA private key"
 *     (OpenSSL refuses a key of the certificate's own type that does not match it; a key of
 *      another type lands in another slot, so the daemon starts with a certificate that has
 *      no key: every handshake then fails)
 *   SSL_CTX_load_verify_locations(ca_certs_file) when ssl_request_cert or require_cert
 *                                                                  -> "could not load verify file"
 */
export type DaemonEffect = 'refuses-to-start' | 'handshakes-fail' | 'tls12-fails';

export function refuses(oops: string): { effect: DaemonEffect; text: string } {
  return { effect: 'refuses-to-start', text: `the daemon refuses to start ("500 OOPS: ${oops}", exit status 2)` };
}

export const HANDSHAKES_FAIL = {
  effect: 'handshakes-fail' as DaemonEffect,
  text: 'the daemon starts, but every TLS handshake fails (handshake_failure alert), so no client can log in over TLS',
};

export const TLS12_FAILS = {
  effect: 'tls12-fails' as DaemonEffect,
  text: 'the daemon starts and TLS 1.3 works, but every TLS 1.2 handshake fails (handshake_failure alert): TLS 1.2-only clients cannot connect',
};

export function certOops(option: string): string {
  return option.startsWith('dsa') ? 'SSL: cannot load DSA certificate' : 'SSL: cannot load RSA certificate';
}

export function keyOops(option: string): string {
  return option.startsWith('dsa') ? 'SSL: cannot load DSA private key' : 'SSL: cannot load RSA private key';
}

export const CA_OOPS = 'SSL: could not load verify file';

/** OpenSSL's certificate slots (SSL_PKEY_*): a key replaces only the slot of its own type. */
export function opensslSlot(algorithm: string): string {
  switch (algorithm) {
    case 'ec':
      return 'ecc';
    default:
      return algorithm;
  }
}
