import { ReadError } from './bounded-connection.js';
import { buildClientHello } from './client-hello.js';
import { OFFERED_GROUPS_TLS12 } from './groups.js';
import { exchangeHello } from './server-flight.js';
import { CONTENT, GarbageRecordError, record, tlsRecordFramer, WIRE_VERSION } from './tls-wire.js';
import { openTlsReady, type Endpoint, type FtpsMode } from './transport.js';
import type { ProbeProtocol } from '../model/probe.js';

export type CcsVerdict = 'vulnerable' | 'not-vulnerable' | 'inconclusive';

/**
 * CVE-2014-0224 (OpenSSL "CCS injection"). After the server's hello flight, send
 * ChangeCipherSpec before any key exchange. A fixed stack rejects it at once with
 * unexpected_message. A vulnerable OpenSSL accepts it silently and switches to keys derived
 * from an empty master secret, so the next record we send fails its MAC check: alert
 * bad_record_mac (or decryption_failed). Anything else is inconclusive, never "vulnerable".
 */
export async function checkCcsInjection(ep: Endpoint, mode: FtpsMode, protocol: Exclude<ProbeProtocol, 'SSLv2' | 'TLSv1.3'>, suites: number[], sni: string | undefined, timeoutMs: number): Promise<{ verdict: CcsVerdict; evidence: string }> {
  let conn;
  try {
    conn = await openTlsReady(ep, mode, timeoutMs);
  } catch (err) {
    return { verdict: 'inconclusive', evidence: `could not reach TLS: ${(err as Error).message}` };
  }
  const version = WIRE_VERSION[protocol];
  const waitAlert = async (ms: number): Promise<number | 'timeout' | 'closed' | 'other'> => {
    try {
      const rec = await conn.read(tlsRecordFramer, Date.now() + ms);
      return rec.type === CONTENT.alert ? (rec.payload[1] ?? -1) : 'other';
    } catch (err) {
      if (err instanceof ReadError) return err.reason === 'timeout' ? 'timeout' : 'closed';
      if (err instanceof GarbageRecordError) return 'other';
      throw err;
    }
  };
  try {
    const o = await exchangeHello(conn, buildClientHello({ protocol, suites, groups: OFFERED_GROUPS_TLS12, sni, secureRenegotiation: true }), { deadline: Date.now() + timeoutMs, readFlight: true, trailingGraceMs: 200 });
    if (o.kind !== 'server-hello' || !o.sawHelloDone) return { verdict: 'inconclusive', evidence: `${protocol} hello → ${o.kind}` };
    conn.write(record(CONTENT.changeCipherSpec, version, Buffer.from([1])));
    const first = await waitAlert(Math.min(timeoutMs, 1000));
    if (first === 10) return { verdict: 'not-vulnerable', evidence: 'early ChangeCipherSpec → alert unexpected_message' };
    if (first !== 'timeout') return { verdict: first === 'closed' ? 'not-vulnerable' : 'inconclusive', evidence: `early ChangeCipherSpec → ${typeof first === 'number' ? `alert ${first}` : first}` };
    // Accepted silently: a record "protected" with the keys of an empty master secret must now fail.
    conn.write(record(CONTENT.handshake, version, Buffer.alloc(48, 0x42)));
    const second = await waitAlert(Math.min(timeoutMs, 1000));
    if (second === 20 || second === 21) {
      return { verdict: 'vulnerable', evidence: `early ChangeCipherSpec accepted silently; next record → alert ${second === 20 ? 'bad_record_mac' : 'decryption_failed'} (cipher switched before key exchange)` };
    }
    return { verdict: 'inconclusive', evidence: `early ChangeCipherSpec accepted silently; next record → ${typeof second === 'number' ? `alert ${second}` : second}` };
  } finally {
    conn.close();
  }
}
