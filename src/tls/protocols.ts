// SSL/TLS protocol versions: wire codes, our names, and the names other tools use.
import type { ProtocolName } from './suite-types.js';

export type { ProtocolName };

export interface ProtocolVersion {
  name: ProtocolName;
  /** Version on the wire (ClientHello.legacy_version / supported_versions). SSLv2 is 0x0002. */
  code: number;
  /** Name in OpenSSL (`s_client -tls1_1`, `Protocol : TLSv1.1`) and Node (`minVersion`). */
  opensslName: string;
  /** Node's tls minVersion/maxVersion value, where Node can negotiate it at all. */
  nodeName: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | null;
  /** Deprecated by the IETF (RFC 6176 SSLv2, RFC 7568 SSLv3, RFC 8996 TLS 1.0/1.1). */
  deprecatedBy: string | null;
}

export const PROTOCOLS: readonly ProtocolVersion[] = Object.freeze([
  { name: 'SSLv2', code: 0x0002, opensslName: 'SSLv2', nodeName: null, deprecatedBy: 'RFC 6176' },
  { name: 'SSLv3', code: 0x0300, opensslName: 'SSLv3', nodeName: null, deprecatedBy: 'RFC 7568' },
  { name: 'TLSv1.0', code: 0x0301, opensslName: 'TLSv1', nodeName: 'TLSv1', deprecatedBy: 'RFC 8996' },
  { name: 'TLSv1.1', code: 0x0302, opensslName: 'TLSv1.1', nodeName: 'TLSv1.1', deprecatedBy: 'RFC 8996' },
  { name: 'TLSv1.2', code: 0x0303, opensslName: 'TLSv1.2', nodeName: 'TLSv1.2', deprecatedBy: null },
  { name: 'TLSv1.3', code: 0x0304, opensslName: 'TLSv1.3', nodeName: 'TLSv1.3', deprecatedBy: null },
] as const);

const byName = new Map<string, ProtocolVersion>();
for (const p of PROTOCOLS) {
  byName.set(p.name.toLowerCase(), p);
  byName.set(p.opensslName.toLowerCase(), p);
}
// Common spellings: "TLS1.2", "tls1_2", "TLS 1.2", "SSL3".
function normalise(name: string): string {
  const m = /^\s*(ssl|tls)\s*v?\s*(\d)(?:[._](\d))?\s*$/i.exec(name);
  if (!m) return name.trim().toLowerCase();
  const [, fam, major, minor] = m;
  if (fam!.toLowerCase() === 'ssl') return `sslv${major}`;
  return minor === undefined || (major === '1' && minor === '0') ? `tlsv${major}` : `tlsv${major}.${minor}`;
}

export function protocolByName(name: string): ProtocolVersion | undefined {
  return byName.get(name.trim().toLowerCase()) ?? byName.get(normalise(name));
}

/**
 * The protocol for a wire version. TLS 1.3 drafts (0x7F0E..0x7F1C) map to TLS 1.3; unknown
 * codes give undefined.
 */
export function protocolByCode(code: number): ProtocolVersion | undefined {
  if (code >= 0x7f0e && code <= 0x7f1c) return PROTOCOLS[5];
  return PROTOCOLS.find((p) => p.code === code);
}

/** Negative if a is older than b. */
export function compareProtocols(a: ProtocolName, b: ProtocolName): number {
  return PROTOCOLS.findIndex((p) => p.name === a) - PROTOCOLS.findIndex((p) => p.name === b);
}
