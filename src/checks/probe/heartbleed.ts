import type { Check, CheckOutcome } from '../../engine/types.js';
import { at, hasObservations, noTlsReason, notEvaluated, observations } from './common.js';

export const heartbleed: Check = {
  name: 'probe.heartbleed',
  target: 'probe',
  description: 'CVE-2014-0160: an over-length heartbeat request is answered with server memory.',
  appliesTo: hasObservations,
  run: ({ inventory }) => observations(inventory).map((o): CheckOutcome => {
    const why = noTlsReason(o);
    if (why) return notEvaluated(o, 'heartbleed', why);
    const h = o.tls!.heartbleed;
    if (!h) return { status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#heartbleed` };
    if (h.verdict === 'inconclusive') return { ...notEvaluated(o, 'heartbleed', h.evidence) };
    const bad = h.verdict === 'vulnerable';
    return {
      status: bad ? 'fail' : 'pass', messageId: bad ? 'fail' : 'pass',
      data: { endpoint: o.endpoint, protocol: h.protocol, why: h.verdict === 'no-heartbeat' ? 'no heartbeat extension' : 'over-length request discarded' },
      location: at(o), evidence: `${h.protocol}: ${h.evidence}`, key: `${o.endpoint}#heartbleed`,
    };
  }),
};

export const ccsInjection: Check = {
  name: 'probe.ccs-injection',
  target: 'probe',
  description: 'CVE-2014-0224: an early ChangeCipherSpec is accepted and switches keys before the key exchange.',
  appliesTo: hasObservations,
  run: ({ inventory }) => observations(inventory).map((o): CheckOutcome => {
    const why = noTlsReason(o);
    if (why) return notEvaluated(o, 'ccs', why);
    const c = o.tls!.ccsInjection;
    if (!c) return { status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#ccs` };
    if (c.verdict === 'inconclusive') return notEvaluated(o, 'ccs', c.evidence);
    const bad = c.verdict === 'vulnerable';
    return {
      status: bad ? 'fail' : 'pass', messageId: bad ? 'fail' : 'pass',
      data: { endpoint: o.endpoint, protocol: c.protocol }, location: at(o), evidence: `${c.protocol}: ${c.evidence}`, key: `${o.endpoint}#ccs`,
    };
  }),
};
