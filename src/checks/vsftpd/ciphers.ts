import type { Check, CheckContext, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import type { EffectiveValue, VsftpdConfig } from '../../model/vsftpd.js';
import { expandCipherString, type CipherStringExpansion, type CipherStringFacts } from '../../tls/openssl-cipher-string.js';
import type { CipherSuite } from '../../tls/suites.js';
import { assumptionsFor, describeSource, evidenceOf, locationOf } from './describe.js';

/**
 * Judges ssl_ciphers by what OpenSSL 3 would really enable from it (src/tls expands the
 * string as SSL_CTX_set_cipher_list does, at the build's security level), not by the
 * words in it: "HIGH" still admits non-forward-secret suites, "ALL:@SECLEVEL=0" admits
 * anonymous ones, and a string of names this OpenSSL lacks stops vsftpd from starting.
 */
type Judgement =
  /** The string is refused: vsftpd dies with "SSL: could not set cipher list". */
  | 'rejected'
  /** These facts must all be false. */
  | 'forbid'
  /** Effective security level must be at least 1. */
  | 'seclevel'
  /** Every enabled suite must be on the NIST SP 800-52r2 list. */
  | 'nist'
  /** No protocol below TLS 1.2 may be negotiable. */
  | 'below-tls12';

interface CipherParams {
  judge: Judgement;
  forbid?: (keyof CipherStringFacts)[];
}

// One expansion per distinct string: a tree of thousands of configs repeats a handful.
const cache = new Map<string, CipherStringExpansion>();
function expand(s: string): CipherStringExpansion {
  let e = cache.get(s);
  if (!e) cache.set(s, (e = expandCipherString(s)));
  return e;
}

const FACT_SUITES: Partial<Record<keyof CipherStringFacts, (s: CipherSuite) => boolean>> = {
  admitsNull: (s) => s.weaknesses.includes('null-encryption'),
  admitsAnonymous: (s) => s.weaknesses.includes('anonymous'),
  admitsExport: (s) => s.weaknesses.includes('export'),
  admitsRc4: (s) => s.weaknesses.includes('rc4'),
  admitsDes: (s) => s.weaknesses.includes('des'),
  admits3des: (s) => s.weaknesses.includes('3des'),
  admitsMd5: (s) => s.weaknesses.includes('md5'),
  admitsNoForwardSecrecy: (s) => !s.forwardSecrecy,
};

const FACT_WORDS: Partial<Record<keyof CipherStringFacts, string>> = {
  admitsNull: 'NULL encryption',
  admitsAnonymous: 'anonymous (unauthenticated) key exchange',
  admitsExport: 'EXPORT-grade',
  admitsRc4: 'RC4',
  admitsDes: 'single DES',
  admits3des: '3DES',
  admitsMd5: 'MD5 MACs',
  admitsNoForwardSecrecy: 'no forward secrecy',
};

function names(suites: readonly CipherSuite[], max = 6): string {
  const list = suites.map((s) => s.openssl ?? s.iana);
  return list.length > max ? `${list.slice(0, max).join(', ')} and ${list.length - max} more` : list.join(', ');
}

// What follows from an expansion alone is worked out once per expansion (and parameter set),
// not once per file: a tree of thousands of configs shares a handful of cipher strings.
const levelWords = new WeakMap<CipherStringExpansion, string>();
function levelAssumption(e: CipherStringExpansion): string {
  let text = levelWords.get(e);
  if (text === undefined) {
    text = `${e.opensslBuild}, security level ${e.securityLevel}${e.securityLevelFromString ? ' (from the string)' : ' (build default)'}`;
    levelWords.set(e, text);
  }
  return text;
}

const forbidCache = new WeakMap<CipherStringExpansion, Map<string, { bad: number; what: string; suites: string }>>();
function forbidden(e: CipherStringExpansion, p: CipherParams): { bad: number; what: string; suites: string } {
  const key = (p.forbid ?? []).join(',');
  let byKey = forbidCache.get(e);
  if (!byKey) forbidCache.set(e, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) {
    const bad = (p.forbid ?? []).filter((f) => e.facts[f]);
    const suites = e.enabled.filter((s) => bad.some((f) => FACT_SUITES[f]?.(s)));
    out = { bad: bad.length, what: bad.map((f) => FACT_WORDS[f] ?? f).join(', '), suites: names(suites) };
    byKey.set(key, out);
  }
  return out;
}

const nistCache = new WeakMap<CipherStringExpansion, { count: number; suites: string }>();
function notNist(e: CipherStringExpansion): { count: number; suites: string } {
  let out = nistCache.get(e);
  if (!out) {
    const bad = e.enabled.filter((s) => !s.nistApproved);
    nistCache.set(e, (out = { count: bad.length, suites: names(bad) }));
  }
  return out;
}

const belowTls12Cache = new WeakMap<CipherStringExpansion, string>();
function belowTls12Names(e: CipherStringExpansion): string {
  let out = belowTls12Cache.get(e);
  if (out === undefined) belowTls12Cache.set(e, (out = names(e.enabled.filter((s) => s.usableBelowTls12))));
  return out;
}

/** Which of TLS 1.0 / 1.1 a client can negotiate, given the switches and the expansion. */
export function legacyProtocols(config: VsftpdConfig, e: CipherStringExpansion): string[] {
  if (!e.facts.usableBelowTls12) return [];
  const on = (o: string): boolean => config.effective(o)?.value === true;
  const out: string[] = [];
  if (on('ssl_tlsv1')) out.push('TLS 1.0');
  // Upstream and Debian have no TLS 1.1 switch: only the cipher list can keep it out.
  const tls11Switch = config.effective('ssl_tlsv1_1');
  if (tls11Switch ? tls11Switch.value === true : true) out.push('TLS 1.1');
  return out;
}

// The assumptions of a verdict depend on the expansion and on whether ssl_ciphers is the
// build default (one shared object per build): one array per pair, shared by every file.
const assumptionLists = new WeakMap<CipherStringExpansion, Map<EffectiveValue | undefined, string[]>>();
function assumptionsOf(ciphersEv: EffectiveValue, e: CipherStringExpansion): string[] {
  let byEv = assumptionLists.get(e);
  if (!byEv) assumptionLists.set(e, (byEv = new Map()));
  const shared = ciphersEv.source === 'default' ? ciphersEv : undefined;
  let list = byEv.get(shared);
  if (!list) byEv.set(shared, (list = Object.freeze([...assumptionsFor([ciphersEv]), levelAssumption(e)]) as unknown as string[]));
  return list;
}

const keys = new Map<string, string>();
function keyOf(judge: string): string {
  let key = keys.get(judge);
  if (key === undefined) keys.set(judge, (key = `ssl_ciphers:${judge}`));
  return key;
}

function judgeOne(config: VsftpdConfig, p: CipherParams, brief: CheckContext['brief']): CheckOutcome {
  const ssl = config.effective('ssl_enable');
  const ciphersEv = config.effective('ssl_ciphers') as EffectiveValue;
  const key = keyOf(p.judge);
  const location = locationOf(config, ciphersEv);
  if (ssl?.value !== true) return { key, location, status: 'not-applicable', messageId: 'notApplicable', data: { file: config.file } };
  const cipherString = typeof ciphersEv.value === 'string' ? ciphersEv.value : '';
  const e = expand(cipherString);
  const evidence = evidenceOf(ciphersEv);
  const assumptions = assumptionsOf(ciphersEv, e);
  // Built only when a message is worded (most verdicts on a large tree are passes no one reads).
  const data = (): Record<string, string | number | boolean> => ({ ciphers: cipherString, source: describeSource(ciphersEv), flavor: config.flavor, level: e.securityLevel, enabled: e.enabled.length });
  const verdict = (ok: boolean, extra?: () => Record<string, string | number | boolean>): CheckOutcome =>
    brief?.(ok ? 'pass' : 'fail') ?? {
    key,
    location,
    evidence,
    assumptions,
    status: ok ? 'pass' : 'fail',
    messageId: ok ? 'pass' : 'fail',
    lazyData: extra ? () => Object.assign(data(), extra()) : data,
  };
  if (e.status === 'unknown') {
    return { key, location, evidence, assumptions, status: 'not-evaluated', messageId: 'notEvaluated', data: { ...data(), reason: `ssl_ciphers "${cipherString}" cannot be expanded offline: ${e.reason ?? 'the system crypto policy decides'}` } };
  }
  if (p.judge === 'rejected') return verdict(e.status === 'ok', () => ({ reason: e.reason ?? e.status }));
  if (e.status !== 'ok') return { key, location, evidence, assumptions, status: 'not-applicable', messageId: 'notApplicable', data: { ...data(), file: config.file } };
  switch (p.judge) {
    case 'forbid': {
      const { bad, what, suites } = forbidden(e, p);
      return verdict(!bad, () => ({ what, suites }));
    }
    case 'seclevel':
      return verdict(e.securityLevel >= 1);
    case 'nist': {
      const { count, suites } = notNist(e);
      return verdict(!count, () => ({ suites, count }));
    }
    case 'below-tls12': {
      const legacy = legacyProtocols(config, e);
      return verdict(!legacy.length, () => ({ protocols: legacy.join(' and '), suites: belowTls12Names(e) }));
    }
  }
  return { key, location, evidence, assumptions, status: 'error', messageId: 'notEvaluated', data: { ...data(), reason: `unknown judgement ${String(p.judge)}` } };
}

export const ciphersCheck: Check = {
  name: 'vsftpd.ciphers',
  target: 'vsftpd',
  description: 'Expands ssl_ciphers as OpenSSL 3 does and judges what it admits.',
  messageIds: ['pass', 'fail'],
  paramsSchema: {
    type: 'object',
    required: ['judge'],
    additionalProperties: false,
    properties: {
      judge: { enum: ['rejected', 'forbid', 'seclevel', 'nist', 'below-tls12'] },
      forbid: { type: 'array', items: { enum: Object.keys(FACT_WORDS) } },
    },
  },
  appliesTo: (inv) => modelsOf(inv, 'vsftpd').length > 0,
  run: ({ inventory, params, brief }) => modelsOf(inventory, 'vsftpd').map((c) => judgeOne(c, params as unknown as CipherParams, brief)),
};
