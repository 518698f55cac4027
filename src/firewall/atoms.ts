import type { AddressRange, IpFamily } from '../model/firewall.js';
import { FAMILY_MAX, parseAddressRange } from '../parsers/iptables/address.js';

/**
 * The address space of one family cut into "atoms": maximal intervals inside which no rule
 * can tell two addresses apart (every rule's address range starts and ends on atom
 * boundaries). Judging one address per atom is then exact for every address, which lets
 * the model answer "from which sources" without enumerating 2^32 or 2^128 addresses.
 */
export class AddressAtoms {
  /** Sorted atom start addresses; atom k is [starts[k], starts[k+1]-1]. */
  readonly starts: bigint[];
  private readonly index = new Map<bigint, number>();

  constructor(readonly family: IpFamily, ranges: { lo: bigint; hi: bigint }[]) {
    const max = FAMILY_MAX[family];
    const set = new Set<bigint>([0n]);
    for (const r of ranges) {
      set.add(r.lo);
      if (r.hi < max) set.add(r.hi + 1n);
    }
    this.starts = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.starts.forEach((s, i) => this.index.set(s, i));
  }

  get count(): number {
    return this.starts.length;
  }

  /** Atom interval [first, last] covering exactly lo..hi (both must be boundaries). */
  span(lo: bigint, hi: bigint): [number, number] {
    const a = this.index.get(lo)!;
    const b = hi === FAMILY_MAX[this.family] ? this.starts.length - 1 : this.index.get(hi + 1n)! - 1;
    return [a, b];
  }

  /** Atom holding an address (binary search). */
  atomOf(addr: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= addr) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  bounds(atom: number): { lo: bigint; hi: bigint } {
    const lo = this.starts[atom]!;
    const hi = atom + 1 < this.starts.length ? this.starts[atom + 1]! - 1n : FAMILY_MAX[this.family];
    return { lo, hi };
  }
}

export function numericRanges(family: IpFamily, ranges: AddressRange[]): { lo: bigint; hi: bigint }[] {
  const out: { lo: bigint; hi: bigint }[] = [];
  for (const r of ranges) {
    const n = parseAddressRange(r.text);
    if (n && n.family === family) out.push({ lo: n.lo, hi: n.hi });
  }
  return out;
}

/** Sorted, disjoint, inclusive [a,b] pairs of atom indices. */
export type AtomSpans = number[];

export function normalizeSpans(pairs: [number, number][]): AtomSpans {
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const n = out.length;
    if (n && a <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, b);
    else out.push(a, b);
  }
  return out;
}

export function complementSpans(s: AtomSpans, count: number): AtomSpans {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < s.length; i += 2) {
    if (s[i]! > next) out.push(next, s[i]! - 1);
    next = s[i + 1]! + 1;
  }
  if (next <= count - 1) out.push(next, count - 1);
  return out;
}

export function intersectSpans(a: AtomSpans, b: AtomSpans): AtomSpans {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}
