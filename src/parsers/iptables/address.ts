import type { IpFamily } from '../../model/firewall.js';

/**
 * Address text → inclusive numeric interval. IPv4 and IPv6 share bigint arithmetic so the
 * reachability model can treat both families alike. Shared by the iptables and nftables
 * parsers (validation) and by src/firewall (evaluation).
 */
export interface NumericRange {
  family: IpFamily;
  lo: bigint;
  hi: bigint;
}

export const FAMILY_BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
export const FAMILY_MAX: Record<IpFamily, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

export function parseIpv4(text: string): bigint | undefined {
  // Hand-rolled: this runs once per address in 20,000-rule files.
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return BigInt(v * 256 + octet);
}

export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

function parseSingle(text: string): { family: IpFamily; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 'ipv4', value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { family: 'ipv6', value: v6 };
  return undefined;
}

function maskFromPrefix(family: IpFamily, bits: number): bigint {
  const total = FAMILY_BITS[family];
  return bits === 0 ? 0n : (FAMILY_MAX[family] >> BigInt(total - bits)) << BigInt(total - bits);
}

/**
 * "a", "a/len", "a/dotted-mask" (iptables), "a-b" (iprange, nft ranges).
 * A prefix keeps only its network part, as the kernel does (10.1.2.3/8 = 10.0.0.0/8).
 */
const memo = new Map<string, NumericRange | undefined>();

/** Memoised: parsers validate an address and the model parses it again when compiling. */
export function parseAddressRange(text: string): NumericRange | undefined {
  if (memo.has(text)) return memo.get(text);
  if (memo.size > 200_000) memo.clear();
  const r = parseAddressRangeUncached(text);
  memo.set(text, r);
  return r;
}

function parseAddressRangeUncached(text: string): NumericRange | undefined {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = parseSingle(text.slice(0, dash).trim());
    const b = parseSingle(text.slice(dash + 1).trim());
    if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
    return { family: a.family, lo: a.value, hi: b.value };
  }
  const slash = text.indexOf('/');
  const base = parseSingle(slash >= 0 ? text.slice(0, slash) : text);
  if (!base) return undefined;
  let mask = FAMILY_MAX[base.family];
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^\d{1,3}$/.test(m)) {
      const bits = Number(m);
      if (bits > FAMILY_BITS[base.family]) return undefined;
      mask = maskFromPrefix(base.family, bits);
    } else {
      const dotted = base.family === 'ipv4' ? parseIpv4(m) : parseIpv6(m);
      if (dotted === undefined) return undefined;
      mask = dotted;
    }
  }
  const lo = base.value & mask;
  const hi = lo | (FAMILY_MAX[base.family] & ~mask);
  return { family: base.family, lo, hi };
}

export function formatAddress(family: IpFamily, v: bigint): string {
  if (family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

/** Render an interval as the fewest CIDR blocks when that is short, else as a-b. */
export function formatRange(family: IpFamily, lo: bigint, hi: bigint): string {
  if (lo === 0n && hi === FAMILY_MAX[family]) return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  if (lo === hi) return formatAddress(family, lo);
  const size = hi - lo + 1n;
  if ((size & (size - 1n)) === 0n && (lo & (size - 1n)) === 0n) {
    let bits = 0;
    for (let s = size; s > 1n; s >>= 1n) bits++;
    return `${formatAddress(family, lo)}/${FAMILY_BITS[family] - bits}`;
  }
  return `${formatAddress(family, lo)}-${formatAddress(family, hi)}`;
}
