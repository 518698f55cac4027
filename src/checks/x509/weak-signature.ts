import type { Check, CheckOutcome } from '../../engine/types.js';
import type { Inventory } from '../../model/inventory.js';
import { allCertificates, certEvidence, certKey, certLocation, type CertRef } from './common.js';

const WEAK = new Set(['md2', 'md4', 'md5', 'sha1']);

/**
 * Signatures made with MD5 or SHA-1 (chosen-prefix collisions: the 2008 rogue CA, SHAmbles
 * 2020). Judged on leaves and intermediates. A self-signed certificate's own signature is not
 * judged: for a trust anchor (or a pinned self-signed leaf) the signature proves nothing and
 * clients do not check it, the key is what is trusted (RFC 5280 §6.1, OpenSSL likewise).
 */
function subjects(inv: Inventory): CertRef[] {
  const seen = new Set<string>();
  return allCertificates(inv).filter((r) => {
    if (r.cert.selfSigned) return false;
    const k = `${r.file.file}\0${r.cert.fingerprintSha256}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

export const weakSignature: Check = {
  name: 'x509.weak-signature-hash',
  target: 'x509',
  description: 'Certificate signed with MD5 or SHA-1 (trust anchors excluded)',
  messageIds: ['pass', 'fail', 'unknown'],
  appliesTo: (inv) => subjects(inv).length > 0,
  run({ inventory }) {
    return subjects(inventory).map((ref): CheckOutcome => {
      const { hash, name } = ref.cert.signatureAlgorithm;
      const weak = WEAK.has(hash);
      const unknown = hash === 'unknown';
      return {
        status: weak ? 'fail' : unknown ? 'not-evaluated' : 'pass',
        messageId: weak ? 'fail' : unknown ? 'unknown' : 'pass',
        data: { subject: ref.cert.subject, algorithm: name, hash, reason: `signature algorithm ${name} is not one we know` },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};
