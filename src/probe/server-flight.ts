import { BoundedConnection, ReadError } from './bounded-connection.js';
import { printable } from './ftp-reply.js';
import {
  ALERT_NAMES, CONTENT, GarbageRecordError, HandshakeReassembler, HRR_RANDOM, HS, Reader, tlsRecordFramer,
  protocolOfWire, type TlsProtocol,
} from './tls-wire.js';
import { EXT } from './client-hello.js';
import type { Framer } from './bounded-connection.js';

/** Key exchange parameters read from a clear-text ServerKeyExchange (TLS ≤ 1.2). */
export type KeyExchangeParams =
  | { kind: 'dhe'; primeBits: number; generator: string }
  | { kind: 'ecdhe'; group: number }
  | { kind: 'other'; curveType: number };

/** What the server answered to one hand-built hello. */
export type HelloOutcome =
  | {
      kind: 'server-hello';
      /** The protocol the server chose (from supported_versions under TLS 1.3). */
      protocol: TlsProtocol | undefined;
      wireVersion: number;
      suite: number;
      compression: number;
      helloRetry: boolean;
      /** TLS 1.3: the group in key_share (the one the server wants in a HelloRetryRequest). */
      group?: number;
      extensions: number[];
      /** The server sent renegotiation_info (RFC 5746 secure renegotiation). */
      secureRenegotiation: boolean;
      /** DER certificates from the clear-text Certificate message (TLS ≤ 1.2, when read). */
      certificates: Buffer[];
      keyExchange?: KeyExchangeParams;
      sawHelloDone: boolean;
      ocspStapled: boolean;
    }
  | { kind: 'ssl2-server-hello'; cipherKinds: number[]; certificate?: Buffer }
  | { kind: 'alert'; level: number; description: number; name: string; trailingText: string }
  /** The server answered with text (e.g. "500 OOPS" with no alert first). */
  | { kind: 'clear-text'; text: string }
  | { kind: 'closed'; reset: boolean; trailingText: string }
  | { kind: 'timeout'; trailingText: string }
  | { kind: 'garbage'; head: string }
  | { kind: 'flood'; detail: string };

export interface ExchangeOptions {
  deadline: number;
  /** Keep reading after ServerHello until ServerHelloDone (certificate, key exchange). */
  readFlight: boolean;
  /** How long to wait for clear text after an alert before giving up (ms). */
  trailingGraceMs: number;
}

/** True if the bytes look like human text: a clear-text reply where a TLS record was due. */
function looksLikeText(b: Buffer): boolean {
  const n = Math.min(b.length, 64);
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (!(c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0x7f))) return false;
  }
  return true;
}

async function trailing(conn: BoundedConnection, graceMs: number, deadline: number): Promise<string> {
  const rest = await conn.drainUntilClose(Math.min(deadline, Date.now() + graceMs));
  return printable(rest.subarray(0, 2048)).trim();
}

/** Send a hello and classify the server's answer. Never throws for anything the peer does. */
export async function exchangeHello(conn: BoundedConnection, hello: Buffer, opts: ExchangeOptions): Promise<HelloOutcome> {
  conn.write(hello);
  return readServerAnswer(conn, opts);
}

/** Read records until the answer to a hello is known (ServerHello[…Done], alert, text, close). */
async function readServerAnswer(conn: BoundedConnection, opts: ExchangeOptions): Promise<HelloOutcome> {
  const hs = new HandshakeReassembler();
  let sh: Extract<HelloOutcome, { kind: 'server-hello' }> | null = null;
  for (;;) {
    let rec;
    try {
      rec = await conn.read(tlsRecordFramer, opts.deadline);
    } catch (err) {
      if (err instanceof GarbageRecordError) {
        if (sh) return sh; // what we needed already arrived
        const pending = conn.pending();
        if (looksLikeText(pending)) {
          const text = printable(pending.subarray(0, 2048)) + (await trailing(conn, opts.trailingGraceMs, opts.deadline));
          return { kind: 'clear-text', text: text.trim() };
        }
        return { kind: 'garbage', head: pending.subarray(0, 32).toString('hex') };
      }
      if (sh) return sh;
      if (err instanceof ReadError) {
        const text = printable(err.partial.subarray(0, 2048)).trim();
        if (err.reason === 'timeout') return { kind: 'timeout', trailingText: text };
        if (err.reason === 'overflow') return { kind: 'flood', detail: err.message };
        return { kind: 'closed', reset: err.reason === 'reset', trailingText: text };
      }
      return { kind: 'garbage', head: String(err) };
    }
    if (rec.type === CONTENT.alert) {
      if (sh && !sh.helloRetry) return sh;
      const level = rec.payload[0] ?? 0;
      const description = rec.payload[1] ?? 0;
      return {
        kind: 'alert', level, description, name: ALERT_NAMES[description] ?? `alert ${description}`,
        trailingText: await trailing(conn, opts.trailingGraceMs, opts.deadline),
      };
    }
    if (rec.type !== CONTENT.handshake) {
      if (sh) return sh; // TLS 1.3 ChangeCipherSpec / encrypted records follow ServerHello
      return { kind: 'garbage', head: `record type ${rec.type}` };
    }
    let msgs;
    try {
      msgs = hs.push(rec.payload);
    } catch (err) {
      return sh ?? { kind: 'flood', detail: String(err) };
    }
    for (const m of msgs) {
      try {
        if (m.type === HS.serverHello && !sh) {
          sh = parseServerHello(m.body);
          if (sh.helloRetry || sh.protocol === 'TLSv1.3' || !opts.readFlight) return sh;
        } else if (sh && m.type === HS.certificate) {
          sh.certificates = parseCertificateList(m.body);
        } else if (sh && m.type === HS.serverKeyExchange) {
          sh.keyExchange = parseServerKeyExchange(m.body);
        } else if (sh && m.type === HS.certificateStatus) {
          sh.ocspStapled = true;
        } else if (sh && m.type === HS.serverHelloDone) {
          sh.sawHelloDone = true;
          return sh;
        }
      } catch {
        if (sh) return sh;
        return { kind: 'garbage', head: `malformed handshake message type ${m.type}` };
      }
    }
  }
}

export function parseServerHello(body: Buffer): Extract<HelloOutcome, { kind: 'server-hello' }> {
  const r = new Reader(body);
  const wireVersion = r.u16();
  const random = r.bytes(32);
  r.bytes(r.u8()); // session id
  const suite = r.u16();
  const compression = r.u8();
  const extensions: number[] = [];
  let version = wireVersion;
  let group: number | undefined;
  let secureRenegotiation = false;
  const helloRetry = random.equals(HRR_RANDOM);
  if (r.remaining >= 2) {
    const er = new Reader(r.bytes(r.u16()));
    while (er.remaining >= 4) {
      const type = er.u16();
      const data = er.bytes(er.u16());
      extensions.push(type);
      if (type === EXT.supportedVersions && data.length >= 2) version = data.readUInt16BE(0);
      if (type === EXT.keyShare && data.length >= 2) group = data.readUInt16BE(0);
      if (type === EXT.renegotiationInfo) secureRenegotiation = true;
    }
  }
  return {
    kind: 'server-hello', protocol: protocolOfWire(version), wireVersion: version, suite, compression, helloRetry,
    group, extensions, secureRenegotiation, certificates: [], sawHelloDone: false, ocspStapled: false,
  };
}

function parseCertificateList(body: Buffer): Buffer[] {
  const r = new Reader(body);
  const list = new Reader(r.bytes(r.u24()));
  const certs: Buffer[] = [];
  while (list.remaining >= 3 && certs.length < 20) certs.push(Buffer.from(list.bytes(list.u24())));
  return certs;
}

function isNamedGroup(g: number): boolean {
  return (g >= 1 && g <= 41) || (g >= 256 && g <= 260) || g === 0x11ec || g === 0x11eb || g === 0x11ed;
}

function parseServerKeyExchange(body: Buffer): KeyExchangeParams {
  // ECDHE params begin curve_type=3 (named_curve), a group, and a point; DHE params begin
  // with the 2-byte length of p. A prime of 768+ bytes also starts 0x03, but then the next
  // two bytes are never a registered group id, which disambiguates.
  if (body.length >= 4 && body[0] === 3 && isNamedGroup(body.readUInt16BE(1)) && 4 + body[3]! <= body.length) {
    return { kind: 'ecdhe', group: body.readUInt16BE(1) };
  }
  const r = new Reader(body);
  const p = r.bytes(r.u16());
  const g = r.bytes(r.u16());
  let lead = 0;
  while (lead < p.length && p[lead] === 0) lead++;
  const significant = p.subarray(lead);
  const bits = significant.length === 0 ? 0 : (significant.length - 1) * 8 + (32 - Math.clz32(significant[0]!));
  return { kind: 'dhe', primeBits: bits, generator: g.toString('hex') };
}

/** SSLv2 records: 2-byte header (high bit set) or 3-byte header. */
const ssl2Framer: Framer<Buffer> = (buf) => {
  if (buf.length < 2) return null;
  if (!(buf[0]! & 0x80)) throw new GarbageRecordError(buf);
  const len = ((buf[0]! & 0x7f) << 8) | buf[1]!;
  if (buf.length < 2 + len) return null;
  return { consumed: 2 + len, value: Buffer.from(buf.subarray(2, 2 + len)) };
};

/** Send an SSLv2 CLIENT-HELLO and read SERVER-HELLO (which lists every cipher kind the server shares). */
export async function exchangeSsl2Hello(conn: BoundedConnection, hello: Buffer, opts: ExchangeOptions): Promise<HelloOutcome> {
  conn.write(hello);
  try {
    // Wait for the first byte: an SSLv2 header has its high bit set; anything else (a TLS
    // alert, clear text) is read the way any other refusal is.
    await conn.read((buf) => (buf.length > 0 ? { consumed: 0, value: true } : null), opts.deadline);
    if (!(conn.pending()[0]! & 0x80)) return readServerAnswer(conn, opts);
    const msg = await conn.read(ssl2Framer, opts.deadline);
    if (msg[0] !== 4) return { kind: 'garbage', head: `SSLv2 message type ${msg[0]}` };
    const r = new Reader(msg, 1);
    r.u8(); // session id hit
    r.u8(); // certificate type
    const version = r.u16();
    const certLen = r.u16();
    const specLen = r.u16();
    r.u16(); // connection id length
    const cert = r.bytes(certLen);
    const specs = r.bytes(specLen);
    const kinds: number[] = [];
    for (let i = 0; i + 3 <= specs.length; i += 3) kinds.push(specs.readUIntBE(i, 3));
    if (version !== 0x0002) return { kind: 'garbage', head: `SSLv2 SERVER-HELLO version ${version.toString(16)}` };
    return { kind: 'ssl2-server-hello', cipherKinds: kinds, certificate: certLen ? Buffer.from(cert) : undefined };
  } catch (err) {
    if (err instanceof ReadError) {
      const text = printable(err.partial.subarray(0, 2048)).trim();
      if (err.reason === 'timeout') return { kind: 'timeout', trailingText: text };
      if (err.reason === 'overflow') return { kind: 'flood', detail: err.message };
      return { kind: 'closed', reset: err.reason === 'reset', trailingText: text };
    }
    return { kind: 'garbage', head: String(err instanceof Error ? err.message : err) };
  }
}
