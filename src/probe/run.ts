import net from 'node:net';
import type { FtpsModeName, ProbeObservation, Reachability } from '../model/probe.js';
import { buildClientHello } from './client-hello.js';
import { checkFtp } from './ftp-checks.js';
import { OFFERED_GROUPS } from './groups.js';
import { Limiter } from './limiter.js';
import { universe } from './suite-catalog.js';
import { endpointUrl, type ProbeTarget } from './targets.js';
import { scanTls } from './tls-scan.js';
import { firstContact, openTlsReady, retryWhileBusy, SetupError, type FtpsMode } from './transport.js';

export interface ProbeOptions {
  mode: FtpsModeName | 'auto';
  /** Per read / connect bound (ms). */
  timeoutMs: number;
  /** Targets probed at once. */
  concurrency: number;
  /** Connections per target at once (TLS enumeration). */
  connectionsPerTarget?: number;
  sni?: string;
  /** Certificate name to check (default: --sni, else the target host). */
  hostname?: string;
  caFile?: string;
  user?: string;
  /** The password itself (read from the environment by the command); never stored in observations. */
  password?: string;
  /** Skip client-initiated renegotiation tests (each needs full handshakes). */
  skipClientRenegotiation?: boolean;
}

/** A target's whole probe may take at most this many times --timeout. */
export const OVERALL_TIMEOUT_FACTOR = 12;

export type ProgressFn = (done: number, total: number, last: ProbeObservation) => void;

/** Probe every target with bounded concurrency; the order of the result follows the input. */
export async function probeTargets(targets: ProbeTarget[], opts: ProbeOptions, onProgress?: ProgressFn): Promise<ProbeObservation[]> {
  const limiter = new Limiter(Math.max(1, opts.concurrency));
  let done = 0;
  return Promise.all(targets.map((t) => limiter.run(async () => {
    const o = await probeEndpoint(t, opts);
    done++;
    onProgress?.(done, targets.length, o);
    return o;
  })));
}

const REACH: Record<string, Reachability> = {
  refused: 'refused', unresolvable: 'unresolvable', timeout: 'timeout', unreachable: 'unreachable', reset: 'closed', error: 'error',
};

/** Probe one host:port. Never throws: every failure is an observation with a reason. */
export async function probeEndpoint(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeObservation> {
  const started = Date.now();
  const obs: ProbeObservation = {
    endpoint: endpointUrl(target), host: target.host, port: target.port,
    requestedMode: opts.mode, detectedMode: null, modeMismatch: false, reachability: 'ok',
    transcript: [], durationMs: 0, notes: [],
  };
  // Every read is bounded already; this is the backstop for the sum of them on one target.
  const overallMs = opts.timeoutMs * OVERALL_TIMEOUT_FACTOR;
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'overrun'>((resolve) => { timer = setTimeout(() => resolve('overrun'), overallMs); });
  try {
    const r = await Promise.race([probeInto(obs, target, opts).then(() => 'done' as const), overrun]);
    if (r === 'overrun') {
      const snapshot = structuredClone(obs);
      snapshot.notes.push(`probe stopped after ${overallMs} ms (${OVERALL_TIMEOUT_FACTOR} × --timeout); results may be partial`);
      if (snapshot.reachability === 'ok') snapshot.detail = 'probe exceeded its overall time bound';
      snapshot.durationMs = Date.now() - started;
      return snapshot;
    }
  } catch (err) {
    obs.reachability = 'error';
    obs.detail = `probe failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
  obs.durationMs = Date.now() - started;
  return obs;
}

async function probeInto(obs: ProbeObservation, target: ProbeTarget, optsIn: ProbeOptions): Promise<void> {
  // SNI: as asked, else the target's DNS name (servers with several certificates need it).
  const opts: ProbeOptions = { ...optsIn, sni: optsIn.sni ?? (net.isIP(target.host) ? undefined : target.host) };
  // Mode: send a hello straight away and let the first bytes back decide (see firstContact).
  const hello = buildClientHello({ protocol: 'TLSv1.2', suites: universe('TLSv1.2'), groups: OFFERED_GROUPS, sni: opts.sni, secureRenegotiation: true });
  const fc = await retryWhileBusy(() => firstContact(target, hello, opts.timeoutMs), (c) => c.kind === 'ftp' && c.code === 421, 4 * opts.timeoutMs);
  let mode: FtpsMode;
  switch (fc.kind) {
    case 'unreachable':
      obs.reachability = REACH[fc.reason] ?? 'error';
      obs.detail = fc.detail;
      return;
    case 'silent':
      obs.reachability = 'silent';
      obs.detail = `connection accepted but neither an FTP greeting nor a TLS answer within ${opts.timeoutMs} ms`;
      return;
    case 'closed':
      obs.reachability = 'closed';
      obs.detail = fc.reset ? 'connection reset before any greeting' : 'connection closed before any greeting';
      return;
    case 'other':
      obs.reachability = 'not-ftp';
      obs.detail = `neither FTP nor TLS: "${fc.text}"`;
      return;
    case 'ftp':
      obs.transcript.push(`S: ${fc.text.split('\n')[0]}`);
      if (fc.code !== 220) {
        obs.reachability = 'ftp-refused';
        obs.detail = `greeting ${fc.text.split('\n')[0]}`;
        return;
      }
      mode = 'explicit';
      break;
    case 'tls':
      mode = 'implicit';
      break;
  }
  obs.detectedMode = mode;
  obs.modeMismatch = opts.mode !== 'auto' && opts.mode !== mode;
  if (obs.modeMismatch) obs.notes.push(`asked for ${opts.mode} FTPS but the port speaks ${mode} FTPS; probed as ${mode}`);

  let tlsAvailable = true;
  if (mode === 'explicit') {
    try {
      (await openTlsReady(target, mode, opts.timeoutMs)).close();
    } catch (err) {
      if (err instanceof SetupError && err.reason === 'auth-tls-refused') {
        tlsAvailable = false;
        obs.reachability = 'no-tls';
        obs.detail = err.message;
      } else throw err;
    }
  }
  const hostname = opts.hostname ?? opts.sni ?? target.host;
  const [tls, ftp] = await Promise.all([
    tlsAvailable
      ? scanTls({
          endpoint: target, mode, sni: opts.sni, hostname, caFile: opts.caFile, timeoutMs: opts.timeoutMs,
          parallel: opts.connectionsPerTarget ?? 8, clientRenegotiation: !opts.skipClientRenegotiation,
        })
      : Promise.resolve(undefined),
    checkFtp({ endpoint: target, mode, sni: opts.sni, timeoutMs: opts.timeoutMs, user: opts.user, password: opts.password, transcript: obs.transcript }),
  ]);
  if (tls) {
    obs.tls = tls;
    if (!tls.protocols.some((p) => p.accepted) && !tls.protocols.some((p) => /^alert|^clear text/.test(p.evidence.answer))) {
      // Not one hello was answered by a TLS stack (no alert either): not "nothing supported".
      obs.reachability = 'tls-failed';
      obs.detail = `no TLS answer to any hello: ${[...new Set(tls.protocols.map((p) => p.evidence.answer))].join('; ')}`;
    }
  }
  obs.ftp = ftp;
  if (opts.password) scrub(obs, opts.password);
}

/** Belt and braces: the password must not appear in any string of an observation. */
function scrub(obs: ProbeObservation, secret: string): void {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.split(secret).join('****');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = walk(x);
    }
    return v;
  };
  walk(obs);
}
