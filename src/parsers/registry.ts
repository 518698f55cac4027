import type { ArtifactKind } from '../model/artifact.js';
import type { ArtifactParser } from './types.js';

/**
 * Parsers are loaded lazily, only for the kinds a run actually found, so that
 * `ftps-audit --version` and small scans do not pay for every parser's imports.
 * Add one line per kind.
 */
const loaders: Partial<Record<ArtifactKind, () => Promise<ArtifactParser>>> = {
  'vsftpd-conf': async () => (await import('./vsftpd/index.js')).parser,
  'iptables-save': async () => (await import('./iptables/index.js')).saveParser,
  'iptables-script': async () => (await import('./iptables/index.js')).scriptParser,
  nftables: async () => (await import('./nftables/index.js')).parser,
  x509: async () => (await import('./x509/index.js')).parser,
  faillock: async () => (await import('./faillock/index.js')).parser,
  pwquality: async () => (await import('./pwquality/index.js')).parser,
  'login-defs': async () => (await import('./login-defs/index.js')).parser,
  pam: async () => (await import('./pam/index.js')).parser,
  fail2ban: async () => (await import('./fail2ban/index.js')).parser,
};

export async function parserFor(kind: ArtifactKind): Promise<ArtifactParser | undefined> {
  const load = loaders[kind];
  return load ? load() : undefined;
}

export function supportedKinds(): ArtifactKind[] {
  return Object.keys(loaders) as ArtifactKind[];
}
