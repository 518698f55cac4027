import type { Check, CheckOutcome } from '../../engine/types.js';
import type { ProtocolObservation, SuiteObservation } from '../../model/probe.js';
import { suiteByCode, sslv2CipherKindByCode, type Weakness } from '../../tls/suites.js';
import { groupByName } from '../../tls/groups.js';
import { at, hasObservations, noTlsReason, notEvaluated, numberParam, observations, stringList } from './common.js';

const DEFAULT_WEAK: Weakness[] = ['null-encryption', 'anonymous', 'export', 'rc4', 'rc2', 'des', '3des', 'idea', 'low-bits', 'md5'];

/** Weaknesses of an accepted suite; SSLv2 kinds are judged by their own facts. */
export function weaknessesOf(p: ProtocolObservation, s: SuiteObservation): string[] {
  if (p.protocol === 'SSLv2') {
    const k = sslv2CipherKindByCode(s.code);
    if (!k) return ['unknown'];
    const w: string[] = ['md5'];
    if (k.export) w.push('export');
    if (k.enc === 'RC4') w.push('rc4');
    if (k.enc === 'RC2') w.push('rc2');
    if (k.enc === 'DES') w.push('des');
    if (k.enc === '3DES') w.push('3des');
    if (k.enc === 'IDEA') w.push('idea');
    if (k.enc === 'NULL') w.push('null-encryption');
    return w;
  }
  return [...(suiteByCode(s.code)?.weaknesses ?? ['unknown'])];
}


/** One result per endpoint: fail listing every accepted suite with a forbidden weakness. */
export const weakSuites: Check = {
  name: 'probe.weak-cipher-suites',
  target: 'probe',
  description: 'Accepted cipher suites with forbidden weaknesses (NULL, anonymous, EXPORT, RC4, DES, 3DES, …), per protocol.',
  paramsSchema: { type: 'object', properties: { weaknesses: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
  appliesTo: hasObservations,
  run: ({ inventory, params }) => {
    const forbidden = new Set(stringList(params, 'weaknesses', DEFAULT_WEAK));
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'weak-suites', why)); continue; }
      for (const p of o.tls!.protocols.filter((x) => x.accepted)) {
        const bad = p.suites.map((s) => ({ s, w: weaknessesOf(p, s).filter((w) => forbidden.has(w)) })).filter((x) => x.w.length > 0);
        out.push({
          status: bad.length ? 'fail' : 'pass', messageId: bad.length ? 'fail' : 'pass',
          data: { endpoint: o.endpoint, protocol: p.protocol, count: bad.length, total: p.suites.length, suites: bad.map((b) => b.s.name).join(', ') },
          location: at(o),
          evidence: bad.length ? bad.map((b) => `${p.protocol} ${b.s.name}: ${b.w.join(', ')}`).join('\n') : `${p.protocol}: ${p.suites.map((s) => s.name).join(', ')}`,
          key: `${o.endpoint}#weak-suites#${p.protocol}`,
        });
      }
    }
    return out;
  },
};

/** NIST SP 800-52r2 §3.3.1: only the listed suites for TLS 1.2 / 1.3. */
export const nistSuites: Check = {
  name: 'probe.suites-not-nist-approved',
  target: 'probe',
  description: 'Accepted TLS 1.0–1.3 suites that are not on the NIST SP 800-52r2 §3.3.1 lists.',
  appliesTo: hasObservations,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'nist-suites', why)); continue; }
      for (const p of o.tls!.protocols.filter((x) => x.accepted && x.protocol !== 'SSLv2' && x.protocol !== 'SSLv3')) {
        const bad = p.suites.filter((s) => !suiteByCode(s.code)?.nistApproved);
        out.push({
          status: bad.length ? 'fail' : 'pass', messageId: bad.length ? 'fail' : 'pass',
          data: { endpoint: o.endpoint, protocol: p.protocol, count: bad.length, suites: bad.map((s) => s.name).join(', ') },
          location: at(o),
          evidence: `${p.protocol} accepted: ${p.suites.map((s) => s.name).join(', ')}`,
          key: `${o.endpoint}#nist-suites#${p.protocol}`,
        });
      }
    }
    return out;
  },
};

export const noForwardSecrecy: Check = {
  name: 'probe.no-forward-secrecy',
  target: 'probe',
  description: 'Accepted suites without an ephemeral key exchange (RSA key transport, static DH/ECDH).',
  appliesTo: hasObservations,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'forward-secrecy', why)); continue; }
      const bad = o.tls!.protocols.filter((p) => p.accepted && p.protocol !== 'SSLv2').flatMap((p) => p.suites.filter((s) => suiteByCode(s.code)?.forwardSecrecy === false).map((s) => `${p.protocol} ${s.name}`));
      out.push({
        status: bad.length ? 'fail' : 'pass', messageId: bad.length ? 'fail' : 'pass',
        data: { endpoint: o.endpoint, count: bad.length }, location: at(o),
        evidence: bad.join('\n') || 'every accepted suite uses (EC)DHE or TLS 1.3', key: `${o.endpoint}#forward-secrecy`,
      });
    }
    return out;
  },
};

export const weakDh: Check = {
  name: 'probe.weak-dh-parameters',
  target: 'probe',
  description: 'DHE key exchange with a prime shorter than minBits (LOGJAM; PCI/NIST need 2048).',
  paramsSchema: { type: 'object', properties: { minBits: { type: 'integer', minimum: 512 } }, additionalProperties: false },
  appliesTo: hasObservations,
  run: ({ inventory, params }) => {
    const min = numberParam(params, 'minBits', 2048);
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'dh', why)); continue; }
      const dhe = o.tls!.protocols.flatMap((p) => p.suites.filter((s) => s.dhBits !== undefined).map((s) => ({ p: p.protocol, s })));
      if (dhe.length === 0) { out.push({ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#dh` }); continue; }
      const smallest = Math.min(...dhe.map((x) => x.s.dhBits!));
      out.push({
        status: smallest < min ? 'fail' : 'pass', messageId: smallest < min ? 'fail' : 'pass',
        data: { endpoint: o.endpoint, bits: smallest, min }, location: at(o),
        evidence: dhe.map((x) => `${x.p} ${x.s.name}: ServerKeyExchange prime ${x.s.dhBits} bits`).join('\n'), key: `${o.endpoint}#dh`,
      });
    }
    return out;
  },
};

/** Key-exchange groups under 112-bit strength or deprecated for TLS (RFC 8422 binary and small curves). */
export const weakGroups: Check = {
  name: 'probe.weak-key-exchange-groups',
  target: 'probe',
  description: 'The server agrees to (EC)DHE groups below 112-bit security or deprecated for TLS.',
  appliesTo: hasObservations,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const o of observations(inventory)) {
      const why = noTlsReason(o);
      if (why) { out.push(notEvaluated(o, 'groups', why)); continue; }
      const names = new Set([...o.tls!.groups, ...o.tls!.protocols.flatMap((p) => p.suites.map((s) => s.ecdheGroup).filter((g): g is string => Boolean(g)))]);
      if (names.size === 0) { out.push({ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#groups` }); continue; }
      const bad = [...names].filter((n) => { const g = groupByName(n); return g !== undefined && (g.deprecated || (g.securityBits > 0 && g.securityBits < 112)); });
      out.push({
        status: bad.length ? 'fail' : 'pass', messageId: bad.length ? 'fail' : 'pass',
        data: { endpoint: o.endpoint, groups: [...names].join(', '), weak: bad.join(', ') }, location: at(o),
        evidence: `groups chosen by the server (${o.tls!.groupsSource}): ${[...names].join(', ')}`, key: `${o.endpoint}#groups`,
      });
    }
    return out;
  },
};
