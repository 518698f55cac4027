import { BoundedConnection, ConnectError, ReadError } from './bounded-connection.js';
import { ftpReplyFramer, FtpReplyError, printable, replyText, type FtpReply } from './ftp-reply.js';
import { FtpControl } from './ftp-control.js';

export type FtpsMode = 'explicit' | 'implicit';

export interface Endpoint {
  host: string;
  port: number;
}

/** Why a TLS-ready connection could not be set up. */
export class SetupError extends Error {
  constructor(
    public readonly reason: 'connect' | 'banner' | 'busy' | 'auth-tls-refused' | 'not-ftp',
    message: string,
    public readonly connectFailure?: ConnectError['reason'],
  ) {
    super(message);
  }
}

/** Read the greeting, skipping up to three 1xx "wait" replies (RFC 959 §4.2). */
export async function readGreeting(ctl: FtpControl): Promise<FtpReply> {
  for (let i = 0; i < 4; i++) {
    const r = await ctl.readReply();
    if (r.code >= 200) return r;
  }
  throw new SetupError('banner', 'server sent only preliminary 1xx replies');
}

/**
 * A connection on which the next bytes we write are a TLS ClientHello: implicit mode is a
 * bare TCP connection; explicit mode has done banner → AUTH TLS → 234.
 */
/**
 * How often, at most, a "421 too many connections" is waited out before giving up. The time
 * budget is the real bound: a loaded server frees a session only when its process has
 * exited, which can take seconds, and giving up early would make a supported protocol look
 * unreachable.
 */
export const BUSY_RETRIES = 40;

/** A server at its per-IP or global connection limit says 421 (RFC 959) and closes. */
export function isBusyText(text: string): boolean {
  return /^421[ -]/.test(text.trimStart());
}

/**
 * Retry `attempt` while the server is busy (421), with a growing pause: a probe opens many
 * connections, and a server with max_per_ip must not make a supported protocol look refused.
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, isBusy: (v: T) => boolean, budgetMs: number): Promise<T> {
  const until = Date.now() + budgetMs;
  for (let i = 0; ; i++) {
    let value: T;
    try {
      value = await attempt();
    } catch (err) {
      if (!(err instanceof SetupError && err.reason === 'busy') || i >= BUSY_RETRIES || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** i)));
      continue;
    }
    if (!isBusy(value) || i >= BUSY_RETRIES || Date.now() >= until) return value;
    await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** i)));
  }
}

/** Connect and read the greeting, waiting out 421 "too many connections" (bounded). */
export async function connectFtp(ep: Endpoint, timeoutMs: number): Promise<{ ctl: FtpControl; greeting: FtpReply }> {
  return retryWhileBusy(async () => {
    let conn: BoundedConnection;
    try {
      conn = await BoundedConnection.connect(ep.host, ep.port, timeoutMs, 256 * 1024);
    } catch (err) {
      if (err instanceof ConnectError) throw new SetupError('connect', err.message, err.reason);
      throw err;
    }
    const ctl = new FtpControl(conn, timeoutMs);
    try {
      const greeting = await readGreeting(ctl);
      if (greeting.code === 421) throw new SetupError('busy', `greeting ${replyText(greeting)}`);
      return { ctl, greeting };
    } catch (err) {
      conn.close();
      throw err;
    }
  }, () => false, 4 * timeoutMs);
}

export async function openTlsReady(ep: Endpoint, mode: FtpsMode, timeoutMs: number, authCommand = 'AUTH TLS'): Promise<BoundedConnection> {
  return retryWhileBusy(() => openTlsReadyOnce(ep, mode, timeoutMs, authCommand), () => false, 4 * timeoutMs);
}

async function openTlsReadyOnce(ep: Endpoint, mode: FtpsMode, timeoutMs: number, authCommand: string): Promise<BoundedConnection> {
  let conn: BoundedConnection;
  try {
    conn = await BoundedConnection.connect(ep.host, ep.port, timeoutMs, 256 * 1024);
  } catch (err) {
    if (err instanceof ConnectError) throw new SetupError('connect', err.message, err.reason);
    throw err;
  }
  if (mode === 'implicit') return conn;
  const ctl = new FtpControl(conn, timeoutMs);
  try {
    const banner = await readGreeting(ctl);
    if (banner.code === 421) throw new SetupError('busy', `greeting ${replyText(banner)}`);
    if (banner.code !== 220) throw new SetupError('banner', `greeting ${replyText(banner)}`);
    const auth = await ctl.command(authCommand);
    if (auth.code !== 234) throw new SetupError('auth-tls-refused', `${authCommand} → ${replyText(auth)}`);
    return conn;
  } catch (err) {
    conn.close();
    if (err instanceof SetupError) throw err;
    if (err instanceof FtpReplyError) throw new SetupError('not-ftp', err.message);
    if (err instanceof ReadError) throw new SetupError('banner', `${err.reason} before AUTH TLS completed`);
    throw err;
  }
}

export type FirstContact =
  | { kind: 'ftp'; code: number; text: string }
  | { kind: 'tls'; firstBytes: string }
  | { kind: 'other'; text: string }
  | { kind: 'silent' }
  | { kind: 'closed'; reset: boolean }
  | { kind: 'unreachable'; reason: ConnectError['reason']; detail: string };

/**
 * Auto-detect the mode in one connection: send a ClientHello at once and see what comes
 * back first. An explicit FTP server greets with "220" regardless of what we sent; an
 * implicit one answers the hello with a TLS record. No waiting for a timeout in either case.
 */
export async function firstContact(ep: Endpoint, hello: Buffer, timeoutMs: number): Promise<FirstContact> {
  let conn: BoundedConnection;
  try {
    conn = await BoundedConnection.connect(ep.host, ep.port, timeoutMs, 64 * 1024);
  } catch (err) {
    if (err instanceof ConnectError) return { kind: 'unreachable', reason: err.reason, detail: err.message };
    throw err;
  }
  try {
    conn.write(hello);
    const deadline = Date.now() + timeoutMs;
    const head = await conn.read((buf, closed) => {
      if (buf.length === 0) return null;
      const b0 = buf[0]!;
      if (b0 >= 20 && b0 <= 24) return buf.length >= 3 || closed ? { consumed: 0, value: 'tls' as const } : null;
      try {
        if (ftpReplyFramer(buf, closed)) return { consumed: 0, value: 'text' as const };
      } catch {
        return { consumed: 0, value: 'text' as const };
      }
      return closed ? { consumed: 0, value: 'text' as const } : null;
    }, deadline);
    const pending = conn.pending();
    if (head === 'tls') return { kind: 'tls', firstBytes: pending.subarray(0, 16).toString('hex') };
    try {
      const r = ftpReplyFramer(pending, true);
      if (r) return { kind: 'ftp', code: r.value.code, text: replyText(r.value) };
    } catch (err) {
      if (err instanceof FtpReplyError && /^\d{3}/.test(printable(pending.subarray(0, 3)))) {
        return { kind: 'other', text: `FTP-like reply broke the bounds: ${err.message}` };
      }
    }
    return { kind: 'other', text: printable(pending.subarray(0, 200)) };
  } catch (err) {
    if (err instanceof ReadError) {
      if (err.reason === 'timeout') return { kind: 'silent' };
      if (err.reason === 'overflow') return { kind: 'other', text: `more than 64 KiB without a complete reply: ${printable(err.partial.subarray(0, 80))}` };
      return { kind: 'closed', reset: err.reason === 'reset' };
    }
    throw err;
  } finally {
    conn.close();
  }
}
