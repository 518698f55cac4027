import tls from 'node:tls';
import type net from 'node:net';
import { openTlsReady, type Endpoint, type FtpsMode } from './transport.js';

/**
 * Complete handshakes through Node's OpenSSL, for what needs one: the TLS 1.3 certificate
 * (encrypted on the wire), client-initiated renegotiation, FTP over TLS and data channels.
 * TLS 1.0/1.1 need @SECLEVEL=0, or the *client* refuses (ERR_SSL_LEGACY_SIGALG_...), which
 * would be a false "not offered".
 */
export const PERMISSIVE_CIPHERS = 'ALL:@SECLEVEL=0';

export type NodeTlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export function nodeVersionOf(protocol: string): NodeTlsVersion | undefined {
  return ({ 'TLSv1.0': 'TLSv1', TLSv1: 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' } as Record<string, NodeTlsVersion>)[protocol];
}

export interface SecureOptions {
  servername?: string;
  minVersion?: NodeTlsVersion;
  maxVersion?: NodeTlsVersion;
  session?: Buffer;
  timeoutMs: number;
}

/** Upgrade a connected socket to TLS without verifying (verification is judged separately). */
export function secure(socket: net.Socket, opts: SecureOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = opts.servername && !/^[\d.:]+$/.test(opts.servername) ? opts.servername : undefined;
    const s = tls.connect({
      socket,
      servername,
      rejectUnauthorized: false,
      minVersion: opts.minVersion ?? 'TLSv1',
      maxVersion: opts.maxVersion ?? 'TLSv1.3',
      ciphers: PERMISSIVE_CIPHERS,
      session: opts.session,
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`TLS handshake timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      s.destroy();
      reject(err);
    });
  });
}

/** A fresh control connection, TLS-ready in the given mode, then a full handshake. */
export async function fullHandshake(ep: Endpoint, mode: FtpsMode, opts: SecureOptions): Promise<tls.TLSSocket> {
  const conn = await openTlsReady(ep, mode, opts.timeoutMs);
  try {
    return await secure(conn.detach(), opts);
  } catch (err) {
    conn.socket.destroy();
    throw err;
  }
}

/** DER chain from a connected TLS socket, leaf first. */
export function peerChainDer(s: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let c: tls.DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256) && out.length < 20) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * Client-initiated renegotiation on a completed handshake (TLS ≤ 1.2). "allowed" only when
 * the second handshake completes; a refusal is an error or alert; silence is bounded.
 */
export async function tryClientRenegotiation(ep: Endpoint, mode: FtpsMode, version: NodeTlsVersion, opts: SecureOptions): Promise<{ allowed: boolean; detail: string }> {
  let s: tls.TLSSocket;
  try {
    s = await fullHandshake(ep, mode, { ...opts, minVersion: version, maxVersion: version });
  } catch (err) {
    return { allowed: false, detail: `handshake failed: ${(err as Error).message}` };
  }
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ allowed: false, detail: 'no second handshake within the timeout' }), opts.timeoutMs);
      const onClose = (): void => {
        clearTimeout(timer);
        resolve({ allowed: false, detail: 'server closed the connection' });
      };
      s.once('close', onClose);
      const started = s.renegotiate({ rejectUnauthorized: false }, (err) => {
        clearTimeout(timer);
        s.off('close', onClose);
        resolve(err ? { allowed: false, detail: err.message } : { allowed: true, detail: 'second handshake completed' });
      });
      if (!started) {
        clearTimeout(timer);
        resolve({ allowed: false, detail: 'renegotiation could not be started by the client' });
      }
      // An FTP server only reads when it waits for a command: a NOOP makes it read, which is
      // when its OpenSSL processes our renegotiation ClientHello.
      s.write('NOOP\r\n');
    });
  } finally {
    s.destroy();
  }
}
