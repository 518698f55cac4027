import { buildClientHello } from './client-hello.js';
import { EXT } from './client-hello.js';
import { OFFERED_GROUPS_TLS12 } from './groups.js';
import { exchangeHello } from './server-flight.js';
import { CONTENT, record, tlsRecordFramer, WIRE_VERSION, GarbageRecordError } from './tls-wire.js';
import { ReadError } from './bounded-connection.js';
import { openTlsReady, type Endpoint, type FtpsMode } from './transport.js';
import type { ProbeProtocol } from '../model/probe.js';

export type HeartbleedVerdict = 'vulnerable' | 'not-vulnerable' | 'no-heartbeat' | 'inconclusive';

/**
 * CVE-2014-0160. After the server's hello flight (still unencrypted), send one heartbeat
 * request whose payload_length (16384) exceeds the actual payload (0). A patched server
 * discards it silently (RFC 6520 §4); a vulnerable one answers with a heartbeat response
 * carrying up to 16 KiB of its memory. Only the length of the answer is kept, never its
 * content (it may hold other users' secrets).
 */
export async function checkHeartbleed(ep: Endpoint, mode: FtpsMode, protocol: Exclude<ProbeProtocol, 'SSLv2' | 'SSLv3' | 'TLSv1.3'>, suites: number[], sni: string | undefined, timeoutMs: number): Promise<{ verdict: HeartbleedVerdict; evidence: string }> {
  let conn;
  try {
    conn = await openTlsReady(ep, mode, timeoutMs);
  } catch (err) {
    return { verdict: 'inconclusive', evidence: `could not reach TLS: ${(err as Error).message}` };
  }
  try {
    const deadline = Date.now() + timeoutMs;
    const hello = buildClientHello({ protocol, suites, groups: OFFERED_GROUPS_TLS12, sni, heartbeat: true, secureRenegotiation: true });
    const o = await exchangeHello(conn, hello, { deadline, readFlight: true, trailingGraceMs: 200 });
    if (o.kind !== 'server-hello' || !o.sawHelloDone) return { verdict: 'inconclusive', evidence: `${protocol} hello with heartbeat extension → ${o.kind}` };
    if (!o.extensions.includes(EXT.heartbeat)) return { verdict: 'no-heartbeat', evidence: `${protocol} ServerHello without the heartbeat extension` };
    const version = WIRE_VERSION[protocol];
    conn.write(record(CONTENT.heartbeat, version, Buffer.from([0x01, 0x40, 0x00])));
    // A patched server stays silent: wait a bounded while for an answer.
    const waitUntil = Date.now() + Math.min(timeoutMs, 1000);
    try {
      for (let i = 0; i < 8; i++) {
        const rec = await conn.read(tlsRecordFramer, waitUntil);
        if (rec.type === CONTENT.heartbeat) {
          const leaked = rec.payload.length - 3;
          return leaked > 0
            ? { verdict: 'vulnerable', evidence: `heartbeat request claiming 16384 bytes with none sent → heartbeat response of ${rec.payload.length} bytes (${leaked} bytes of server memory; content discarded)` }
            : { verdict: 'not-vulnerable', evidence: 'heartbeat response without over-read' };
        }
        if (rec.type === CONTENT.alert) return { verdict: 'not-vulnerable', evidence: `over-length heartbeat → alert ${rec.payload[1]}` };
      }
      return { verdict: 'inconclusive', evidence: 'unexpected records after the heartbeat request' };
    } catch (err) {
      if (err instanceof ReadError && err.reason === 'timeout') return { verdict: 'not-vulnerable', evidence: 'over-length heartbeat request silently discarded (RFC 6520 §4)' };
      if (err instanceof ReadError) return { verdict: 'not-vulnerable', evidence: `connection ${err.reason} after the over-length heartbeat request` };
      if (err instanceof GarbageRecordError) return { verdict: 'not-vulnerable', evidence: 'clear text after the heartbeat request' };
      throw err;
    }
  } finally {
    conn.close();
  }
}
