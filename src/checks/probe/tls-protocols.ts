import type { Check, CheckOutcome } from '../../engine/types.js';
import type { ProbeObservation } from '../../model/probe.js';
import { at, hasObservations, noTlsReason, notEvaluated, observations, stringList } from './common.js';

function evidenceOf(o: ProbeObservation, protocol: string): string {
  const p = o.tls?.protocols.find((x) => x.protocol === protocol);
  if (!p) return '';
  return `${protocol} ClientHello → ${p.evidence.answer}${p.evidence.trailingText ? `\nthen in clear: ${p.evidence.trailingText}` : ''}`;
}

/** Legacy protocol versions accepted (one result per endpoint and forbidden version). */
export const legacyProtocolAccepted: Check = {
  name: 'probe.legacy-protocol-accepted',
  target: 'probe',
  description: 'The server completes a hello for a protocol version the pack forbids (default SSLv2, SSLv3, TLS 1.0, TLS 1.1).',
  paramsSchema: { type: 'object', properties: { forbidden: { type: 'array', items: { enum: ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2'] } } }, additionalProperties: false },
  appliesTo: hasObservations,
  run: ({ inventory, params }) => {
    const forbidden = stringList(params, 'forbidden', ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1']);
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) {
        out.push(notEvaluated(o, 'protocols', why));
        continue;
      }
      for (const v of forbidden) {
        const p = o.tls!.protocols.find((x) => x.protocol === v);
        if (!p) continue;
        if (!p.accepted && p.incomplete) {
          out.push(notEvaluated(o, v, `${v}: ${p.incomplete}`));
          continue;
        }
        out.push({
          status: p.accepted ? 'fail' : 'pass',
          messageId: p.accepted ? 'fail' : 'pass',
          data: { endpoint: o.endpoint, protocol: v, suites: p.suites.length },
          location: at(o),
          evidence: evidenceOf(o, v),
          key: `${o.endpoint}#${v}`,
        });
      }
    }
    return out;
  },
};

/** A required protocol version is not offered (TLS 1.2 per NIST §3.1; TLS 1.3 by 2024). */
export const protocolMissing: Check = {
  name: 'probe.protocol-missing',
  target: 'probe',
  description: 'The server does not negotiate a protocol version the pack requires (default TLS 1.2).',
  paramsSchema: { type: 'object', properties: { required: { enum: ['TLSv1.2', 'TLSv1.3'] } }, additionalProperties: false },
  appliesTo: hasObservations,
  run: ({ inventory, params }) => {
    const required = typeof params.required === 'string' ? params.required : 'TLSv1.2';
    return observations(inventory).map((o): CheckOutcome => {
      const why = noTlsReason(o);
      if (why) return notEvaluated(o, required, why);
      const p = o.tls!.protocols.find((x) => x.protocol === required);
      if (p && !p.accepted && p.incomplete) return notEvaluated(o, required, `${required}: ${p.incomplete}`);
      const ok = Boolean(p?.accepted);
      return {
        status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail',
        data: { endpoint: o.endpoint, protocol: required, accepted: o.tls!.protocols.filter((x) => x.accepted).map((x) => x.protocol).join(', ') || 'none' },
        location: at(o), evidence: evidenceOf(o, required), key: `${o.endpoint}#${required}`,
      };
    });
  },
};

export const fallbackScsv: Check = {
  name: 'probe.fallback-scsv',
  target: 'probe',
  description: 'A hello below the highest version with TLS_FALLBACK_SCSV must be refused with inappropriate_fallback (RFC 7507).',
  appliesTo: hasObservations,
  run: ({ inventory }) => observations(inventory).map((o): CheckOutcome => {
    const why = noTlsReason(o);
    if (why) return notEvaluated(o, 'fallback', why);
    const f = o.tls!.fallbackScsv;
    if (f === 'not-applicable') return { status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#fallback` };
    return {
      status: f === 'enforced' ? 'pass' : 'fail', messageId: f === 'enforced' ? 'pass' : 'fail',
      data: { endpoint: o.endpoint }, location: at(o), evidence: o.tls!.fallbackEvidence, key: `${o.endpoint}#fallback`,
    };
  }),
};

export const compression: Check = {
  name: 'probe.tls-compression',
  target: 'probe',
  description: 'The server chooses DEFLATE when offered (CRIME).',
  appliesTo: hasObservations,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'compression', why)); continue; }
      const tested = o.tls!.protocols.filter((p) => p.compression !== null);
      if (tested.length === 0) { out.push({ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#compression` }); continue; }
      const bad = tested.filter((p) => p.compression);
      out.push({
        status: bad.length ? 'fail' : 'pass', messageId: bad.length ? 'fail' : 'pass',
        data: { endpoint: o.endpoint, protocols: (bad.length ? bad : tested).map((p) => p.protocol).join(', ') },
        location: at(o),
        evidence: tested.map((p) => `${p.protocol}: hello offering DEFLATE,null → ${p.compression ? 'DEFLATE chosen' : 'null chosen'}`).join('\n'),
        key: `${o.endpoint}#compression`,
      });
    }
    return out;
  },
};

export const secureRenegotiation: Check = {
  name: 'probe.secure-renegotiation',
  target: 'probe',
  description: 'Every accepted protocol below TLS 1.3 answers renegotiation_info (RFC 5746), checked per protocol.',
  appliesTo: hasObservations,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'renegotiation', why)); continue; }
      const ps = o.tls!.protocols.filter((p) => p.accepted && p.secureRenegotiation !== null);
      if (ps.length === 0) { out.push({ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#renegotiation` }); continue; }
      for (const p of ps) {
        out.push({
          status: p.secureRenegotiation ? 'pass' : 'fail', messageId: p.secureRenegotiation ? 'pass' : 'fail',
          data: { endpoint: o.endpoint, protocol: p.protocol }, location: at(o),
          evidence: `${p.protocol} ServerHello ${p.secureRenegotiation ? 'carries' : 'lacks'} renegotiation_info`,
          key: `${o.endpoint}#renegotiation#${p.protocol}`,
        });
      }
    }
    return out;
  },
};

export const clientRenegotiation: Check = {
  name: 'probe.client-renegotiation',
  target: 'probe',
  description: 'The server lets a client start a renegotiation on an established session (a DoS amplifier).',
  appliesTo: (inv) => observations(inv).some((o) => (o.tls?.clientRenegotiation.length ?? 0) > 0),
  run: ({ inventory }) => observations(inventory).flatMap((o) => (o.tls?.clientRenegotiation ?? []).map((r): CheckOutcome => ({
    status: r.allowed ? 'fail' : 'pass', messageId: r.allowed ? 'fail' : 'pass',
    data: { endpoint: o.endpoint, protocol: r.protocol }, location: at(o),
    evidence: `${r.protocol}: client renegotiation → ${r.detail}`, key: `${o.endpoint}#client-renegotiation#${r.protocol}`,
  }))),
};

export const tlsErrorsLeaked: Check = {
  name: 'probe.tls-errors-leaked',
  target: 'probe',
  description: 'After refusing a handshake the server writes its TLS library error strings in clear text.',
  appliesTo: hasObservations,
  run: ({ inventory }) => observations(inventory).map((o): CheckOutcome => {
    const why = noTlsReason(o);
    if (why) return notEvaluated(o, 'errors', why);
    const leaked = o.tls!.leakedErrors;
    return {
      status: leaked.length ? 'fail' : 'pass', messageId: leaked.length ? 'fail' : 'pass',
      data: { endpoint: o.endpoint, count: leaked.length, first: leaked[0] ?? '' }, location: at(o),
      evidence: leaked.join('\n') || 'no clear text after refused handshakes', key: `${o.endpoint}#errors`,
    };
  }),
};
