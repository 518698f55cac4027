import { NAMED_GROUPS, groupByCode } from '../tls/groups.js';

/** Every named group we can offer (explicit-curve placeholders excluded: they are not groups). */
export const OFFERED_GROUPS: number[] = NAMED_GROUPS.filter((g) => g.kind !== 'explicit').map((g) => g.code);

export function groupName(code: number): string {
  return groupByCode(code)?.iana ?? `unknown group ${code}`;
}

/**
 * Groups for TLS ≤ 1.2 hellos: without the RFC 7919 FFDHE groups, so a DHE suite shows the
 * prime the server hands to ordinary (legacy) clients — the one LOGJAM is about — rather
 * than a negotiated ffdhe group few TLS 1.2 clients ask for.
 */
export const OFFERED_GROUPS_TLS12: number[] = NAMED_GROUPS.filter((g) => g.kind !== 'explicit' && g.kind !== 'ffdhe').map((g) => g.code);
