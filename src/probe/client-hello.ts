import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { CONTENT, record, u16, u24, vec, WIRE_VERSION, type TlsProtocol } from './tls-wire.js';

/** Special cipher-suite values that are signals, not suites. */
export const SCSV = { renegotiation: 0x00ff, fallback: 0x5600 } as const;

export const EXT = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  heartbeat: 15,
  alpn: 16,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

const GROUP_X25519 = 29;

/** Signature schemes a broad client offers (RFC 8446 §4.2.3 plus legacy SHA-1/MD5 pairs). */
const SIGNATURE_SCHEMES = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601,
  0x0303, 0x0203, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0201, 0x0202,
];

export interface HelloSpec {
  protocol: Exclude<TlsProtocol, 'SSLv2'>;
  /** Cipher suites in preference order (IANA codes). */
  suites: number[];
  sni?: string;
  /** supported_groups; TLS 1.3 also needs at least one. */
  groups: number[];
  /** TLS 1.3: send a real x25519 key share (otherwise an empty key_share forces HelloRetryRequest). */
  x25519Share?: boolean;
  /** Compression methods; default [0]. Offering 1 (DEFLATE) tests CRIME. */
  compression?: number[];
  /** Append TLS_FALLBACK_SCSV (RFC 7507). */
  fallbackScsv?: boolean;
  /** Signal secure renegotiation (RFC 5746) with the empty renegotiation_info extension (SSLv3: with the SCSV). */
  secureRenegotiation?: boolean;
  /** Offer the heartbeat extension (RFC 6520, peer_allowed_to_send) for the Heartbleed check. */
  heartbeat?: boolean;
}

let x25519Public: Buffer | null = null;
/** One ephemeral x25519 public key per process: we never finish a handshake, so its secrecy is moot. */
function x25519Share(): Buffer {
  if (!x25519Public) {
    const { publicKey } = generateKeyPairSync('x25519');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    x25519Public = Buffer.from(der.subarray(der.length - 32));
  }
  return x25519Public;
}

function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vec(2, body)]);
}

function u16list(values: number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

/** A complete ClientHello record for SSLv3 … TLS 1.3. */
export function buildClientHello(spec: HelloSpec): Buffer {
  const wire = WIRE_VERSION[spec.protocol];
  const tls13 = spec.protocol === 'TLSv1.3';
  const legacyVersion = tls13 ? 0x0303 : wire;
  const suites = [...spec.suites];
  const withExtensions = spec.protocol !== 'SSLv3';
  if (spec.secureRenegotiation && !withExtensions) suites.push(SCSV.renegotiation);
  if (spec.fallbackScsv) suites.push(SCSV.fallback);

  const exts: Buffer[] = [];
  if (withExtensions) {
    if (spec.sni && !/^\d+\.\d+\.\d+\.\d+$/.test(spec.sni) && !spec.sni.includes(':')) {
      const name = Buffer.from(spec.sni, 'ascii');
      exts.push(ext(EXT.serverName, vec(2, Buffer.concat([Buffer.from([0]), vec(2, name)]))));
    }
    exts.push(ext(EXT.supportedGroups, vec(2, u16list(spec.groups))));
    exts.push(ext(EXT.ecPointFormats, vec(1, Buffer.from([0, 1, 2]))));
    exts.push(ext(EXT.signatureAlgorithms, vec(2, u16list(SIGNATURE_SCHEMES))));
    exts.push(ext(EXT.sessionTicket, Buffer.alloc(0)));
    exts.push(ext(EXT.extendedMasterSecret, Buffer.alloc(0)));
    exts.push(ext(EXT.encryptThenMac, Buffer.alloc(0)));
    if (spec.secureRenegotiation && !tls13) exts.push(ext(EXT.renegotiationInfo, Buffer.from([0])));
    if (spec.heartbeat) exts.push(ext(EXT.heartbeat, Buffer.from([1])));
    if (tls13) {
      exts.push(ext(EXT.supportedVersions, vec(1, u16(0x0304))));
      exts.push(ext(EXT.pskKeyExchangeModes, vec(1, Buffer.from([1]))));
      const shares = spec.x25519Share && spec.groups.includes(GROUP_X25519)
        ? Buffer.concat([u16(GROUP_X25519), vec(2, x25519Share())])
        : Buffer.alloc(0);
      exts.push(ext(EXT.keyShare, vec(2, shares)));
    }
  }

  const body = Buffer.concat([
    u16(legacyVersion),
    randomBytes(32),
    // A 32-byte session id: TLS 1.3 middlebox compatibility mode (RFC 8446 §D.4); harmless below.
    vec(1, tls13 ? randomBytes(32) : Buffer.alloc(0)),
    vec(2, u16list(suites)),
    vec(1, Buffer.from(spec.compression ?? [0])),
    withExtensions ? vec(2, Buffer.concat(exts)) : Buffer.alloc(0),
  ]);
  const hs = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  // Record version 0x0301 for TLS: some servers reject a ClientHello record claiming 1.2+.
  return record(CONTENT.handshake, spec.protocol === 'SSLv3' ? 0x0300 : 0x0301, hs);
}

/**
 * An SSLv2 CLIENT-HELLO with the 2-byte record header (draft-hickman-netscape-ssl-00 §2.5):
 * the only way to ask whether a server still speaks SSL 2.0.
 */
export function buildSsl2ClientHello(cipherKinds: number[]): Buffer {
  const specs = Buffer.concat(cipherKinds.map((k) => Buffer.from([(k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff])));
  const challenge = createHash('sha256').update(randomBytes(16)).digest().subarray(0, 16);
  const body = Buffer.concat([
    Buffer.from([1]), // MSG-CLIENT-HELLO
    u16(0x0002),
    u16(specs.length),
    u16(0), // session-id length
    u16(challenge.length),
    specs,
    challenge,
  ]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}
