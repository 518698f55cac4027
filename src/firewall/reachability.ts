import type { BaseChainSpec, Condition, CtState, FirewallRule, FirewallRuleset, Hook, IpFamily, TcpFlag } from '../model/firewall.js';
import type { FileLocation } from '../model/location.js';
import { formatRange, parseAddressRange } from '../parsers/iptables/address.js';
import { AddressAtoms, complementSpans, intersectSpans, normalizeSpans, numericRanges, type AtomSpans } from './atoms.js';

/**
 * The reachability model: given every firewall ruleset found, decide for a TCP port whether
 * a new connection from an arbitrary remote source gets through, and which rule decides.
 *
 * A connection is judged by the three packets that make it work: the client's SYN on the
 * input path (ct state new), the server's reply on the output path (established) and the
 * client's next packets on the input path (established). All three must be accepted.
 *
 * Each path runs the base chains of its hooks in priority order (prerouting then input;
 * output then postrouting): iptables tables are base chains at their fixed priorities, so
 * iptables and nftables share one semantics. In a chain the first rule with a verdict
 * decides; `accept` ends only its own base chain (a later base chain may still drop),
 * drop/reject are final, jump/goto/return are followed, the policy applies at the end.
 *
 * Sources are not enumerated: the address space is cut into atoms no rule can split
 * (src/firewall/atoms.ts) and every atom is judged at once by painting atom spans rule by
 * rule. Interface names and the server's own address are unknown to a file scan, so they
 * are enumerated as "worlds" (each name/address the rules mention, plus "any other").
 */

export type Decision = 'accept' | 'drop' | 'unknown';

export interface RuleRef {
  location: FileLocation;
  text: string;
}

export interface PortVerdict {
  family: IpFamily;
  port: number;
  /** open: every source accepted (in at least one interface/address world); restricted: some; closed: none. */
  verdict: 'open' | 'restricted' | 'closed' | 'unknown';
  /** Accepted source ranges (merged, at most 20 shown) for restricted ports. */
  acceptedSources: string[];
  /** For open ports: the source ranges that are nevertheless blocked (a blocklist; at most 20 shown). */
  exceptSources: string[];
  /** Number of blocked source ranges (for "and N more"). */
  exceptCount: number;
  /** The rule (or policy) that decides for the typical source. */
  decidedBy?: RuleRef;
  /** Why the verdict is unknown: the unmodelled rule reached. */
  unknownBecause?: RuleRef;
  /** Extra conditions, e.g. "only via interface eth0", "only to 203.0.113.5". */
  conditions: string[];
}

export interface PacketQuery {
  family: IpFamily;
  /** Server port (destination of the client's SYN). */
  port: number;
  peer: string;
  /** Interface the client's packets arrive on (default: one no rule names). */
  iface?: string;
  /** The server address the client connects to (default: one no rule names). */
  local?: string;
  /** The client's source port (default 50000, an ephemeral port). */
  peerPort?: number;
}

export interface PacketResult {
  decision: Decision;
  decidedBy?: RuleRef;
  stage?: 'syn' | 'reply' | 'established';
}

const PEER_PORT = 50000;
const OTHER_IFACE = '\u0000other';
const NONE = -2147483648;

interface CompiledRule {
  rule: FirewallRule;
  id: number;
  /** Conditions other than the peer address. */
  others: Condition[];
  /** Peer-address atom spans, or null when the rule does not look at the peer address. */
  peer: AtomSpans | null;
  localRanges: { negate: boolean; ranges: { lo: bigint; hi: bigint }[] }[];
  target: FirewallRule['target'];
  jumpTo: number;
}

interface CompiledChain {
  name: string;
  rules: CompiledRule[];
}

interface BaseInvocation {
  chain: number;
  spec: BaseChainSpec;
  file: string;
  chainLabel: string;
}

type Direction = 'in' | 'out';

interface Stage {
  direction: Direction;
  state: CtState;
  /** Transport protocol of the packet; ICMPv6 for neighbour discovery. */
  proto?: 'tcp' | 'icmpv6';
  icmpType?: string;
  flags: TcpFlag[];
  localPort: number;
  peerPort: number;
}

interface World {
  iface: string;
  local: bigint | undefined;
  label: string[];
}

interface CompiledPath {
  chains: CompiledChain[];
  bases: BaseInvocation[];
  atoms: AddressAtoms;
  worlds: World[];
  /** Port boundaries for the server-side port: ports between two boundaries behave alike. */
  portStarts: number[];
}

/** Everything the model needs from the inventory, per family. */
export class FirewallModel {
  readonly rules: FirewallRule[] = [];
  readonly policies: RuleRef[] = [];
  private readonly paths = new Map<string, CompiledPath>();
  private readonly verdictCache = new Map<string, PortVerdict>();
  readonly excluded: { file: string; reason: string }[] = [];

  /**
   * @param options.cache share verdicts between ports no rule tells apart (default true;
   *   the bench turns it off to time the per-port evaluation itself).
   */
  constructor(readonly rulesets: FirewallRuleset[], private readonly options: { cache?: boolean } = {}) {
    for (const rs of rulesets) {
      if (rs.loadErrors.length) this.excluded.push({ file: rs.file, reason: `the loader would reject the file (${rs.loadErrors[0]!.message}, ${rs.loadErrors[0]!.location.file}:${rs.loadErrors[0]!.location.line})` });
    }
  }

  /** Rulesets governing a family (loaded ones only). */
  rulesetsFor(family: IpFamily): FirewallRuleset[] {
    return this.rulesets.filter((r) => !r.loadErrors.length && r.families.includes(family));
  }

  /** True if any loaded ruleset has a base chain on the input hook for this family. */
  filtersFamily(family: IpFamily): boolean {
    return this.path(family, 'in').bases.some((b) => b.spec.hook === 'input' && b.spec.type === 'filter');
  }

  private path(family: IpFamily, direction: Direction): CompiledPath {
    const key = `${family}/${direction}`;
    let p = this.paths.get(key);
    if (!p) {
      p = this.compile(family, direction);
      this.paths.set(key, p);
    }
    return p;
  }

  private compile(family: IpFamily, direction: Direction): CompiledPath {
    const hooks: Hook[] = direction === 'in' ? ['prerouting', 'input'] : ['output', 'postrouting'];
    const peerKind = direction === 'in' ? 'saddr' : 'daddr';
    const localKind = direction === 'in' ? 'daddr' : 'saddr';
    const ifaceKind = direction === 'in' ? 'iif' : 'oif';
    const tableFamilies = family === 'ipv4' ? ['ip', 'inet'] : ['ip6', 'inet'];
    const chains: CompiledChain[] = [];
    const bases: (BaseInvocation & { order: number })[] = [];
    const peerRanges: { lo: bigint; hi: bigint }[] = [];
    const localRanges: { lo: bigint; hi: bigint }[] = [];
    const ifaces = new Set<string>();
    const portStarts = new Set<number>([0]);
    const pending: { cr: CompiledRule; conds: Condition[] }[] = [];
    let order = 0;
    for (const rs of this.rulesetsFor(family)) {
      for (const table of rs.tables) {
        if (!tableFamilies.includes(table.family)) continue;
        // Only chains this path can reach matter (an INPUT blocklist says nothing about OUTPUT).
        const reachable = new Set<string>();
        const queue = table.chains.filter((c) => c.base && hooks.includes(c.base.hook)).map((c) => c.name);
        while (queue.length) {
          const name = queue.pop()!;
          if (reachable.has(name)) continue;
          reachable.add(name);
          const ch = table.chains.find((c) => c.name === name);
          for (const r of ch?.rules ?? []) if (r.target.kind === 'jump' || r.target.kind === 'goto') queue.push(r.target.chain);
        }
        const nameToIndex = new Map<string, number>();
        const first = chains.length;
        table.chains.forEach((c, i) => nameToIndex.set(c.name, first + i));
        for (const c of table.chains) {
          const cc: CompiledChain = { name: `${table.family} ${table.name} ${c.name}`, rules: [] };
          chains.push(cc);
          if (!reachable.has(c.name)) continue;
          for (const r of c.rules) {
            const id = this.rules.length;
            this.rules.push(r);
            const others: Condition[] = [];
            const peerConds: Condition[] = [];
            const locals: CompiledRule['localRanges'] = [];
            for (const cond of r.conditions) {
              if (cond.kind === peerKind) {
                if (cond.family !== family) { others.push({ kind: 'nfproto', negate: false, family: cond.family }); continue; }
                peerConds.push(cond);
                peerRanges.push(...numericRanges(family, cond.ranges));
              } else if (cond.kind === localKind) {
                if (cond.family !== family) { others.push({ kind: 'nfproto', negate: false, family: cond.family }); continue; }
                const nr = numericRanges(family, cond.ranges);
                locals.push({ negate: cond.negate, ranges: nr });
                localRanges.push(...nr);
              } else {
                if (cond.kind === ifaceKind) for (const n of cond.names) ifaces.add(n);
                const localPortKind = direction === 'in' ? 'dport' : 'sport';
                if (cond.kind === localPortKind) {
                  for (const pr of cond.ranges) {
                    portStarts.add(pr.from);
                    if (pr.to < 65535) portStarts.add(pr.to + 1);
                  }
                }
                others.push(cond);
              }
            }
            const jumpTo = r.target.kind === 'jump' || r.target.kind === 'goto' ? nameToIndex.get(r.target.chain) ?? -1 : -1;
            const cr: CompiledRule = { rule: r, id, others, peer: null, localRanges: locals, target: r.target, jumpTo };
            cc.rules.push(cr);
            pending.push({ cr, conds: peerConds });
          }
          if (c.base && hooks.includes(c.base.hook)) {
            bases.push({ chain: nameToIndex.get(c.name)!, spec: c.base!, file: rs.file, chainLabel: `${table.family} ${table.name} ${c.name}`, order: order++ });
          }
        }
      }
    }
    const atoms = new AddressAtoms(family, peerRanges);
    for (const { cr, conds } of pending) {
      let spans: AtomSpans | null = null;
      for (const cond of conds) {
        if (cond.kind !== 'saddr' && cond.kind !== 'daddr') continue;
        let s = normalizeSpans(numericRanges(family, cond.ranges).map((r) => atoms.span(r.lo, r.hi)));
        if (cond.negate) s = complementSpans(s, atoms.count);
        spans = spans === null ? s : intersectSpans(spans, s);
      }
      cr.peer = spans;
    }
    const hookRank = (h: Hook) => hooks.indexOf(h);
    bases.sort((a, b) => hookRank(a.spec.hook) - hookRank(b.spec.hook) || a.spec.priority - b.spec.priority || a.order - b.order);
    for (const b of bases) {
      // The location names the file; the text names the chain ("ip filter INPUT policy drop").
      const ref: RuleRef = { location: b.spec.policyLocation ?? { file: b.file }, text: `${b.chainLabel} policy ${b.spec.policy}${b.spec.policyLocation ? '' : ' (default, never set)'}` };
      (b as BaseInvocation & { policyId?: number }).policyId = this.policies.length;
      this.policies.push(ref);
    }
    // Worlds: interface names and server addresses the rules distinguish, plus "any other".
    const ifaceWorlds: { name: string; label: string }[] = [];
    for (const n of ifaces) {
      if (n === 'lo' || n === 'lo+') continue;
      ifaceWorlds.push(n.endsWith('+') ? { name: `${n.slice(0, -1)}\u0001`, label: `only via interfaces ${n.slice(0, -1)}*` } : { name: n, label: `only via interface ${n}` });
    }
    ifaceWorlds.push({ name: OTHER_IFACE, label: '' });
    const localAtoms = new AddressAtoms(family, localRanges);
    const localWorlds: { addr: bigint | undefined; label: string }[] = [];
    let uncovered: bigint | undefined;
    const coveredAtoms = new Uint8Array(localAtoms.count);
    for (const r of localRanges) {
      const [a, b] = localAtoms.span(r.lo, r.hi);
      coveredAtoms.fill(1, a, b + 1);
    }
    for (let k = 0; k < localAtoms.count; k++) {
      const { lo, hi } = localAtoms.bounds(k);
      const covered = coveredAtoms[k] === 1;
      if (!covered) { uncovered ??= lo; continue; }
      if (localWorlds.length < 32) localWorlds.push({ addr: lo, label: `only to server address ${formatSpan(family, lo, hi)}` });
    }
    // Last: a server address no rule names (the default world).
    if (uncovered !== undefined || localWorlds.length === 0) localWorlds.push({ addr: uncovered, label: '' });
    const worlds: World[] = [];
    for (const i of ifaceWorlds) for (const l of localWorlds) worlds.push({ iface: i.name, local: l.addr, label: [i.label, l.label].filter(Boolean) });
    return {
      chains,
      bases: bases.map(({ order: _o, ...b }) => b),
      atoms,
      worlds,
      portStarts: [...portStarts].sort((a, b) => a - b),
    };
  }

  /**
   * Judge one stage (one packet kind) for every atom of a world. Returns per-atom decision
   * codes (1 accept, 2 drop, 3 unknown) and deciders (rule id ≥ 0, policy -1-k).
   */
  private runStage(p: CompiledPath, family: IpFamily, stage: Stage, world: World, slot?: number): { status: Uint8Array; decider: Int32Array } {
    const n = p.atoms.count;
    // computeVerdict runs thousands of stages: it lends reusable buffers (one per slot).
    const { status, decider } = slot === undefined ? { status: new Uint8Array(n), decider: new Int32Array(n) } : this.scratch(p, slot);
    status.fill(0);
    decider.fill(NONE);
    let active = n;
    const paint = (spans: AtomSpans, code: number, who: number, returned?: number[]) => {
      for (let i = 0; i < spans.length; i += 2) {
        for (let a = spans[i]!; a <= spans[i + 1]!; a++) {
          if (status[a] !== 0) continue;
          status[a] = code;
          if (code !== 4) { decider[a] = who; active--; }
          else returned!.push(a);
        }
      }
    };
    const restore = (list: number[]) => { for (const a of list) if (status[a] === 4) status[a] = 0; };
    const activeIn = (spans: AtomSpans): boolean => {
      for (let i = 0; i < spans.length; i += 2) for (let a = spans[i]!; a <= spans[i + 1]!; a++) if (status[a] === 0) return true;
      return false;
    };
    const evalChain = (ci: number, scope: AtomSpans, returned: number[], depth: number, nat: boolean) => {
      const chain = p.chains[ci]!;
      for (const cr of chain.rules) {
        if (active === 0) return;
        if (cr.target.kind === 'continue') continue;
        const truth = this.evalOthers(cr, family, stage, world);
        if (truth === 0) continue;
        const spans = cr.peer === null ? scope : scope.length === 2 && scope[0] === 0 && scope[1] === n - 1 ? cr.peer : intersectSpans(scope, cr.peer);
        if (spans.length === 0) continue;
        if (truth === 2 || cr.target.kind === 'unknown' || depth > 64) { paint(spans, 3, cr.id); continue; }
        switch (cr.target.kind) {
          case 'accept': paint(spans, 1, cr.id); break;
          case 'drop': case 'reject': paint(spans, 2, cr.id); break;
          case 'return': paint(spans, 4, cr.id, returned); break;
          case 'jump':
          case 'goto': {
            if (cr.jumpTo < 0) { paint(spans, 3, cr.id); break; }
            for (let i = 0; i < spans.length; i += 2) {
              const sub: AtomSpans = [spans[i]!, spans[i + 1]!];
              if (!activeIn(sub)) continue;
              const subReturned: number[] = [];
              evalChain(cr.jumpTo, sub, subReturned, depth + 1, nat);
              restore(subReturned);
              // After a goto, whatever comes back returns from this chain too.
              if (cr.target.kind === 'goto') paint(sub, 4, cr.id, returned);
            }
            break;
          }
        }
      }
    };
    const everything: AtomSpans = [0, n - 1];
    let ran = false;
    p.bases.forEach((b) => {
      if (b.spec.type === 'nat' && stage.state !== 'new') return;
      // Atoms accepted by an earlier base chain go on through this one.
      if (ran) for (let a = 0; a < n; a++) if (status[a] === 1) { status[a] = 0; active++; }
      ran = true;
      const returned: number[] = [];
      evalChain(b.chain, everything, returned, 0, b.spec.type === 'nat');
      restore(returned);
      // `active` counts undecided atoms exactly here (returned ones were restored).
      if (active === 0) return;
      const policyId = -1 - (b as BaseInvocation & { policyId?: number }).policyId!;
      for (let a = 0; a < n; a++) {
        if (status[a] !== 0) continue;
        if (b.spec.policy === 'drop') { status[a] = 2; decider[a] = policyId; active--; }
        // An accepting policy reports itself unless an explicit rule accepted the packet in an
        // earlier base chain: a later chain's own policy is the better answer than an earlier
        // one's (raw PREROUTING accepting everything decides nothing about filter INPUT).
        else { status[a] = 1; if (decider[a] === NONE || decider[a]! < 0) decider[a] = policyId; active--; }
      }
    });
    // No base chain at all: the kernel accepts.
    if (active > 0) for (let a = 0; a < n; a++) if (status[a] === 0) status[a] = 1;
    return { status, decider };
  }

  /** 1 true, 0 false, 2 unknown: three-valued AND of the non-peer conditions. */
  private evalOthers(cr: CompiledRule, family: IpFamily, stage: Stage, world: World): 0 | 1 | 2 {
    let unknown = false;
    const inbound = stage.direction === 'in';
    const proto = stage.proto ?? 'tcp';
    const tcp = proto === 'tcp';
    for (const c of cr.others) {
      let v: boolean | undefined;
      switch (c.kind) {
        case 'protocol': v = c.protocols.includes(proto) || c.protocols.includes('all') || (proto === 'icmpv6' && c.protocols.includes('ipv6-icmp')); break;
        case 'nfproto': v = c.family === family; break;
        case 'sport': v = tcp && inPorts(c.ranges, inbound ? stage.peerPort : stage.localPort); break;
        case 'dport': v = tcp && inPorts(c.ranges, inbound ? stage.localPort : stage.peerPort); break;
        case 'addrtype': {
          // Route types, as the kernel's fib lookup gives them: the server's own address is
          // LOCAL (not UNICAST, which is a route to another host); a remote client's is UNICAST.
          const localSide = (c.side === 'dst') === inbound;
          const classes = localSide ? ['local'] : ['unicast'];
          v = c.types.some((t) => classes.includes(t));
          break;
        }
        case 'icmptype': v = c.protocol === proto && stage.icmpType !== undefined && c.types.includes(stage.icmpType); break;
        case 'iif': v = inbound ? c.names.some((nm) => ifaceMatches(nm, world.iface)) : false; break;
        case 'oif': v = inbound ? false : c.names.some((nm) => ifaceMatches(nm, world.iface)); break;
        case 'ctstate': v = c.states.includes(stage.state); break;
        case 'tcpflags': v = tcp && c.mask.filter((f) => stage.flags.includes(f)).sort().join() === [...c.set].filter((f) => c.mask.includes(f)).sort().join(); break;
        case 'helper': v = undefined; break;
        case 'ratelimit': v = !c.over; break;
        case 'connlimit': v = c.above !== undefined ? 1 > c.above : 1 <= (c.upto ?? 0); break;
        case 'recent': v = c.mode === 'set'; break;
        case 'unknown': v = undefined; break;
        case 'saddr': case 'daddr': v = false; break; // other family: cannot match
      }
      if (v === undefined) { unknown = true; continue; }
      if (c.kind !== 'unknown' && c.negate) v = !v;
      if (!v) return 0;
    }
    for (const l of cr.localRanges) {
      if (world.local === undefined) {
        // A server address no rule names: inside no range.
        if (!l.negate) return 0;
        continue;
      }
      let v = l.ranges.some((r) => world.local! >= r.lo && world.local! <= r.hi);
      if (l.negate) v = !v;
      if (!v) return 0;
    }
    return unknown ? 2 : 1;
  }

  private stages(port: number, peerPort: number): Stage[] {
    return [
      { direction: 'in', state: 'new', flags: ['syn'], localPort: port, peerPort },
      { direction: 'out', state: 'established', flags: ['syn', 'ack'], localPort: port, peerPort },
      { direction: 'in', state: 'established', flags: ['ack'], localPort: port, peerPort },
    ];
  }

  private ref(id: number, _family?: IpFamily): RuleRef | undefined {
    if (id === NONE) return undefined;
    if (id >= 0) return { location: this.rules[id]!.location, text: this.rules[id]!.text };
    return this.policies[-1 - id];
  }

  private readonly scratchBuffers = new WeakMap<CompiledPath, { status: Uint8Array; decider: Int32Array }[]>();

  private scratch(p: CompiledPath, slot: number): { status: Uint8Array; decider: Int32Array } {
    let list = this.scratchBuffers.get(p);
    if (!list) {
      list = [];
      this.scratchBuffers.set(p, list);
    }
    let b = list[slot];
    if (!b) {
      b = { status: new Uint8Array(p.atoms.count), decider: new Int32Array(p.atoms.count) };
      list[slot] = b;
    }
    return b;
  }

  private readonly tables = new WeakMap<CompiledPath, { inToOut: Int32Array; sizeFraction: Float64Array }>();

  /** Per in-path atom: the out-path atom holding the same addresses, and its share of the space. */
  private atomTables(pin: CompiledPath, pout: CompiledPath): { inToOut: Int32Array; sizeFraction: Float64Array } {
    let t = this.tables.get(pin);
    if (!t) {
      const n = pin.atoms.count;
      const inToOut = new Int32Array(n);
      const sizeFraction = new Float64Array(n);
      const space = Number(pin.atoms.family === 'ipv4' ? 1n << 32n : 1n << 128n);
      for (let a = 0; a < n; a++) {
        const { lo, hi } = pin.atoms.bounds(a);
        inToOut[a] = pout.atoms.atomOf(lo);
        sizeFraction[a] = Number(hi - lo + 1n) / space;
      }
      t = { inToOut, sizeFraction };
      this.tables.set(pin, t);
    }
    return t;
  }

  /** Verdict for one port, from an arbitrary source. */
  portVerdict(family: IpFamily, port: number, peerPort = PEER_PORT): PortVerdict {
    const pin = this.path(family, 'in');
    // Ports between the same boundaries behave alike: judge one per class.
    const cls = classOf(pin.portStarts, port);
    const pout = this.path(family, 'out');
    const clsOut = classOf(pout.portStarts, port);
    const key = `${family}/${cls}/${clsOut}/${peerPort}`;
    if (this.options.cache === false) return this.computeVerdict(family, port, peerPort);
    const cached = this.verdictCache.get(key);
    if (cached) return { ...cached, port };
    const v = this.computeVerdict(family, port, peerPort);
    this.verdictCache.set(key, v);
    return v;
  }

  private computeVerdict(family: IpFamily, port: number, peerPort: number): PortVerdict {
    const pin = this.path(family, 'in');
    const pout = this.path(family, 'out');
    const [syn, reply, est] = this.stages(port, peerPort);
    // Worlds: the in-path's interface/address worlds; the out path sees the same interface
    // and address (a reply leaves where the request came in).
    let best: { kind: 'all' | 'some' | 'none'; world: World; accepted: Uint8Array; deciders: Int32Array } | undefined;
    let unknownBy: number | undefined;
    const results: { kind: 'all' | 'some' | 'none'; world: World; accepted: Uint8Array; deciders: Int32Array }[] = [];
    for (const [w, world] of pin.worlds.entries()) {
      const s1 = this.runStage(pin, family, syn!, world, 0);
      const s2 = this.runStage(pout, family, reply!, world, 1);
      const s3 = this.runStage(pin, family, est!, world, 2);
      // Combine per peer atom of the in path; the out path has its own atoms.
      const { inToOut, sizeFraction } = this.atomTables(pin, pout);
      const n = pin.atoms.count;
      // Reused per world: only this call reads them, and every element is written below.
      const { status: accepted, decider: deciders } = this.scratch(pin, 3 + w);
      // "Any source" means most of the address space: a blocklist of a few addresses does not
      // make a port restricted, an allowlist does.
      let acceptedFraction = 0;
      let nAcc = 0;
      for (let a = 0; a < n; a++) {
        const b = inToOut[a]!;
        const st1 = s1.status[a]!;
        const st2 = s2.status[b]!;
        const st3 = s3.status[a]!;
        if (st1 === 2) { accepted[a] = 0; deciders[a] = s1.decider[a]!; }
        else if (st2 === 2) { accepted[a] = 0; deciders[a] = s2.decider[b]!; }
        else if (st3 === 2) { accepted[a] = 0; deciders[a] = s3.decider[a]!; }
        else if (st1 === 3 || st2 === 3 || st3 === 3) {
          const who = st1 === 3 ? s1.decider[a]! : st2 === 3 ? s2.decider[b]! : s3.decider[a]!;
          accepted[a] = 0; deciders[a] = who; unknownBy ??= who;
        } else {
          accepted[a] = 1; deciders[a] = s1.decider[a]!;
          nAcc++;
          acceptedFraction += sizeFraction[a]!;
        }
      }
      // The out path may split sources more finely than the in path: check its atoms too.
      for (let b = 0; b < pout.atoms.count; b++) {
        if (s2.status[b] === 3) { unknownBy ??= s2.decider[b]!; break; }
      }
      const half = 0.5;
      const acceptedSize = acceptedFraction;
      const kind = nAcc === accepted.length || acceptedSize >= half ? 'all' : nAcc === 0 ? 'none' : 'some';
      const r = { kind, world, accepted, deciders } as const;
      results.push(r);
      // The best world; among equals, the one with the fewest conditions (the most general).
      if (!best || rank(kind) > rank(best.kind) || (rank(kind) === rank(best.kind) && world.label.length < best.world.label.length)) best = r;
    }
    const b = best!;
    const verdict: PortVerdict = { family, port, verdict: b.kind === 'all' ? 'open' : b.kind === 'some' ? 'restricted' : 'closed', acceptedSources: [], exceptSources: [], exceptCount: 0, conditions: [] };
    if (unknownBy !== undefined) {
      verdict.verdict = 'unknown';
      verdict.unknownBecause = this.ref(unknownBy, family);
    }
    const defaultWorld = results[results.length - 1]!;
    if (b.kind !== 'none' && b !== defaultWorld && defaultWorld.kind !== b.kind) verdict.conditions.push(...b.world.label);
    // The deciding rule for the typical source: an accepted one if any, else the first.
    const idx = b.accepted.indexOf(1);
    verdict.decidedBy = this.ref(b.deciders[idx >= 0 ? idx : b.deciders.length - 1]!, family);
    const spansOf = (want: boolean): { list: string[]; count: number } => {
      const list: string[] = [];
      let count = 0;
      for (let a = 0; a < b.accepted.length; a++) {
        if ((b.accepted[a] === 1) !== want) continue;
        let e = a;
        while (e + 1 < b.accepted.length && (b.accepted[e + 1] === 1) === want) e++;
        if (list.length < 20) list.push(formatSpan(family, pin.atoms.bounds(a).lo, pin.atoms.bounds(e).hi));
        count++;
        a = e;
      }
      return { list, count };
    };
    if (b.kind === 'some') verdict.acceptedSources = spansOf(true).list;
    if (b.kind === 'all' && b.accepted.indexOf(0) >= 0) {
      const blocked = spansOf(false);
      verdict.exceptSources = blocked.list;
      verdict.exceptCount = blocked.count;
    }
    return verdict;
  }

  /** Exact answer for one concrete packet flow (used to compare with the kernel). */
  connection(q: PacketQuery): PacketResult {
    const pin = this.path(q.family, 'in');
    const pout = this.path(q.family, 'out');
    const peer = parseAddressRange(q.peer);
    if (!peer) throw new Error(`bad address ${q.peer}`);
    const local = q.local ? parseAddressRange(q.local)?.lo : undefined;
    const world: World = { iface: q.iface ?? OTHER_IFACE, local, label: [] };
    const [syn, reply, est] = this.stages(q.port, q.peerPort ?? PEER_PORT);
    const order: ['syn' | 'reply' | 'established', CompiledPath, Stage][] = [['syn', pin, syn!], ['reply', pout, reply!], ['established', pin, est!]];
    let unknown: PacketResult | undefined;
    for (const [name, p, st] of order) {
      const r = this.runStage(p, q.family, st, world);
      const a = p.atoms.atomOf(peer.lo);
      if (r.status[a] === 2) return { decision: 'drop', decidedBy: this.ref(r.decider[a]!, q.family), stage: name };
      if (r.status[a] === 3) unknown ??= { decision: 'unknown', decidedBy: this.ref(r.decider[a]!, q.family), stage: name };
    }
    if (unknown) return unknown;
    const r = this.runStage(pin, q.family, syn!, world);
    return { decision: 'accept', decidedBy: this.ref(r.decider[pin.atoms.atomOf(peer.lo)]!, q.family), stage: 'syn' };
  }

  /** Verdict for a new outbound connection (active-mode data: server port → client port). */
  outbound(family: IpFamily, localPort: number, peerPort: number, q: { peer?: string; iface?: string; local?: string } = {}): PacketResult {
    const pout = this.path(family, 'out');
    const pin = this.path(family, 'in');
    const def = pout.worlds[pout.worlds.length - 1]!;
    const world: World = { iface: q.iface ?? def.iface, local: q.local ? parseAddressRange(q.local)?.lo : def.local, label: [] };
    // The server's SYN out, the client's SYN-ACK in, the server's ACK and data out.
    const stages: ['syn' | 'reply' | 'established', CompiledPath, Stage][] = [
      ['syn', pout, { direction: 'out', state: 'new', flags: ['syn'], localPort, peerPort }],
      ['reply', pin, { direction: 'in', state: 'established', flags: ['syn', 'ack'], localPort, peerPort }],
      ['established', pout, { direction: 'out', state: 'established', flags: ['ack'], localPort, peerPort }],
    ];
    const peer = q.peer ? parseAddressRange(q.peer)?.lo : undefined;
    let firstAccept: number | undefined;
    let unknown: PacketResult | undefined;
    for (const [name, p, st] of stages) {
      const r = this.runStage(p, family, st, world);
      // One peer: its atom. No peer: any destination blocked counts (active mode must reach every client).
      const atoms = peer !== undefined ? [p.atoms.atomOf(peer)] : Array.from({ length: p.atoms.count }, (_, i) => i);
      let worst = 1;
      let who = NONE;
      for (const a of atoms) {
        if (r.status[a] === 2) { worst = 2; who = r.decider[a]!; break; }
        if (r.status[a] === 3 && worst === 1) { worst = 3; who = r.decider[a]!; }
      }
      if (worst === 2) return { decision: 'drop', decidedBy: this.ref(who, family), stage: name };
      if (worst === 3) unknown ??= { decision: 'unknown', decidedBy: this.ref(who, family), stage: name };
      if (firstAccept === undefined) firstAccept = r.decider[atoms[0]!]!;
    }
    return unknown ?? { decision: 'accept', decidedBy: this.ref(firstAccept ?? NONE, family), stage: 'syn' };
  }

  /**
   * IPv6 neighbour discovery, which every IPv6 connection needs before its first TCP packet:
   * the client's neighbour solicitation in, the server's advertisement out, and the same
   * pair the other way when the server re-checks the client's address. NS/NA are untracked
   * by conntrack, so `ct state established,related` does not let them through.
   */
  neighbourDiscovery(q: { peer?: string; iface?: string; local?: string } = {}): PacketResult {
    const family: IpFamily = 'ipv6';
    const pin = this.path(family, 'in');
    const pout = this.path(family, 'out');
    const defIn = pin.worlds[pin.worlds.length - 1]!;
    const local = q.local ? parseAddressRange(q.local)?.lo : defIn.local;
    const world: World = { iface: q.iface ?? defIn.iface, local, label: [] };
    const stages: ['syn' | 'reply' | 'established', CompiledPath, Stage][] = [
      ['syn', pin, { direction: 'in', state: 'untracked', proto: 'icmpv6', icmpType: 'neighbour-solicitation', flags: [], localPort: 0, peerPort: 0 }],
      ['reply', pout, { direction: 'out', state: 'untracked', proto: 'icmpv6', icmpType: 'neighbour-advertisement', flags: [], localPort: 0, peerPort: 0 }],
      ['reply', pout, { direction: 'out', state: 'untracked', proto: 'icmpv6', icmpType: 'neighbour-solicitation', flags: [], localPort: 0, peerPort: 0 }],
      ['established', pin, { direction: 'in', state: 'untracked', proto: 'icmpv6', icmpType: 'neighbour-advertisement', flags: [], localPort: 0, peerPort: 0 }],
    ];
    let unknown: PacketResult | undefined;
    let firstAccept: RuleRef | undefined;
    for (const [name, p, st] of stages) {
      const r = this.runStage(p, family, st, world);
      const a = q.peer ? p.atoms.atomOf(parseAddressRange(q.peer)!.lo) : largestAtom(p.atoms);
      if (r.status[a] === 2) return { decision: 'drop', decidedBy: this.ref(r.decider[a]!, family), stage: name };
      if (r.status[a] === 3) unknown ??= { decision: 'unknown', decidedBy: this.ref(r.decider[a]!, family), stage: name };
      firstAccept ??= this.ref(r.decider[a]!, family);
    }
    return unknown ?? { decision: 'accept', decidedBy: firstAccept, stage: 'syn' };
  }

  /**
   * The open map of all 65,536 ports for a family, as intervals of equal verdict (computed
   * once per class of ports that no rule tells apart).
   */
  portMap(family: IpFamily): { from: number; to: number; verdict: PortVerdict }[] {
    const pin = this.path(family, 'in');
    const pout = this.path(family, 'out');
    const starts = [...new Set([...pin.portStarts, ...pout.portStarts])].sort((a, b) => a - b);
    const out: { from: number; to: number; verdict: PortVerdict }[] = [];
    for (let i = 0; i < starts.length; i++) {
      const from = starts[i]!;
      const to = i + 1 < starts.length ? starts[i + 1]! - 1 : 65535;
      const v = this.portVerdict(family, from);
      const last = out[out.length - 1];
      if (last && last.verdict.verdict === v.verdict && last.to === from - 1 && sameRef(last.verdict.decidedBy, v.decidedBy)) last.to = to;
      else out.push({ from, to, verdict: v });
    }
    return out;
  }
}

/** The atom covering the most addresses: "an arbitrary source". */
function largestAtom(atoms: AddressAtoms): number {
  let best = 0;
  let size = -1n;
  for (let a = 0; a < atoms.count; a++) {
    const { lo, hi } = atoms.bounds(a);
    if (hi - lo > size) { size = hi - lo; best = a; }
  }
  return best;
}

function sameRef(a: RuleRef | undefined, b: RuleRef | undefined): boolean {
  return a?.location.file === b?.location.file && a?.location.line === b?.location.line && a?.text === b?.text;
}

function rank(k: 'all' | 'some' | 'none'): number {
  return k === 'all' ? 2 : k === 'some' ? 1 : 0;
}

function classOf(starts: number[], port: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= port) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function inPorts(ranges: { from: number; to: number }[], port: number): boolean {
  return ranges.some((r) => port >= r.from && port <= r.to);
}

/** iptables "eth+" / nft "eth*" (stored as eth+) match a prefix; other names match exactly. */
function ifaceMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function formatSpan(family: IpFamily, lo: bigint, hi: bigint): string {
  return formatRange(family, lo, hi);
}
