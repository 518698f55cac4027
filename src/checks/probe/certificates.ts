import type { Check, CheckOutcome } from '../../engine/types.js';
import type { CertificateChainObservation, ProbeObservation } from '../../model/probe.js';
import { at, hasObservations, noTlsReason, notEvaluated, numberParam, observations } from './common.js';

/** Served certificates as seen live; the x509 rules judge files, these judge what the server sends. */
function chains(o: ProbeObservation): CertificateChainObservation[] {
  return o.tls?.certificates ?? [];
}

function perChain(inventoryObs: ProbeObservation[], key: string, judge: (o: ProbeObservation, c: CertificateChainObservation) => CheckOutcome): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  for (const o of inventoryObs) {
    const why = noTlsReason(o);
    if (why) { out.push(notEvaluated(o, key, why)); continue; }
    const cs = chains(o);
    if (cs.length === 0) { out.push(notEvaluated(o, key, 'no certificate could be captured')); continue; }
    for (const c of cs) out.push(judge(o, c));
  }
  return out;
}

const leafOf = (c: CertificateChainObservation) => c.chain[0]!;
const keyOf = (o: ProbeObservation, k: string, c: CertificateChainObservation) => `${o.endpoint}#${k}#${leafOf(c).fingerprint256}`;

export const certUntrusted: Check = {
  name: 'probe.certificate-untrusted',
  target: 'probe',
  description: 'The chain the server sends does not verify against the trust anchors (--ca-file or the system store).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perChain(observations(inventory), 'trust', (o, c) => ({
    status: c.trusted ? 'pass' : 'fail', messageId: c.trusted ? 'pass' : 'fail',
    data: { endpoint: o.endpoint, subject: leafOf(c).subject, issuer: leafOf(c).issuer, error: c.trustError ?? '' },
    location: at(o), evidence: `${c.source}: ${c.chain.map((x) => x.subject).join(' ← ')}${c.trustError ? ` (${c.trustError})` : ''}`,
    key: keyOf(o, 'trust', c),
  })),
};

export const certHostname: Check = {
  name: 'probe.certificate-hostname-mismatch',
  target: 'probe',
  description: 'The served leaf certificate does not cover the host name clients use (--hostname, else the target).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perChain(observations(inventory), 'hostname', (o, c) => ({
    status: c.hostnameMatches ? 'pass' : 'fail', messageId: c.hostnameMatches ? 'pass' : 'fail',
    data: { endpoint: o.endpoint, hostname: c.hostnameChecked, subject: leafOf(c).subject, san: leafOf(c).subjectAltName ?? 'none' },
    location: at(o), evidence: `leaf ${leafOf(c).subject}, SAN ${leafOf(c).subjectAltName ?? 'none'}; checked ${c.hostnameChecked}`,
    key: keyOf(o, 'hostname', c),
  })),
};

export const certValidity: Check = {
  name: 'probe.certificate-validity',
  target: 'probe',
  description: 'A served certificate is expired, not yet valid, or expires within the warning window.',
  paramsSchema: { type: 'object', properties: { days: { type: 'integer', minimum: 0 } }, additionalProperties: false },
  appliesTo: hasObservations,
  run: ({ inventory, params }) => {
    const now = inventory.settings.now.getTime();
    const days = numberParam(params, 'days', inventory.settings.expiryWarningDays);
    return perChain(observations(inventory), 'validity', (o, c) => {
      const leaf = leafOf(c);
      const end = Date.parse(leaf.notAfter);
      const start = Date.parse(leaf.notBefore);
      const left = Math.floor((end - now) / 86_400_000);
      const expired = end < now;
      const early = start > now;
      const soon = !expired && left < days;
      const id = expired ? 'expired' : early ? 'notYetValid' : soon ? 'expiringSoon' : 'pass';
      return {
        status: id === 'pass' ? 'pass' : 'fail', messageId: id, severity: soon ? 'medium' : undefined,
        data: { endpoint: o.endpoint, subject: leaf.subject, notAfter: leaf.notAfter, notBefore: leaf.notBefore, days: left },
        location: at(o), evidence: `${leaf.subject}: valid ${leaf.notBefore} … ${leaf.notAfter}`, key: keyOf(o, 'validity', c),
      };
    });
  },
};

export const certWeakKey: Check = {
  name: 'probe.certificate-weak-crypto',
  target: 'probe',
  description: 'A served certificate with an RSA key under 2048 bits, an EC key under 224 bits, or an MD5/SHA-1 signature.',
  appliesTo: hasObservations,
  run: ({ inventory }) => perChain(observations(inventory), 'weak-crypto', (o, c) => {
    const problems: string[] = [];
    c.chain.forEach((x, i) => {
      if (x.keyType === 'rsa' && (x.keyBits ?? 0) < 2048) problems.push(`certificate ${i} RSA ${x.keyBits} bits`);
      if (x.keyType === 'ec' && (x.keyBits ?? 0) < 224) problems.push(`certificate ${i} EC ${x.keyBits} bits`);
      if (!x.selfSigned && /md5|sha1With|with-SHA1/i.test(x.signatureAlgorithm ?? '')) problems.push(`certificate ${i} signed with ${x.signatureAlgorithm}`);
    });
    return {
      status: problems.length ? 'fail' : 'pass', messageId: problems.length ? 'fail' : 'pass',
      data: { endpoint: o.endpoint, subject: leafOf(c).subject, problems: problems.join('; ') }, location: at(o),
      evidence: c.chain.map((x) => `${x.subject}: ${x.keyType} ${x.keyBits ?? '?'} bits, ${x.signatureAlgorithm ?? '?'}`).join('\n'),
      key: keyOf(o, 'weak-crypto', c),
    };
  }),
};
