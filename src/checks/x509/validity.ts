import type { Check, CheckOutcome } from '../../engine/types.js';
import type { Inventory } from '../../model/inventory.js';
import { allCertificates, certEvidence, certKey, certLocation, DAY_MS, numberParam, type CertRef } from './common.js';
import { serverCertificatesFor as serverRefs } from './served.js';

/**
 * Certificate validity against the run's "now" (injectable, so tests and re-runs agree).
 * Every certificate is judged, intermediates and anchors included: an expired intermediate
 * breaks the chain as surely as an expired leaf. Agrees with `openssl x509 -checkend`.
 */
function dedupe(refs: CertRef[]): CertRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.file.file}\0${r.cert.fingerprintSha256}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const has = (inv: Inventory): boolean => allCertificates(inv).length > 0;

function daysBetween(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / DAY_MS);
}

export const expired: Check = {
  name: 'x509.expired',
  target: 'x509',
  description: 'Certificate notAfter is in the past',
  messageIds: ['pass', 'fail'],
  appliesTo: has,
  run({ inventory }) {
    const now = inventory.settings.now;
    return dedupe(allCertificates(inventory)).map((ref): CheckOutcome => {
      const exp = ref.cert.notAfter.getTime() <= now.getTime();
      return {
        status: exp ? 'fail' : 'pass',
        messageId: exp ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, notAfter: ref.cert.notAfter.toISOString(), days: Math.abs(daysBetween(now, ref.cert.notAfter)) },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

export const notYetValid: Check = {
  name: 'x509.not-yet-valid',
  target: 'x509',
  description: 'Certificate notBefore is in the future',
  messageIds: ['pass', 'fail'],
  appliesTo: has,
  run({ inventory }) {
    const now = inventory.settings.now;
    return dedupe(allCertificates(inventory)).map((ref): CheckOutcome => {
      const early = ref.cert.notBefore.getTime() > now.getTime();
      return {
        status: early ? 'fail' : 'pass',
        messageId: early ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, notBefore: ref.cert.notBefore.toISOString() },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

export const expiringSoon: Check = {
  name: 'x509.expiring-soon',
  target: 'x509',
  description: 'Certificate expires within the warning window (--expiry-warning-days, default 30)',
  messageIds: ['pass', 'fail'],
  paramsSchema: { type: 'object', properties: { days: { type: 'number', minimum: 0 } }, additionalProperties: false },
  appliesTo: has,
  run({ inventory, params }) {
    const now = inventory.settings.now;
    const days = numberParam(params, 'days', inventory.settings.expiryWarningDays);
    const limit = now.getTime() + days * DAY_MS;
    // Expired certificates are x509/expired's business; here they are neither pass nor fail.
    return dedupe(allCertificates(inventory))
      .filter((ref) => ref.cert.notAfter.getTime() > now.getTime())
      .map((ref): CheckOutcome => {
        const soon = ref.cert.notAfter.getTime() <= limit;
        return {
          status: soon ? 'fail' : 'pass',
          messageId: soon ? 'fail' : 'pass',
          data: { subject: ref.cert.subject, notAfter: ref.cert.notAfter.toISOString(), daysLeft: daysBetween(now, ref.cert.notAfter), days },
          location: certLocation(ref),
          evidence: certEvidence(ref.cert),
          key: certKey(ref.cert),
        };
      });
  },
};

/** CA/B Forum BR 6.3.2: validity period (notBefore..notAfter inclusive, BR 1.6.1) at most 398 days. */
export const validityTooLong: Check = {
  name: 'x509.validity-too-long',
  target: 'x509',
  description: 'Server certificate validity period exceeds the CA/Browser Forum maximum (398 days)',
  messageIds: ['pass', 'fail'],
  paramsSchema: { type: 'object', properties: { maxDays: { type: 'number', minimum: 1 } }, additionalProperties: false },
  appliesTo: (inv) => serverRefs(inv).length > 0,
  run({ inventory, params }) {
    const maxDays = numberParam(params, 'maxDays', 398);
    return serverRefs(inventory).map((ref): CheckOutcome => {
      const seconds = (ref.cert.notAfter.getTime() - ref.cert.notBefore.getTime()) / 1000 + 1;
      const periodDays = Math.round((seconds / 86_400) * 10) / 10;
      const tooLong = seconds > maxDays * 86_400;
      return {
        status: tooLong ? 'fail' : 'pass',
        messageId: tooLong ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, periodDays, maxDays },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};
