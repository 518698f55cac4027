import { isIP } from 'node:net';
import type { Check, CheckOutcome } from '../../engine/types.js';
import { certEvidence, certKey, certLocation, x509Of } from './common.js';
import { hostnameSubjects, serverCertificatesFor } from './served.js';

/** NIST SP 800-52r2 requires a subjectAltName; RFC 6125/2818 clients ignore CN when one exists. */
export const sanMissing: Check = {
  name: 'x509.san-missing',
  target: 'x509',
  description: 'Server certificate without a subjectAltName DNS or IP entry',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => serverCertificatesFor(inv).length > 0,
  run({ inventory }) {
    return serverCertificatesFor(inventory).map((ref): CheckOutcome => {
      const san = ref.cert.subjectAltName;
      const names = san ? [...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP:${i}`)] : [];
      const missing = names.length === 0;
      return {
        status: missing ? 'fail' : 'pass',
        messageId: missing ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, names: names.join(', ') || '(none)' },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

/**
 * --hostname NAME (repeatable) against the served certificate, matched by OpenSSL's
 * X509_check_host/X509_check_ip (through node:crypto): RFC 6125 wildcards in the left-most
 * label only, the subject CN consulted only when there is no DNS subjectAltName - the same
 * verdict `openssl verify -verify_hostname` gives, which the truth tests confirm.
 */
export const hostnameMismatch: Check = {
  name: 'x509.hostname-mismatch',
  target: 'x509',
  description: 'A --hostname is not covered by the served certificate',
  messageIds: ['pass', 'fail', 'noHostnames'],
  paramsSchema: { type: 'object', properties: { hostnames: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
  appliesTo: (inv) => hostnameSubjects(inv).length > 0,
  run({ inventory, params }) {
    const fromParams = Array.isArray(params.hostnames) ? params.hostnames.filter((h): h is string => typeof h === 'string') : [];
    const hostnames = [...new Set([...inventory.settings.hostnames, ...fromParams])];
    const subjects = hostnameSubjects(inventory);
    if (hostnames.length === 0) {
      return subjects.map((ref): CheckOutcome => ({
        status: 'not-applicable',
        messageId: 'noHostnames',
        data: { subject: ref.cert.subject },
        location: certLocation(ref),
        key: certKey(ref.cert),
      }));
    }
    const out: CheckOutcome[] = [];
    for (const ref of subjects) {
      const x = x509Of(ref.cert);
      for (const host of hostnames) {
        const ip = isIP(host) !== 0;
        const matched = ip ? x.checkIP(host) !== undefined : x.checkHost(host) !== undefined;
        const san = ref.cert.subjectAltName;
        out.push({
          status: matched ? 'pass' : 'fail',
          messageId: matched ? 'pass' : 'fail',
          data: {
            subject: ref.cert.subject,
            hostname: host,
            names: san ? [...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP:${i}`)].join(', ') || '(none)' : `(no subjectAltName; CN used)`,
          },
          location: certLocation(ref),
          evidence: certEvidence(ref.cert),
          key: `${certKey(ref.cert)}#${host.toLowerCase()}`,
        });
      }
    }
    return out;
  },
};
