import type { Framer } from './bounded-connection.js';

/** Wire versions of the protocols we probe (SSLv2 has its own record format). */
export const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsProtocol = (typeof PROTOCOLS)[number];

export const WIRE_VERSION: Record<Exclude<TlsProtocol, 'SSLv2'>, number> = {
  SSLv3: 0x0300,
  'TLSv1.0': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

export function protocolOfWire(v: number): TlsProtocol | undefined {
  for (const [k, w] of Object.entries(WIRE_VERSION)) if (w === v) return k as TlsProtocol;
  if (v === 0x0002) return 'SSLv2';
  return undefined;
}

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;
export const HS = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateStatus: 22,
} as const;

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed', 22: 'record_overflow',
  30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate', 42: 'bad_certificate',
  43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
  47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error', 51: 'decrypt_error',
  60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 112: 'unrecognized_name', 116: 'certificate_required', 120: 'no_application_protocol',
};

export interface TlsRecord {
  type: number;
  version: number;
  payload: Buffer;
}

/** Largest record body a conforming peer may send (2^14 + 2048, RFC 5246 §6.2.3). */
const MAX_RECORD_BODY = 16384 + 2048;

export class GarbageRecordError extends Error {
  constructor(public readonly head: Buffer) {
    super(`not a TLS record: ${head.subarray(0, 16).toString('hex')}`);
  }
}

/** Frames one TLS record; throws GarbageRecordError on a header no TLS peer would send. */
export const tlsRecordFramer: Framer<TlsRecord> = (buf) => {
  if (buf.length < 5) {
    if (buf.length > 0 && !isRecordType(buf[0]!)) throw new GarbageRecordError(buf);
    return null;
  }
  const type = buf[0]!;
  const version = buf.readUInt16BE(1);
  const len = buf.readUInt16BE(3);
  if (!isRecordType(type) || (version >> 8) !== 3 || len > MAX_RECORD_BODY) throw new GarbageRecordError(buf);
  if (buf.length < 5 + len) return null;
  return { consumed: 5 + len, value: { type, version, payload: Buffer.from(buf.subarray(5, 5 + len)) } };
};

function isRecordType(t: number): boolean {
  return t >= 20 && t <= 24;
}

export function record(type: number, version: number, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

/**
 * Reassembles handshake messages that span records, and splits records that carry several
 * messages (both are legal and both happen with real servers).
 */
export class HandshakeReassembler {
  private buf: Buffer = Buffer.alloc(0);
  /** Largest single handshake message we accept (certificate chains can be big, but bounded). */
  constructor(private readonly maxMessage = 256 * 1024) {}

  push(payload: Buffer): HandshakeMessage[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, payload]) : payload;
    const out: HandshakeMessage[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUIntBE(1, 3);
      if (len > this.maxMessage) throw new Error(`handshake message of ${len} bytes exceeds ${this.maxMessage}`);
      if (this.buf.length < 4 + len) break;
      out.push({ type: this.buf[0]!, body: Buffer.from(this.buf.subarray(4, 4 + len)) });
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

/** Minimal bounds-checked reader for parsing server messages. */
export class Reader {
  constructor(private readonly b: Buffer, private pos = 0) {}
  get remaining(): number {
    return this.b.length - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const v = this.b.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new RangeError('truncated TLS message');
  }
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
export function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}
/** A vector with a length prefix of `lenBytes` bytes. */
export function vec(lenBytes: 1 | 2 | 3, body: Buffer): Buffer {
  const h = lenBytes === 1 ? Buffer.from([body.length]) : lenBytes === 2 ? u16(body.length) : u24(body.length);
  return Buffer.concat([h, body]);
}
