import type {
  CertificateChainObservation, ProbeProtocol, ProtocolObservation, SuiteObservation, TlsObservation,
} from '../model/probe.js';
import { buildClientHello, buildSsl2ClientHello, type HelloSpec } from './client-hello.js';
import { observeChain } from './cert-observe.js';
import { Limiter } from './limiter.js';
import { exchangeHello, exchangeSsl2Hello, type HelloOutcome } from './server-flight.js';
import { ssl2KindName, ssl2Kinds, suiteFacts, suiteName, universe } from './suite-catalog.js';
import { fullHandshake, nodeVersionOf, peerChainDer, tryClientRenegotiation } from './tls-full.js';
import { isBusyText, openTlsReady, retryWhileBusy, SetupError, type Endpoint, type FtpsMode } from './transport.js';
import { groupName, OFFERED_GROUPS, OFFERED_GROUPS_TLS12 } from './groups.js';
import { checkHeartbleed } from './heartbleed.js';
import { checkCcsInjection } from './ccs-injection.js';

export interface TlsScanOptions {
  endpoint: Endpoint;
  mode: FtpsMode;
  sni?: string;
  /** Name the certificate must match (--hostname, else the target host). */
  hostname: string;
  caFile?: string;
  timeoutMs: number;
  /** Connections in flight per target. */
  parallel: number;
  /** Test client-initiated renegotiation with full handshakes (slower; on by default). */
  clientRenegotiation?: boolean;
}

type Outcome = HelloOutcome | { kind: 'setup-failed'; detail: string };

/** Every per-enumeration loop is bounded by the size of what is offered, plus this margin. */
const LOOP_MARGIN = 2;

export class HelloRunner {
  connections = 0;
  private readonly limiter: Limiter;
  constructor(private readonly opts: TlsScanOptions) {
    this.limiter = new Limiter(opts.parallel);
  }

  /** One hello on a fresh connection; a clear-text 421 (implicit port at its limit) is waited out. */
  hello(spec: Omit<HelloSpec, 'sni'>, readFlight: boolean): Promise<Outcome> {
    return retryWhileBusy(() => this.helloOnce(spec, readFlight), (o) => o.kind === 'clear-text' && isBusyText(o.text), 4 * this.opts.timeoutMs);
  }

  private helloOnce(spec: Omit<HelloSpec, 'sni'>, readFlight: boolean): Promise<Outcome> {
    return this.limiter.run(async () => {
      this.connections++;
      let conn;
      try {
        conn = await openTlsReady(this.opts.endpoint, this.opts.mode, this.opts.timeoutMs);
      } catch (err) {
        return { kind: 'setup-failed', detail: err instanceof SetupError ? err.message : String(err) };
      }
      try {
        return await exchangeHello(conn, buildClientHello({ ...spec, sni: this.opts.sni }), {
          deadline: Date.now() + this.opts.timeoutMs, readFlight, trailingGraceMs: 250,
        });
      } finally {
        conn.close();
      }
    });
  }

  ssl2(): Promise<Outcome> {
    return retryWhileBusy(() => this.ssl2Once(), (o) => o.kind === 'clear-text' && isBusyText(o.text), 4 * this.opts.timeoutMs);
  }

  private ssl2Once(): Promise<Outcome> {
    return this.limiter.run(async () => {
      this.connections++;
      let conn;
      try {
        conn = await openTlsReady(this.opts.endpoint, this.opts.mode, this.opts.timeoutMs);
      } catch (err) {
        return { kind: 'setup-failed', detail: err instanceof SetupError ? err.message : String(err) };
      }
      try {
        return await exchangeSsl2Hello(conn, buildSsl2ClientHello(ssl2Kinds()), {
          deadline: Date.now() + this.opts.timeoutMs, readFlight: false, trailingGraceMs: 250,
        });
      } finally {
        conn.close();
      }
    });
  }
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'server-hello':
      return `${o.helloRetry ? 'HelloRetryRequest' : 'ServerHello'} ${o.protocol ?? `0x${o.wireVersion.toString(16)}`} ${suiteName(o.suite)}`;
    case 'ssl2-server-hello':
      return `SSLv2 SERVER-HELLO with ${o.cipherKinds.length} cipher kinds`;
    case 'alert':
      return `alert ${o.name} (${o.level === 2 ? 'fatal' : 'warning'})`;
    case 'clear-text':
      return `clear text instead of TLS`;
    case 'closed':
      return o.reset ? 'connection reset' : 'connection closed without an answer';
    case 'timeout':
      return 'no answer within the timeout';
    case 'garbage':
      return `not a TLS answer (${o.head})`;
    case 'flood':
      return `oversized answer (${o.detail})`;
    case 'setup-failed':
      return `could not reach the TLS layer: ${o.detail}`;
  }
}

function trailingOf(o: Outcome): string | undefined {
  if (o.kind === 'alert' || o.kind === 'closed' || o.kind === 'timeout') return o.trailingText || undefined;
  if (o.kind === 'clear-text') return o.text;
  return undefined;
}

const GROUP_PARAMS_IN_SKE = new Set(['ECDHE', 'ECDH_anon', 'ECDHE_PSK']);

function isRefusal(o: Outcome, protocol: ProbeProtocol): boolean {
  if (o.kind === 'alert' || o.kind === 'clear-text') return true;
  if (o.kind === 'closed') return !o.reset;
  if (o.kind === 'server-hello') return o.protocol !== protocol;
  return false;
}

/**
 * Alerts that mean "nothing you offered is acceptable" for the whole offer. Any other alert
 * (internal_error, illegal_parameter, …) may come from one suite the server picks but cannot
 * serve (e.g. DHE without parameters): then the offer is split in halves and each half is
 * enumerated on its own, so one broken suite cannot hide the others.
 */
const WHOLE_OFFER_REFUSED = new Set([40, 70, 71, 86]);
/** Extra hellos the halving may spend per protocol. */
const SPLIT_BUDGET = 64;

interface Enumeration {
  suites: SuiteObservation[];
  first: Outcome | null;
  /** The first ServerHello for this protocol: the evidence of acceptance. */
  firstAccepted: Outcome | null;
  last: Outcome | null;
  secureRenegotiation: boolean | null;
  certs: Buffer[];
  incomplete?: string;
  budget: number;
}

async function enumerateSet(run: HelloRunner, protocol: Exclude<ProbeProtocol, 'SSLv2'>, offer: number[], e: Enumeration): Promise<void> {
  let remaining = offer;
  const bound = remaining.length + LOOP_MARGIN;
  for (let i = 0; i < bound && remaining.length > 0; i++) {
    const groups = protocol === 'TLSv1.3' ? OFFERED_GROUPS : OFFERED_GROUPS_TLS12;
    const o = await run.hello({ protocol, suites: remaining, groups, x25519Share: true, secureRenegotiation: true }, protocol !== 'TLSv1.3');
    if (!e.first) e.first = o;
    e.last = o;
    if (o.kind === 'alert' && !WHOLE_OFFER_REFUSED.has(o.description) && remaining.length > 1 && e.budget >= 2) {
      e.budget -= 2;
      const half = Math.ceil(remaining.length / 2);
      await enumerateSet(run, protocol, remaining.slice(0, half), e);
      await enumerateSet(run, protocol, remaining.slice(half), e);
      return;
    }
    if (o.kind === 'alert' && !WHOLE_OFFER_REFUSED.has(o.description) && remaining.length > 1) {
      e.incomplete ??= `enumeration stopped: ${describeOutcome(o)} with ${remaining.length} suites left untested (split budget spent)`;
      return;
    }
    if (o.kind !== 'server-hello' || o.protocol !== protocol) return;
    if (!remaining.includes(o.suite)) {
      e.incomplete ??= `server chose ${suiteName(o.suite)}, which was not offered`;
      return;
    }
    if (e.secureRenegotiation === null && protocol !== 'TLSv1.3') e.secureRenegotiation = o.secureRenegotiation;
    if (e.certs.length === 0 && o.certificates.length) e.certs = o.certificates;
    const s: SuiteObservation = { code: o.suite, name: suiteName(o.suite) };
    if (o.keyExchange?.kind === 'dhe') s.dhBits = o.keyExchange.primeBits;
    if (o.keyExchange?.kind === 'ecdhe') s.ecdheGroup = groupName(o.keyExchange.group);
    e.suites.push(s);
    e.firstAccepted ??= o;
    remaining = remaining.filter((c) => c !== o.suite);
  }
}

/** Enumerate one protocol: offer every suite left, remove the one chosen, repeat. */
async function enumerateProtocol(run: HelloRunner, protocol: Exclude<ProbeProtocol, 'SSLv2'>): Promise<{ obs: ProtocolObservation; certs: Buffer[] }> {
  const e: Enumeration = { suites: [], first: null, firstAccepted: null, last: null, secureRenegotiation: null, certs: [], budget: SPLIT_BUDGET };
  await enumerateSet(run, protocol, universe(protocol), e);
  const { suites, last, secureRenegotiation, certs } = e;
  const first = e.firstAccepted ?? e.first;
  let incomplete = e.incomplete;
  const accepted = suites.length > 0;
  const evidence = { answer: first ? describeOutcome(first) : 'not tried', trailingText: first ? trailingOf(first) : undefined };
  // Only an alert, clear text, a plain close or a lower-version ServerHello is a refusal;
  // a timeout, reset, garbage or an unreachable port ends the enumeration without a verdict.
  if (!incomplete && last && !isRefusal(last, protocol)) incomplete = `enumeration stopped on: ${describeOutcome(last)}`;
  if (first?.kind === 'server-hello' && first.protocol !== protocol) evidence.answer += ` (server answered with another version: ${protocol} refused)`;

  let serverPreference: boolean | null = null;
  if (suites.length >= 2) {
    const reversed = suites.map((s) => s.code).reverse();
    const o = await run.hello({ protocol, suites: reversed, groups: OFFERED_GROUPS, x25519Share: true, secureRenegotiation: true }, false);
    if (o.kind === 'server-hello') serverPreference = o.suite === suites[0]!.code;
  }
  let compression: boolean | null = null;
  if (accepted && protocol !== 'TLSv1.3') {
    const o = await run.hello({ protocol, suites: suites.map((s) => s.code), groups: OFFERED_GROUPS, compression: [1, 0], secureRenegotiation: true }, false);
    if (o.kind === 'server-hello') compression = o.compression === 1;
  }
  return {
    obs: { protocol, accepted, evidence, suites, serverPreference, secureRenegotiation, compression, ...(incomplete ? { incomplete } : {}) },
    certs,
  };
}

async function enumerateSsl2(run: HelloRunner): Promise<{ obs: ProtocolObservation; cert?: Buffer }> {
  const o = await run.ssl2();
  const accepted = o.kind === 'ssl2-server-hello';
  return {
    obs: {
      protocol: 'SSLv2',
      accepted,
      evidence: { answer: describeOutcome(o), trailingText: trailingOf(o) },
      suites: accepted ? o.cipherKinds.map((k) => ({ code: k, name: ssl2KindName(k) })) : [],
      serverPreference: null,
      secureRenegotiation: null,
      compression: null,
      ...(!accepted && !isRefusal(o, 'SSLv2') ? { incomplete: `no verdict: ${describeOutcome(o)}` } : {}),
    },
    cert: accepted ? o.certificate : undefined,
  };
}

/** TLS 1.3: an empty key_share makes the server name its group in a HelloRetryRequest. */
async function enumerateGroups13(run: HelloRunner, suites: number[]): Promise<string[]> {
  let remaining = [...OFFERED_GROUPS];
  const found: string[] = [];
  for (let i = 0; i < OFFERED_GROUPS.length + LOOP_MARGIN && remaining.length; i++) {
    const o = await run.hello({ protocol: 'TLSv1.3', suites, groups: remaining, x25519Share: false }, false);
    if (o.kind !== 'server-hello' || o.group === undefined || !remaining.includes(o.group)) break;
    found.push(groupName(o.group));
    remaining = remaining.filter((g) => g !== o.group);
  }
  return found;
}

/** TLS ≤ 1.2: the named curve in ServerKeyExchange of an ECDHE suite. */
async function enumerateGroups12(run: HelloRunner, protocol: Exclude<ProbeProtocol, 'SSLv2'>, ecdheSuites: number[]): Promise<string[]> {
  let remaining = [...OFFERED_GROUPS];
  const found: string[] = [];
  for (let i = 0; i < OFFERED_GROUPS.length + LOOP_MARGIN && remaining.length; i++) {
    const o = await run.hello({ protocol, suites: ecdheSuites, groups: remaining, secureRenegotiation: true }, true);
    if (o.kind !== 'server-hello' || o.keyExchange?.kind !== 'ecdhe' || !remaining.includes(o.keyExchange.group)) break;
    const g = o.keyExchange.group;
    found.push(groupName(g));
    remaining = remaining.filter((x) => x !== g);
  }
  return found;
}

const ORDER: ProbeProtocol[] = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** OpenSSL-style error strings (vsftpd's "500 OOPS: error:0A0000C1:SSL routines::no shared cipher"). */
export function leakedErrorStrings(texts: (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    if (!t) continue;
    for (const line of t.split(/\\r\\n|\\n|\r?\n/)) {
      if (/error:[0-9A-Fa-f]{8}:|SSL routines|OOPS:/.test(line)) out.add(line.trim().slice(0, 300));
    }
  }
  return [...out];
}

export async function scanTls(opts: TlsScanOptions): Promise<TlsObservation> {
  const run = new HelloRunner(opts);
  const tlsProtocols = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
  const [ssl2, ...rest] = await Promise.all([enumerateSsl2(run), ...tlsProtocols.map((p) => enumerateProtocol(run, p))]);
  const protocols = [ssl2.obs, ...rest.map((r) => r.obs)];
  const accepted = protocols.filter((p) => p.accepted).sort((a, b) => ORDER.indexOf(a.protocol) - ORDER.indexOf(b.protocol));

  const tasks: Promise<void>[] = [];
  // Groups
  let groups: string[] = [];
  let groupsSource: TlsObservation['groupsSource'] = 'none';
  const p13 = protocols.find((p) => p.protocol === 'TLSv1.3' && p.accepted);
  const p12 = [...accepted].reverse().find((p) => p.protocol !== 'TLSv1.3' && p.protocol !== 'SSLv2' && p.suites.some((s) => GROUP_PARAMS_IN_SKE.has(suiteFacts(s.code)?.kx ?? '')));
  if (p13) {
    tasks.push(enumerateGroups13(run, p13.suites.map((s) => s.code)).then((g) => { groups = g; groupsSource = 'tls1.3-hrr'; }));
  } else if (p12) {
    const ecdhe = p12.suites.filter((s) => GROUP_PARAMS_IN_SKE.has(suiteFacts(s.code)?.kx ?? '')).map((s) => s.code);
    tasks.push(enumerateGroups12(run, p12.protocol as Exclude<ProbeProtocol, 'SSLv2'>, ecdhe).then((g) => { groups = g; groupsSource = 'tls1.2-ske'; }));
  }
  // TLS_FALLBACK_SCSV: a hello for the second-highest version must be refused with inappropriate_fallback.
  let fallbackScsv: TlsObservation['fallbackScsv'] = 'not-applicable';
  let fallbackEvidence: string | undefined;
  const tlsAccepted = accepted.filter((p) => p.protocol !== 'SSLv2');
  if (tlsAccepted.length >= 2) {
    const lower = tlsAccepted[tlsAccepted.length - 2]!;
    tasks.push(run.hello({ protocol: lower.protocol as Exclude<ProbeProtocol, 'SSLv2'>, suites: lower.suites.map((s) => s.code), groups: OFFERED_GROUPS, fallbackScsv: true, secureRenegotiation: true }, false).then((o) => {
      fallbackEvidence = `${lower.protocol} hello with TLS_FALLBACK_SCSV → ${describeOutcome(o)}`;
      if (o.kind === 'alert' && o.description === 86) fallbackScsv = 'enforced';
      else if (o.kind === 'server-hello') fallbackScsv = 'not-enforced';
      else fallbackEvidence += ' (inconclusive)';
    }));
  }
  // Certificates: every distinct chain seen in clear text; TLS 1.3-only servers through tls.connect.
  const certificates: CertificateChainObservation[] = [];
  const seen = new Set<string>();
  const addChain = (ders: Buffer[], source: string): void => {
    const c = observeChain(ders, source, opts.hostname, opts.caFile);
    if (c && !seen.has(c.chain[0]!.fingerprint256)) {
      seen.add(c.chain[0]!.fingerprint256);
      certificates.push(c);
    }
  };
  rest.forEach((r, i) => { if (r.certs.length) addChain(r.certs, `${tlsProtocols[i]} clear-text Certificate message`); });
  if (ssl2.cert) addChain([ssl2.cert], 'SSLv2 SERVER-HELLO');
  if (p13) {
    tasks.push((async () => {
      run.connections++;
      try {
        const s = await fullHandshake(opts.endpoint, opts.mode, { servername: opts.sni, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', timeoutMs: opts.timeoutMs });
        try { addChain(peerChainDer(s), 'TLSv1.3 handshake (tls.connect)'); } finally { s.destroy(); }
      } catch { /* recorded as absent chain; the TLS 1.3 acceptance itself is already proven */ }
    })());
  }
  // Client-initiated renegotiation per protocol Node can speak (TLS 1.0–1.2).
  const clientRenegotiation: TlsObservation['clientRenegotiation'] = [];
  if (opts.clientRenegotiation !== false) {
    for (const p of accepted) {
      const v = nodeVersionOf(p.protocol);
      if (!v || v === 'TLSv1.3') continue;
      tasks.push((async () => {
        run.connections++;
        const r = await tryClientRenegotiation(opts.endpoint, opts.mode, v, { servername: opts.sni, timeoutMs: opts.timeoutMs });
        clientRenegotiation.push({ protocol: p.protocol, ...r });
      })());
    }
  }
  // Heartbleed on the highest protocol from TLS 1.0 to 1.2 (heartbeats travel in the clear there).
  let heartbleed: TlsObservation['heartbleed'];
  const hbProto = [...accepted].reverse().find((p) => p.protocol === 'TLSv1.2' || p.protocol === 'TLSv1.1' || p.protocol === 'TLSv1.0');
  if (hbProto) {
    tasks.push((async () => {
      run.connections++;
      const r = await checkHeartbleed(opts.endpoint, opts.mode, hbProto.protocol as 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2', hbProto.suites.map((s) => s.code), opts.sni, opts.timeoutMs);
      heartbleed = { protocol: hbProto.protocol, ...r };
    })());
  }
  let ccsInjection: TlsObservation['ccsInjection'];
  const ccsProto = [...accepted].reverse().find((p) => p.protocol !== 'TLSv1.3' && p.protocol !== 'SSLv2');
  if (ccsProto) {
    tasks.push((async () => {
      run.connections++;
      const r = await checkCcsInjection(opts.endpoint, opts.mode, ccsProto.protocol as 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2', ccsProto.suites.map((s) => s.code), opts.sni, opts.timeoutMs);
      ccsInjection = { protocol: ccsProto.protocol, ...r };
    })());
  }
  await Promise.all(tasks);
  clientRenegotiation.sort((a, b) => ORDER.indexOf(a.protocol) - ORDER.indexOf(b.protocol));
  return {
    protocols,
    groups,
    groupsSource,
    fallbackScsv,
    fallbackEvidence,
    clientRenegotiation,
    certificates,
    ...(heartbleed ? { heartbleed } : {}),
    ...(ccsInjection ? { ccsInjection } : {}),
    leakedErrors: leakedErrorStrings(protocols.map((p) => p.evidence.trailingText)),
    connections: run.connections,
  };
}
