import type { FileLocation } from './location.js';

/**
 * One host-firewall ruleset as the kernel would hold it after loading a file: tables of
 * chains of rules, in one intermediate form for iptables-save output, shell scripts that
 * run iptables/ip6tables, and nftables rulesets. The reachability model (src/firewall)
 * reads only this form, so the three syntaxes share one judgement.
 */

export type FirewallFormat = 'iptables-save' | 'iptables-script' | 'nftables';
export type IpFamily = 'ipv4' | 'ipv6';
/** nftables table families; iptables tables map to 'ip' (iptables) or 'ip6' (ip6tables). */
export type TableFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';
export type ChainType = 'filter' | 'nat' | 'route';
export type CtState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

/** ICMPv6 types the model judges (neighbour discovery), by their iptables and nft names. */
export function normalizeIcmpType(t: string): string {
  const x = t.toLowerCase();
  if (x === '135' || x === 'neighbour-solicitation' || x === 'neighbor-solicitation' || x === 'nd-neighbor-solicit') return 'neighbour-solicitation';
  if (x === '136' || x === 'neighbour-advertisement' || x === 'neighbor-advertisement' || x === 'nd-neighbor-advert') return 'neighbour-advertisement';
  return x;
}
export type TcpFlag = 'fin' | 'syn' | 'rst' | 'psh' | 'ack' | 'urg' | 'ecn' | 'cwr';

/**
 * One condition of a rule; a rule matches when all its conditions hold. `negate` is
 * iptables' `!` / nft's `!=`.
 *
 * Stateful matches are judged for a *first* connection attempt from a source with no
 * history (rate limits within their burst, connlimit below any limit of 1 or more,
 * `recent` lists empty): that is what a single new client meets, and what the ground-truth
 * test can observe.
 */
export type Condition =
  | { kind: 'protocol'; negate: boolean; protocols: string[] }
  | { kind: 'saddr' | 'daddr'; negate: boolean; family: IpFamily; ranges: AddressRange[] }
  | { kind: 'sport' | 'dport'; negate: boolean; ranges: PortRange[] }
  | { kind: 'iif' | 'oif'; negate: boolean; names: string[] }
  | { kind: 'ctstate'; negate: boolean; states: CtState[] }
  | { kind: 'tcpflags'; negate: boolean; mask: TcpFlag[]; set: TcpFlag[] }
  /** `-m helper --helper ftp` / nft `ct helper "ftp"`: true only for helper-created (RELATED) flows. */
  | { kind: 'helper'; negate: boolean; name: string }
  /** limit / hashlimit / nft limit rate / meter: matches (within burst) for a first packet; `over` inverts. */
  | { kind: 'ratelimit'; negate: boolean; over: boolean; text: string }
  /** connlimit: `above` N (matches when more than N open) or `upto` N. */
  | { kind: 'connlimit'; negate: boolean; above?: number; upto?: number; text: string }
  /** recent: set always matches; rcheck/update/remove match only sources already listed. */
  | { kind: 'recent'; negate: boolean; mode: 'set' | 'rcheck' | 'update' | 'remove'; text: string }
  /** ICMP/ICMPv6 message type (normalised: 'neighbour-solicitation', 'neighbour-advertisement', or the type as written). */
  | { kind: 'icmptype'; negate: boolean; protocol: 'icmp' | 'icmpv6'; types: string[] }
  /** `-m addrtype --src-type/--dst-type`, nft `fib saddr/daddr type`: address classes (local, unicast...). */
  | { kind: 'addrtype'; negate: boolean; side: 'src' | 'dst'; types: string[] }
  /** The rule is only in the ruleset's other family (nft `meta nfproto ipv6` in an inet table). */
  | { kind: 'nfproto'; negate: boolean; family: IpFamily }
  /** Something we parse but do not model: its truth value is unknown. */
  | { kind: 'unknown'; text: string };

/** Inclusive address interval, as text ("10.0.0.0/8", "192.0.2.1-192.0.2.9", "::/0"). */
export interface AddressRange {
  text: string;
}

/** Inclusive port interval. */
export interface PortRange {
  from: number;
  to: number;
}

export type Target =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  /** No verdict (LOG, counter, a rule with no target): evaluation continues. */
  | { kind: 'continue' }
  /** A verdict we do not model (DNAT, REDIRECT, QUEUE, MARK that later rules read...). */
  | { kind: 'unknown'; text: string };

export interface FirewallRule {
  conditions: Condition[];
  target: Target;
  /** Side effects worth reporting: 'ct-helper:ftp' for `-j CT --helper ftp` / `ct helper set`. */
  effects: string[];
  /** The rule as written (one line, counters dropped). */
  text: string;
  location: FileLocation;
}

export interface BaseChainSpec {
  type: ChainType;
  hook: Hook;
  /** Numeric priority: lower runs first (nft names and iptables tables mapped to numbers). */
  priority: number;
  policy: 'accept' | 'drop';
  /** Where the policy was set (`:INPUT DROP`, `iptables -P`, `policy drop;`). */
  policyLocation?: FileLocation;
}

export interface FirewallChain {
  name: string;
  base?: BaseChainSpec;
  rules: FirewallRule[];
  location?: FileLocation;
}

export interface FirewallTable {
  family: TableFamily;
  name: string;
  chains: FirewallChain[];
  location?: FileLocation;
}

/** A located construct the parser could not turn into the model. */
export interface FirewallUnsupported {
  message: string;
  text: string;
  location: FileLocation;
}

export interface FirewallRuleset {
  file: string;
  format: FirewallFormat;
  /** IP families this file governs (an iptables file one, an inet table both). */
  families: IpFamily[];
  /** Why the families were chosen (e.g. "ip6tables-save header", "file name rules.v6"). */
  familyReason: string;
  tables: FirewallTable[];
  /**
   * Errors that make the loader reject the file as a whole (iptables-restore and `nft -f`
   * are atomic); a script only loses the failing command, so its errors are not listed here.
   */
  loadErrors: FirewallUnsupported[];
  /** Constructs kept out of the model; any verdict they could change becomes not-evaluated. */
  unsupported: FirewallUnsupported[];
  /** Assumptions about the state before the file ran (scripts without a flush). */
  assumptions: string[];
}

declare module './inventory.js' {
  interface InventoryModels {
    firewall: FirewallRuleset[];
  }
}
