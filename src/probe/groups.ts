import { NAMED_GROUPS, groupByCode } from '../tls/groups.js';

/** Every named group we can offer (explicit-curve placeholders excluded: they are not groups). */
export const OFFERED_GROUPS: number[] = NAMED_GROUPS.filter((g) => g.kind !== 'explicit').map((g) => g.code);

export function groupName(code: number): string {
  return groupByCode(code)?.iana ?? `unknown group ${code}`;
}
