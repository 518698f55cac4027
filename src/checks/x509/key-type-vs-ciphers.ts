import type { Check, CheckOutcome } from '../../engine/types.js';
import { certKey, describeKey } from './common.js';
import { authFor, tls12Authentications } from './cipher-auth.js';
import { TLS12_FAILS } from './vsftpd-effects.js';
import { servedCertificates } from './vsftpd-refs.js';

/**
 * The served certificate's key type must be usable with some TLS 1.2 suite that ssl_ciphers
 * admits: vsftpd's default "ECDHE-RSA-AES256-GCM-SHA384" admits only RSA certificates, so an
 * ECDSA (or Ed25519) certificate serves TLS 1.3 only. TLS 1.3 suites do not depend on the
 * certificate type and vsftpd 3.0.3 cannot restrict them.
 */
export const keyTypeVsCiphers: Check = {
  name: 'x509.key-type-vs-ciphers',
  target: 'x509',
  description: 'The served certificate key type has no TLS 1.2 cipher suite in ssl_ciphers',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: (inv) => servedCertificates(inv).some((s) => s.option === 'rsa_cert_file' || s.option === 'dsa_cert_file'),
  run({ inventory }) {
    return servedCertificates(inventory).map(({ cert, setup, option }): CheckOutcome => {
      const ciphers = setup.ciphers.value;
      const needed = authFor(cert.publicKey.algorithm);
      const base = {
        // On the ssl_ciphers line when set; with the default cipher list, on the line that
        // chose the certificate (the other half of the mismatch).
        location: setup.ciphers.source === 'explicit' ? setup.ciphers.location : ((option === 'dsa_cert_file' ? setup.dsaCert : setup.rsaCert)?.location ?? { file: setup.config.file }),
        evidence: `${option}: ${cert.subject} (${describeKey(cert.publicKey)}); ssl_ciphers=${ciphers ?? '(unset: OpenSSL default list)'}${setup.ciphers.source === 'default' ? ` (${setup.config.flavor} build default)` : ''}`,
        key: `${setup.config.file}#${option}#${certKey(cert)}`,
        assumptions: [`${setup.config.flavor} build of vsftpd 3.0.3`, 'cipher string interpreted at the level of authentication algorithms'],
      };
      const data = { config: setup.config.file, subject: cert.subject, key: describeKey(cert.publicKey), ciphers: ciphers ?? '(OpenSSL default)', needed: needed ?? 'unknown', effect: TLS12_FAILS.text, reason: '' };
      if (!needed) return { ...base, status: 'not-evaluated', messageId: 'notEvaluated', data: { ...data, reason: `key type ${cert.publicKey.algorithm} has no TLS 1.2 mapping we know` } };
      // No ssl_ciphers at all: OpenSSL's DEFAULT list, which admits RSA, ECDSA and DSS.
      const admitted = ciphers === null ? new Set(['RSA', 'ECDSA', 'DSS']) : tls12Authentications(ciphers);
      const ok = admitted.has(needed);
      return { ...base, status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', data };
    });
  },
};
