import net from 'node:net';
import type tls from 'node:tls';
import type { DataChannelObservation, FtpExchange, FtpObservation } from '../model/probe.js';
import { BoundedConnection, ConnectError } from './bounded-connection.js';
import { describeReadError, FtpControl } from './ftp-control.js';
import { parseEpsv, parsePasv, replyText, type FtpReply } from './ftp-reply.js';
import { nodeVersionOf, secure } from './tls-full.js';
import { connectFtp, readGreeting, retryWhileBusy, SetupError, type Endpoint, type FtpsMode } from './transport.js';

export interface FtpCheckOptions {
  endpoint: Endpoint;
  mode: FtpsMode;
  sni?: string;
  timeoutMs: number;
  /** Account for the checks that need a login; the password never leaves this process except in PASS over TLS. */
  user?: string;
  password?: string;
  /** Shared transcript (evidence), secrets already replaced. */
  transcript: string[];
}

/** A user name nobody has: USER before AUTH TLS must never send a real one (or any PASS). */
export const DUMMY_USER = 'ftps-audit-probe';
const ANON_PASSWORD = 'ftps-audit@example.invalid';
const MAX_DATA_BYTES = 1 << 20;
/** See tryLogin: how long a successful anonymous PASS may take before we call it refused (upper bound). */
const ANON_PASS_WINDOW_MS = 3000;
/** …and the lower bound, whatever the measured round trip. */
const ANON_PASS_MIN_WINDOW_MS = 300;

function exchange(command: string, r: FtpReply | null, error?: string): FtpExchange {
  return { command, code: r?.code ?? null, reply: r ? replyText(r) : (error ?? 'no reply') };
}

/** One control session: clear or TLS, with a shared transcript. */
class Session {
  ctl!: FtpControl;
  tlsSocket?: tls.TLSSocket;
  ticket?: Buffer;
  constructor(readonly opts: FtpCheckOptions, readonly label: string) {}

  async open(): Promise<FtpReply | null> {
    if (this.opts.mode === 'explicit') {
      const { ctl, greeting } = await connectFtp(this.opts.endpoint, this.opts.timeoutMs);
      this.ctl = ctl;
      return greeting;
    }
    // Implicit: TLS first, then the greeting (a busy server may answer 421 in clear or over TLS).
    return retryWhileBusy(async () => {
      const conn = await BoundedConnection.connect(this.opts.endpoint.host, this.opts.endpoint.port, this.opts.timeoutMs, 256 * 1024);
      try {
        await this.upgrade(conn);
      } catch (err) {
        // A server at its connection limit writes "421 …" in clear and closes, which the TLS
        // client sees as a bad record or an early close: retry like any other 421 (bounded).
        conn.socket.destroy();
        if (/wrong version number|packet length too long|socket disconnected|ECONNRESET|EOF/i.test(String((err as Error).message) + String((err as NodeJS.ErrnoException).code ?? ''))) {
          throw new SetupError('busy', `implicit TLS handshake failed (${(err as Error).message}); the server may be at its connection limit`);
        }
        throw err;
      }
      const g = await readGreeting(this.ctl);
      if (g.code === 421) {
        this.tlsSocket?.destroy();
        throw new SetupError('busy', replyText(g));
      }
      return g;
    }, () => false, 4 * this.opts.timeoutMs);
  }

  async upgrade(conn: BoundedConnection): Promise<void> {
    const s = await secure(conn.detach(), { servername: this.opts.sni, timeoutMs: this.opts.timeoutMs });
    // TLS 1.3 tickets arrive after the handshake; keep the latest for data-channel reuse.
    s.on('session', (t: Buffer) => { this.ticket = t; });
    this.tlsSocket = s;
    const prev = this.ctl?.transcript;
    this.ctl = new FtpControl(BoundedConnection.wrap(s, 256 * 1024), this.opts.timeoutMs);
    if (prev) this.ctl.transcript.push(...prev);
  }

  async cmd(line: string, shown?: string, timeoutMs?: number): Promise<{ r: FtpReply | null; ex: FtpExchange }> {
    try {
      const r = await this.ctl.command(line, shown, timeoutMs);
      return { r, ex: exchange(shown ?? line, r) };
    } catch (err) {
      return { r: null, ex: exchange(shown ?? line, null, describeReadError(err)) };
    }
  }

  close(): void {
    try {
      this.ctl?.conn.write('QUIT\r\n');
    } catch { /* closing anyway */ }
    this.ctl?.conn.socket.destroy();
    this.tlsSocket?.destroy();
    this.opts.transcript.push(`--- ${this.label}`, ...(this.ctl?.transcript ?? []).map((l) => `  ${l}`));
  }
}

function isPrivate(ip: string): boolean {
  const p = ip.split('.').map(Number);
  if (p.length !== 4) return false;
  const [a, b] = p as [number, number, number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/** Software names with versions, as disclosed in a banner or STAT/SYST reply. */
export function versionStrings(text: string): string[] {
  const out = new Set<string>();
  const re = /\b(vsFTPd|ProFTPD|Pure-FTPd|FileZilla Server|Serv-U|Microsoft FTP Service|wu-ftpd|glFTPd|Gene6|WS_FTP|CrushFTP|OpenSSH|Titan FTP)\b[^\d\n]{0,20}(\d+(?:\.\d+)+[a-z]?)?/gi;
  for (const m of text.matchAll(re)) out.add(m[2] ? `${m[1]} ${m[2]}` : m[1]!);
  return [...out];
}

/**
 * The data-channel test: PASV (address read, never used: we always connect to the target),
 * LIST, and TLS on the data connection when asked. "transferred" needs a completion reply
 * and the connection to have carried the listing — a 200 to PROT C proves nothing.
 */
async function listOver(s: Session, ep: Endpoint, attempt: string, dataTls: false | { session?: Buffer; maxVersion?: string }, timeoutMs: number): Promise<DataChannelObservation> {
  const exchanges: FtpExchange[] = [];
  const obs: DataChannelObservation = { attempt, transferred: false, bytes: 0, exchanges };
  const pasv = await s.cmd('PASV');
  exchanges.push(pasv.ex);
  let addr: { port: number } | null = pasv.r?.code === 227 ? parsePasv(pasv.r) : null;
  if (!addr) {
    // IPv6 targets and servers with PASV disabled: EPSV names only a port (RFC 2428).
    const epsv = await s.cmd('EPSV');
    exchanges.push(epsv.ex);
    const port = epsv.r?.code === 229 ? parseEpsv(epsv.r) : null;
    if (port) addr = { port };
  }
  if (!addr) {
    obs.error = 'no usable PASV or EPSV reply';
    return obs;
  }
  let data: BoundedConnection;
  try {
    data = await BoundedConnection.connect(ep.host, addr.port, timeoutMs, MAX_DATA_BYTES);
  } catch (err) {
    obs.error = `data connection to ${ep.host}:${addr.port} failed: ${err instanceof ConnectError ? err.reason : String(err)}`;
    return obs;
  }
  let tlsData: tls.TLSSocket | undefined;
  try {
    const list = await s.cmd('LIST');
    exchanges.push(list.ex);
    if (!list.r || list.r.code >= 200) return obs; // refused before any transfer (e.g. 522)
    let reader = data;
    if (dataTls) {
      try {
        const v = dataTls.maxVersion ? nodeVersionOf(dataTls.maxVersion) : undefined;
        tlsData = await secure(data.detach(), { servername: s.opts.sni, session: dataTls.session, maxVersion: v, timeoutMs });
        obs.tlsProtocol = tlsData.getProtocol() ?? undefined;
        obs.tlsCipher = tlsData.getCipher()?.standardName;
        obs.sessionReused = tlsData.isSessionReused();
        obs.certFingerprint256 = tlsData.getPeerCertificate()?.fingerprint256;
        reader = BoundedConnection.wrap(tlsData, MAX_DATA_BYTES);
      } catch (err) {
        obs.error = `data TLS handshake: ${(err as Error).message}`;
      }
    }
    if (!obs.error) {
      const got = await reader.drainUntilClose(Date.now() + timeoutMs);
      obs.bytes = got.length;
    }
    try {
      const final = await s.ctl.readReply();
      exchanges.push({ command: '(transfer completion)', code: final.code, reply: replyText(final) });
      obs.transferred = (final.code === 226 || final.code === 250) && !obs.error;
    } catch (err) {
      exchanges.push({ command: '(transfer completion)', code: null, reply: describeReadError(err) });
    }
    return obs;
  } finally {
    tlsData?.destroy();
    data.socket.destroy();
  }
}

/**
 * USER/PASS. `passWindowMs` bounds the wait for PASS: servers answer a good login at once
 * but delay a failed one by seconds (vsftpd delay_failed_login + PAM's fail delay), so for
 * the anonymous probes "no 230 within the window" is read as refused, and says so.
 */
async function tryLogin(s: Session, user: string, password: string, shownPassword: string, passWindowMs?: number): Promise<{ ok: boolean; exchanges: FtpExchange[] }> {
  const t0 = Date.now();
  const u = await s.cmd(`USER ${user}`);
  // The window adapts to the link: a good login costs about one round trip, like USER did.
  if (passWindowMs !== undefined) passWindowMs = Math.min(passWindowMs, Math.max(ANON_PASS_MIN_WINDOW_MS, 4 * (Date.now() - t0)));
  const exchanges = [u.ex];
  if (u.r?.code === 230) return { ok: true, exchanges };
  if (u.r?.code !== 331) return { ok: false, exchanges };
  const p = await s.cmd(`PASS ${password}`, `PASS ${shownPassword}`, passWindowMs);
  if (!p.r && passWindowMs !== undefined) p.ex.reply = `no reply within ${passWindowMs} ms (a server delays failed logins; a successful one answers 230 at once): refused`;
  exchanges.push(p.ex);
  return { ok: p.r?.code === 230, exchanges };
}

export async function checkFtp(opts: FtpCheckOptions): Promise<FtpObservation> {
  const ep = opts.endpoint;
  const obs: FtpObservation = { banner: '', feat: [], versionDisclosed: [] };
  const explicit = opts.mode === 'explicit';
  const anonWindow = Math.min(opts.timeoutMs, ANON_PASS_WINDOW_MS);

  const clearSessions = explicit ? [
    // 1: what the server says before any TLS, and whether it takes a user name in clear.
    (async () => {
      const s = new Session(opts, 'clear session: greeting, FEAT, SYST, USER before AUTH TLS');
      try {
        const g = await s.open();
        obs.banner = g ? replyText(g) : '';
        const feat = await s.cmd('FEAT');
        if (feat.r?.code === 211) obs.feat = feat.r.lines.slice(1, -1).map((l) => l.trim()).filter(Boolean);
        obs.syst = (await s.cmd('SYST')).ex;
        obs.userBeforeTls = (await s.cmd(`USER ${DUMMY_USER}`)).ex;
      } catch (err) {
        obs.banner ||= `(${describeReadError(err)})`;
      } finally {
        s.close();
      }
    })(),
    // 2: anonymous login in clear text (the anonymous "password" is a dummy address).
    (async () => {
      const s = new Session(opts, 'clear session: anonymous login without TLS');
      try {
        await s.open();
        const r = await tryLogin(s, 'anonymous', ANON_PASSWORD, ANON_PASSWORD, anonWindow);
        obs.anonymousClear = { allowed: r.ok, exchanges: r.exchanges };
      } catch { /* recorded as absent */ } finally {
        s.close();
      }
    })(),
    // 4: clear-text fallback: after 234 to AUTH TLS, speak FTP instead of TLS.
    (async () => {
      const s = new Session(opts, 'clear session: USER in clear after AUTH TLS (fallback)');
      try {
        await s.open();
        const a = await s.cmd('AUTH TLS');
        if (a.r?.code !== 234) return;
        const u = await s.cmd(`USER ${DUMMY_USER}`, undefined, Math.min(opts.timeoutMs, 1500));
        const accepted = u.r !== null && (u.r.code === 331 || u.r.code === 230);
        obs.clearAfterAuthTls = { accepted, exchanges: [a.ex, u.ex] };
      } catch { /* absent */ } finally {
        s.close();
      }
    })(),
    // 3: legacy AUTH SSL, proven by a handshake after 234.
    (async () => {
      const s = new Session(opts, 'clear session: AUTH SSL');
      try {
        await s.open();
        const a = await s.cmd('AUTH SSL');
        obs.authSsl = a.ex;
        if (a.r?.code === 234) {
          try {
            await s.upgrade(s.ctl.conn);
            obs.authSsl.handshake = `${s.tlsSocket?.getProtocol()} ${s.tlsSocket?.getCipher()?.standardName}`;
          } catch (err) {
            obs.authSsl.handshake = `failed: ${(err as Error).message}`;
          }
        }
      } catch { /* absent */ } finally {
        s.close();
      }
    })(),
  ] : [];

  // 4: the protected session: AUTH TLS, login, data channels, PASV/EPSV, SITE, STAT, CCC.
  const protectedSession = (async () => {
    const s = new Session(opts, `${explicit ? 'AUTH TLS' : 'implicit TLS'} session: login, data channels, PASV/EPSV, SITE, STAT, CCC`);
    try {
      if (explicit) {
        await s.open();
        const a = await s.cmd('AUTH TLS');
        obs.authTls = a.ex;
        if (a.r?.code !== 234) return;
        await s.upgrade(s.ctl.conn);
      } else {
        const g = await s.open();
        obs.banner = g ? replyText(g) : '';
        const feat = await s.cmd('FEAT');
        if (feat.r?.code === 211) obs.feat = feat.r.lines.slice(1, -1).map((l) => l.trim()).filter(Boolean);
        obs.syst = (await s.cmd('SYST')).ex;
      }
      const t = s.tlsSocket!;
      obs.controlTls = { protocol: t.getProtocol() ?? '', cipher: t.getCipher()?.standardName ?? '', certFingerprint256: t.getPeerCertificate()?.fingerprint256 };
      obs.pbszProt = [(await s.cmd('PBSZ 0')).ex, (await s.cmd('PROT P')).ex];

      if (opts.user && opts.password !== undefined) {
        const r = await tryLogin(s, opts.user, opts.password, '****');
        obs.login = { user: opts.user, method: 'user', succeeded: r.ok, exchanges: r.exchanges };
      } else {
        const r = await tryLogin(s, 'anonymous', ANON_PASSWORD, ANON_PASSWORD, anonWindow);
        obs.anonymousTls = { allowed: r.ok, exchanges: r.exchanges };
        obs.login = { user: 'anonymous', method: 'anonymous', succeeded: r.ok, exchanges: r.exchanges };
      }
      if (!obs.login.succeeded) {
        obs.loginSkipped = opts.user ? `login as ${opts.user} failed` : 'no --user given and anonymous login over TLS refused';
        return;
      }
      obs.stat = (await s.cmd('STAT')).ex;
      obs.site = (await s.cmd('SITE HELP')).ex;
      const protocol = t.getProtocol() ?? undefined;
      const session = (): Buffer | undefined => s.ticket ?? t.getSession();
      obs.dataTlsReuse = await listOver(s, ep, 'LIST over PROT P, TLS reusing the control session', { session: session(), maxVersion: protocol }, opts.timeoutMs);
      const pasvEx = obs.dataTlsReuse.exchanges.find((e) => e.command === 'PASV');
      if (pasvEx && pasvEx.code === 227) {
        const a = parsePasv({ code: 227, lines: [pasvEx.reply] });
        // PASV can only carry IPv4: against an IPv6 (or named) target a different v4 address
        // is not a disclosure unless it is private; 0.0.0.0 (vsftpd over IPv6) discloses nothing.
        const target = net.isIPv4(ep.host) ? ep.host : undefined;
        if (a) obs.pasv = { exchange: pasvEx, address: a.address, port: a.port, privateAddress: isPrivate(a.address) && !(target && isPrivate(target) && a.address === target), differsFromTarget: target !== undefined && a.address !== target && a.address !== '0.0.0.0' };
      }
      const epsv = await s.cmd('EPSV');
      obs.epsv = { exchange: epsv.ex, port: epsv.r?.code === 229 ? parseEpsv(epsv.r) ?? undefined : undefined };
      // EPSV opened a listener; PASV in listOver replaces it.
      const protC = await s.cmd('PROT C');
      const clear = await listOver(s, ep, 'LIST over PROT C (clear data channel)', false, opts.timeoutMs);
      clear.exchanges.unshift(protC.ex);
      obs.protClear = clear;
      obs.ccc = (await s.cmd('CCC')).ex;
      if (obs.ccc.code !== null && obs.ccc.code >= 200 && obs.ccc.code < 300) {
        // The control channel is now clear text by the server's own consent; stop here.
        obs.dataTlsNoReuse = { attempt: 'LIST over PROT P, new TLS session (no reuse)', transferred: false, bytes: 0, exchanges: [], error: 'not tested: CCC accepted, control channel no longer protected' };
        return;
      }
      // Last, because vsftpd ends the whole session when it refuses a data session that is not reused.
      const protP = await s.cmd('PROT P');
      obs.dataTlsNoReuse = await listOver(s, ep, 'LIST over PROT P, new TLS session (no reuse)', { maxVersion: protocol }, opts.timeoutMs);
      obs.dataTlsNoReuse.exchanges.unshift(protP.ex);
    } catch (err) {
      obs.loginSkipped ??= `session ended early: ${describeReadError(err)}`;
    } finally {
      s.close();
    }
  })();

  await Promise.all([...clearSessions, protectedSession]);
  const texts = [obs.banner, obs.stat?.reply ?? '', obs.syst?.reply ?? ''].join('\n');
  obs.versionDisclosed = versionStrings(texts);
  obs.versionDisclosedBeforeLogin = versionStrings([obs.banner, obs.syst?.reply ?? ''].join('\n'));
  return obs;
}
