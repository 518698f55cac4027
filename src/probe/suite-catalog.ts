import { CIPHER_SUITES, SSLV2_CIPHER_KINDS, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV, sslv2CipherKindByCode, suiteByCode, type CipherSuite } from '../tls/suites.js';
import type { ProbeProtocol } from '../model/probe.js';

/**
 * The probe's view of the shared IANA suite table (src/tls): which codes to offer per
 * protocol and what to call them. No suite facts live here.
 */
export function suiteFacts(code: number): CipherSuite | undefined {
  return suiteByCode(code);
}

export function suiteName(code: number): string {
  return suiteByCode(code)?.iana ?? `unknown 0x${code.toString(16).padStart(4, '0').toUpperCase()}`;
}

export function ssl2KindName(code: number): string {
  return sslv2CipherKindByCode(code)?.name ?? `unknown SSLv2 kind 0x${code.toString(16).padStart(6, '0')}`;
}

export function ssl2Kinds(): number[] {
  return SSLV2_CIPHER_KINDS.map((r) => r.code);
}

/**
 * Every suite a client could offer for this protocol: for SSLv3…TLS 1.2 every non-TLS-1.3
 * code in the table (a server that picks a suite too new for the version shows it in the
 * result), for TLS 1.3 only the TLS 1.3 suites.
 */
export function universe(protocol: ProbeProtocol): number[] {
  return CIPHER_SUITES
    .filter((s) => s.code !== TLS_EMPTY_RENEGOTIATION_INFO_SCSV && s.code !== TLS_FALLBACK_SCSV)
    .filter((s) => (protocol === 'TLSv1.3') === s.tls13Only)
    .map((s) => s.code);
}
