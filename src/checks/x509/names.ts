import { isIP } from 'node:net';
import type { Check, CheckOutcome } from '../../engine/types.js';
import type { X509Certificate } from 'node:crypto';
import type { CertificateEntry } from '../../model/x509.js';
import { certEvidence, certKey, certLocation, x509Of } from './common.js';
import { hostnameSubjects, serverCertificatesFor } from './served.js';

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

/**
 * Name matching is OpenSSL's (X509_check_host / X509_check_ip through node:crypto), so
 * that our verdict is the one clients built on OpenSSL reach. Building an OpenSSL object per
 * certificate is costly, so the cases whose answer is plain are decided here first:
 * an IPv4 literal is compared byte for byte with the iPAddress entries (X509_check_ip
 * consults nothing else); a host name equal (ASCII case-insensitive) to a candidate name
 * matches; when no candidate has a wildcard or could equal it, nothing matches. Candidates
 * are the DNS subjectAltNames, or the subject CNs when there is no DNS SAN (OpenSSL's rule).
 * Everything else (wildcards, trailing dots, IPv6, non-ASCII) goes to OpenSSL.
 */
function hostMatches(cert: CertificateEntry, host: string, openssl: () => X509Certificate): boolean {
  const ipVersion = isIP(host);
  if (ipVersion === 4) return (cert.subjectAltName?.ip ?? []).includes(host);
  const ask = (): boolean => {
    try {
      const x = openssl();
      return (ipVersion ? x.checkIP(host) : x.checkHost(host)) !== undefined;
    } catch {
      return false;
    }
  };
  if (ipVersion !== 0 || host.endsWith('.') || /[^\x20-\x7e]/.test(host)) return ask();
  const dns = cert.subjectAltName?.dns ?? [];
  const candidates = dns.length > 0 ? dns : cert.subjectCommonNames;
  const wanted = asciiLower(host);
  if (candidates.some((c) => asciiLower(c) === wanted)) return true;
  if (candidates.some((c) => c.includes('*') || c.endsWith('.') || /[^\x20-\x7e]/.test(c))) return ask();
  return false;
}

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
      for (const host of hostnames) {
        const matched = hostMatches(ref.cert, host, () => x509Of(ref.cert));
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
