import type { Check, CheckOutcome } from '../../engine/types.js';
import type { CertificateEntry } from '../../model/x509.js';
import { certEvidence, certKey, certLocation, isCA } from './common.js';
import { serverCertificatesFor } from './served.js';

/** RFC 5280 §4.2.1.9: an end-entity certificate must not assert cA; clients may reject it. */
export const leafIsCa: Check = {
  name: 'x509.leaf-is-ca',
  target: 'x509',
  description: 'Server certificate asserts basicConstraints CA:TRUE',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const ca = isCA(ref.cert);
      return {
        status: ca ? 'fail' : 'pass',
        messageId: ca ? 'fail' : 'pass',
        data: { subject: ref.cert.subject },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

/**
 * What a TLS server needs from keyUsage (RFC 5280 §4.2.1.3, RFC 5246 §7.4.2, RFC 8446 §4.4.2.2):
 * digitalSignature for (EC)DHE and every TLS 1.3 handshake; an RSA key may instead carry
 * keyEncipherment for RSA key transport (this is also what `openssl verify -purpose sslserver`
 * accepts). extendedKeyUsage, when present, must include serverAuth or anyExtendedKeyUsage.
 */
export function serverUseProblem(cert: CertificateEntry): string | undefined {
  const ku = cert.keyUsage?.usages;
  if (ku) {
    const rsa = cert.publicKey.algorithm === 'rsa' || cert.publicKey.algorithm === 'rsa-pss';
    const ok = ku.includes('digitalSignature') || (rsa && ku.includes('keyEncipherment')) || (cert.publicKey.algorithm === 'ec' && ku.includes('keyAgreement'));
    if (!ok) return `keyUsage (${ku.join(', ') || 'empty'}) allows neither digitalSignature${rsa ? ' nor keyEncipherment' : ''}`;
  }
  const eku = cert.extendedKeyUsage;
  if (eku && !eku.names.includes('serverAuth') && !eku.names.includes('anyExtendedKeyUsage')) {
    return `extendedKeyUsage (${eku.names.join(', ') || 'empty'}) does not include serverAuth`;
  }
  return undefined;
}

export const keyUsageForbidsServer: Check = {
  name: 'x509.key-usage-forbids-server',
  target: 'x509',
  description: 'keyUsage or extendedKeyUsage of a server certificate forbids TLS server use',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const problem = serverUseProblem(ref.cert);
      return {
        status: problem ? 'fail' : 'pass',
        messageId: problem ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, problem: problem ?? '' },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

/** NIST SP 800-52r2 §3.2.1 certificate profile: extendedKeyUsage with id-kp-serverAuth. */
export const serverAuthEkuMissing: Check = {
  name: 'x509.server-auth-eku-missing',
  target: 'x509',
  description: 'Server certificate has no extendedKeyUsage extension (serverAuth not asserted)',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const missing = !ref.cert.extendedKeyUsage;
      return {
        status: missing ? 'fail' : 'pass',
        messageId: missing ? 'fail' : 'pass',
        data: { subject: ref.cert.subject },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};
