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

// Parsers already loaded, by kind (undefined: the kind has none). A scan asks once per
// file; after the first file of a kind the answer is known without a dynamic import() and
// its promises.
const loaded = new Map<ArtifactKind, ArtifactParser | undefined>();

export async function parserFor(kind: ArtifactKind): Promise<ArtifactParser | undefined> {
  if (loaded.has(kind)) return loaded.get(kind);
  const load = loaders[kind];
  const parser = load ? await load() : undefined;
  loaded.set(kind, parser);
  return parser;
}

/**
 * The parser of a kind when parserFor() has already loaded it (or found it has none), so a
 * caller can skip the await: `loadedParser(kind) ?? (await parserFor(kind))`.
 * null: not loaded yet.
 */
export function loadedParser(kind: ArtifactKind): ArtifactParser | undefined | null {
  return loaded.has(kind) ? loaded.get(kind) : null;
}

export function supportedKinds(): ArtifactKind[] {
  return Object.keys(loaders) as ArtifactKind[];
}
