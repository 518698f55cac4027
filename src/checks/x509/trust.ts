import type { Check, CheckOutcome } from '../../engine/types.js';
import { certEvidence, certKey, certLocation, issued, type CertRef } from './common.js';
import { chainCompleteness, trustStoreFor, verifyChain } from './chain.js';
import { serverCertificatesFor } from './served.js';

/** The certificates the server would send after the leaf: the rest of the leaf's file. */
function sentChain(ref: CertRef): CertRef['cert'][] {
  return ref.file.certificates.filter((c) => c !== ref.cert);
}

/**
 * Does the served certificate chain to a trust anchor (--ca-file, else the system store)?
 * Built like `openssl verify -CAfile ANCHORS -untrusted REST-OF-FILE LEAF`; validity dates
 * are left to x509/expired (openssl verify -no_check_time gives the same verdict as ours).
 */
export const untrusted: Check = {
  name: 'x509.untrusted',
  target: 'x509',
  description: 'Server certificate is self-signed or does not chain to a trust anchor',
  messageIds: ['pass', 'selfSigned', 'unknownIssuer', 'notEvaluated'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    const store = trustStoreFor(inventory);
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const base = { location: certLocation(ref), evidence: certEvidence(ref.cert), key: certKey(ref.cert) };
      if (store.error) {
        return { ...base, status: 'not-evaluated', messageId: 'notEvaluated', data: { subject: ref.cert.subject, reason: `trust store unusable: ${store.error}` } };
      }
      const v = verifyChain(ref.cert, sentChain(ref), store);
      const data = {
        subject: ref.cert.subject,
        store: store.source,
        path: v.path.map((c) => c.subject).join(' <- '),
        missingIssuer: v.missingIssuerOf?.issuer ?? '',
      };
      if (v.trusted) return { ...base, status: 'pass', messageId: 'pass', data };
      return { ...base, status: 'fail', messageId: v.reason === 'self-signed-leaf' ? 'selfSigned' : 'unknownIssuer', data };
    });
  },
};

/**
 * The served file must carry every intermediate: TLS clients do not fetch missing ones
 * (RFC 8446 §4.4.2; AIA chasing is a browser habit, not an FTP client's).
 */
export const incompleteChain: Check = {
  name: 'x509.incomplete-chain',
  target: 'x509',
  description: 'The served file lacks an intermediate certificate between the leaf and a trust anchor',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    const store = trustStoreFor(inventory);
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const { complete, top } = chainCompleteness(ref.cert, sentChain(ref), store);
      return {
        status: complete ? 'pass' : 'fail',
        messageId: complete ? 'pass' : 'fail',
        data: { subject: ref.cert.subject, top: top.subject, missingIssuer: top.issuer, store: store.source },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

/**
 * RFC 5246 §7.4.2: each certificate must certify the one before it. TLS 1.3 relaxes this
 * and OpenSSL clients reorder, but stricter clients (Java before 8u, embedded FTP clients)
 * fail; unrelated certificates in the chain are sent to every client for nothing.
 */
export const chainOutOfOrder: Check = {
  name: 'x509.chain-out-of-order',
  target: 'x509',
  description: 'Certificates after the leaf are not each the issuer of the one before',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).some((r) => r.file.certificates.length > 1 && r.cert === r.file.certificates[0]),
  run({ inventory }) {
    return serverCertificatesFor(inventory)
      .filter((ref) => ref.file.certificates.length > 1 && ref.cert === ref.file.certificates[0])
      .map((ref): CheckOutcome => {
        const certs = ref.file.certificates;
        let problem = '';
        for (let i = 1; i < certs.length; i++) {
          if (!issued(certs[i]!, certs[i - 1]!)) {
            const issuerElsewhere = certs.findIndex((c, j) => j !== i - 1 && issued(c, certs[i - 1]!));
            problem = issuerElsewhere >= 0
              ? `certificate #${i + 1} (${certs[i]!.subject}) does not issue #${i} (${certs[i - 1]!.subject}); its issuer is #${issuerElsewhere + 1}`
              : `certificate #${i + 1} (${certs[i]!.subject}) does not issue #${i} (${certs[i - 1]!.subject}) and nothing in the file does`;
            break;
          }
        }
        return {
          status: problem ? 'fail' : 'pass',
          messageId: problem ? 'fail' : 'pass',
          data: { subject: ref.cert.subject, count: certs.length, problem },
          location: { file: ref.file.file, line: certs[0]!.location.line, column: 1, endLine: certs[certs.length - 1]!.location.endLine },
          evidence: certs.map((c, i) => `#${i + 1} ${c.subject} (issuer ${c.issuer})`).join('; '),
          key: certKey(ref.cert),
        };
      });
  },
};
