import type { Condition, CtState, IpFamily, PortRange, TableFamily, Target, TcpFlag } from '../../model/firewall.js';
import { normalizeIcmpType } from '../../model/firewall.js';
import { parseAddressRange } from '../iptables/address.js';
import { SERVICE_PORTS } from '../iptables/rule-spec.js';
import type { Token } from './tokens.js';

/**
 * One nft rule (the tokens after `add rule <family> <table> <chain>` or inside a chain
 * block) → conditions, a verdict and side effects. Unknown expressions become `unknown`
 * conditions carrying their text, so a verdict that depends on them is reported as not
 * evaluated rather than guessed.
 */
export interface SetDef {
  name: string;
  elements: Token[];
  dynamic: boolean;
}

export interface RuleContext {
  tableFamily: TableFamily;
  sets: Map<string, SetDef>;
  defines: Map<string, Token[]>;
}

export interface ParsedNftRule {
  conditions: Condition[];
  target: Target;
  effects: string[];
  errors: string[];
  /** Sets a rule adds to or updates at run time (their content then depends on history). */
  updatesSets: string[];
}

const STATES: Record<string, CtState> = { new: 'new', established: 'established', related: 'related', invalid: 'invalid', untracked: 'untracked' };
const FLAG_NAMES: Record<string, TcpFlag> = { fin: 'fin', syn: 'syn', rst: 'rst', psh: 'psh', ack: 'ack', urg: 'urg', ecn: 'ecn', cwr: 'cwr' };
const ALL_FLAGS: TcpFlag[] = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr'];
const OPS = new Set(['==', '!=', 'eq', 'ne', '<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge']);
/** Words that start a new expression or statement: an unknown expression ends before one. */
const STARTERS = new Set(['ip', 'ip6', 'tcp', 'udp', 'th', 'sctp', 'ct', 'meta', 'iif', 'iifname', 'oif', 'oifname', 'limit', 'meter', 'counter', 'log', 'comment',
  'accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue', 'dnat', 'snat', 'masquerade', 'redirect', 'notrack', 'icmp', 'icmpv6', 'update', 'add', 'fib', 'mark', 'nftrace', 'l4proto', 'pkttype']);

const ELEMENT_OPTIONS = new Set(['timeout', 'expires', 'comment', 'counter', 'packets', 'bytes']);

/** The verdict word of a rule we otherwise keep whole (e.g. a concatenation match). */
function verdictOf(tokens: Token[]): Target {
  const words = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  const last = words[words.length - 1];
  if (last === 'accept') return { kind: 'accept' };
  if (last === 'drop') return { kind: 'drop' };
  if (words.includes('reject')) return { kind: 'reject' };
  return { kind: 'unknown', text: words.slice(-2).join(' ') };
}

export function parseNftRule(tokens: Token[], ctx: RuleContext): ParsedNftRule {
  const out: ParsedNftRule = { conditions: [], target: { kind: 'continue' }, effects: [], errors: [], updatesSets: [] };
  // Verdict maps decide per key: the rule's verdict is not one of ours to model.
  // Verdict maps and concatenations (ip saddr . tcp dport) are kept whole as unknowns.
  if (tokens.some((t) => t.kind === 'word' && (t.text === 'vmap' || t.text === 'map' || t.text === '.'))) {
    const text = tokens.map((t) => t.text).join(' ');
    out.conditions.push({ kind: 'unknown', text });
    out.target = tokens.some((t) => t.text === '.') && !tokens.some((t) => t.text === 'vmap' || t.text === 'map') ? verdictOf(tokens) : { kind: 'unknown', text: 'verdict map' };
    return out;
  }
  let pos = 0;
  const peek = (k = 0): Token | undefined => tokens[pos + k];
  const word = (): string | undefined => {
    const t = tokens[pos];
    return t && (t.kind === 'word' || t.kind === 'string') ? t.text : undefined;
  };
  const famOf = (proto: 'ip' | 'ip6'): IpFamily => (proto === 'ip' ? 'ipv4' : 'ipv6');

  /** Read the operator (if any) then a value: a word, a list a,b,c, a { set }, @set or $var. */
  const readValue = (): { negate: boolean; op: string; elements: string[]; raw: string; setRef?: SetDef; unknownSet?: string } | undefined => {
    let op = '==';
    const w = word();
    if (w !== undefined && OPS.has(w) && peek()?.kind === 'word') { op = w; pos++; }
    if (word() !== undefined && OPS.has(word()!)) out.errors.push(`syntax error, unexpected ${word()}`);
    const elements: string[] = [];
    const rawParts: string[] = [];
    let setRef: SetDef | undefined;
    let unknownSet: string | undefined;
    const readElement = (toks: Token[], idx: number): number => {
      // Returns the index after the element; pushes one element (may expand $var).
      const t = toks[idx]!;
      if (t.text.startsWith('$')) {
        const def = ctx.defines.get(t.text.slice(1));
        if (!def) { out.errors.push(`undefined variable ${t.text}`); return idx + 1; }
        collectElements(def);
        return idx + 1;
      }
      elements.push(t.text);
      return idx + 1;
    };
    const collectElements = (toks: Token[]) => {
      for (let i = 0; i < toks.length; ) {
        const t = toks[i]!;
        if (t.kind === '{' || t.kind === '}' || t.kind === ',' || t.kind === 'nl') { i++; continue; }
        // Per-element options in `nft list` output: "1.2.3.4 timeout 1h expires 59m".
        if (t.kind === 'word' && ELEMENT_OPTIONS.has(t.text)) { i += t.text === 'counter' ? 1 : 2; continue; }
        i = readElement(toks, i);
      }
    };
    const t = peek();
    if (!t) return undefined;
    if (t.kind === '{') {
      let depth = 0;
      const inner: Token[] = [];
      for (; pos < tokens.length; pos++) {
        const x = tokens[pos]!;
        if (x.kind === '{') depth++;
        else if (x.kind === '}') { depth--; if (depth === 0) { pos++; break; } }
        else inner.push(x);
        rawParts.push(x.text);
      }
      collectElements(inner);
    } else if (t.kind === 'word' || t.kind === 'string') {
      if (t.text.startsWith('@')) {
        const name = t.text.slice(1);
        setRef = ctx.sets.get(name);
        if (!setRef) unknownSet = name;
        else collectElements(setRef.elements);
        rawParts.push(t.text);
        pos++;
      } else {
        pos = readElement(tokens, pos);
        rawParts.push(t.text);
        while (peek()?.kind === ',' && (peek(1)?.kind === 'word')) {
          pos++;
          rawParts.push(',', peek()!.text);
          pos = readElement(tokens, pos);
        }
      }
    } else {
      return undefined;
    }
    return { negate: op === '!=' || op === 'ne', op, elements, raw: `${op === '==' ? '' : op + ' '}${rawParts.join(' ').replace(/ , /g, ', ')}`, setRef, unknownSet };
  };

  const portRanges = (v: { op: string; elements: string[] }): PortRange[] | undefined => {
    const ranges: PortRange[] = [];
    for (const e of v.elements) {
      const one = (s: string) => (/^\d+$/.test(s) && Number(s) <= 65535 ? Number(s) : SERVICE_PORTS[s]);
      const m = one(e) === undefined ? /^(\S+?)-(\S+)$/.exec(e) : null;
      if (m) {
        const a = one(m[1]!);
        const b = one(m[2]!);
        if (a === undefined || b === undefined || a > b) return undefined;
        ranges.push({ from: a, to: b });
      } else {
        const p = one(e);
        if (p === undefined) return undefined;
        ranges.push({ from: p, to: p });
      }
    }
    if (v.op !== '==' && v.op !== '!=' && v.op !== 'eq' && v.op !== 'ne') {
      if (ranges.length !== 1 || ranges[0]!.from !== ranges[0]!.to) return undefined;
      const p = ranges[0]!.from;
      switch (v.op) {
        case '<': case 'lt': return p === 0 ? [] : [{ from: 0, to: p - 1 }];
        case '<=': case 'le': return [{ from: 0, to: p }];
        case '>': case 'gt': return p === 65535 ? [] : [{ from: p + 1, to: 65535 }];
        case '>=': case 'ge': return [{ from: p, to: 65535 }];
      }
    }
    return ranges;
  };

  const unknownUntilStarter = (first: string) => {
    const parts = [first];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.kind === 'word' && STARTERS.has(t.text) && parts.length > 1) break;
      parts.push(t.text);
      pos++;
      if (t.kind === '}' ) break;
    }
    out.conditions.push({ kind: 'unknown', text: parts.join(' ') });
  };

  const addAddr = (proto: 'ip' | 'ip6', kind: 'saddr' | 'daddr') => {
    const v = readValue();
    if (!v) { out.errors.push(`${proto} ${kind} needs a value`); return; }
    const family = famOf(proto);
    if (v.unknownSet !== undefined) { out.errors.push(`set @${v.unknownSet} does not exist`); return; }
    if (v.op !== '==' && v.op !== '!=' && v.op !== 'eq' && v.op !== 'ne') { out.conditions.push({ kind: 'unknown', text: `${proto} ${kind} ${v.raw}` }); return; }
    const ranges = [];
    for (const e of v.elements) {
      const r = parseAddressRange(e);
      if (!r || r.family !== family) { out.errors.push(`${e} is not a valid ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`); return; }
      ranges.push({ text: e });
    }
    if (ctx.tableFamily === 'inet') out.conditions.push({ kind: 'nfproto', negate: false, family });
    out.conditions.push({ kind, negate: v.negate, family, ranges });
  };

  while (pos < tokens.length) {
    const t = tokens[pos]!;
    if (t.kind === 'nl' || t.kind === ';') { pos++; continue; }
    const w = t.text;
    pos++;
    switch (w) {
      case 'ip':
      case 'ip6': {
        const field = word();
        pos++;
        if (field === 'saddr' || field === 'daddr') { addAddr(w, field); break; }
        if ((w === 'ip' && field === 'protocol') || (w === 'ip6' && field === 'nexthdr')) {
          const v = readValue();
          if (!v) { out.errors.push(`${w} ${field} needs a value`); break; }
          if (ctx.tableFamily === 'inet') out.conditions.push({ kind: 'nfproto', negate: false, family: famOf(w) });
          out.conditions.push({ kind: 'protocol', negate: v.negate, protocols: v.elements.map(normProto) });
          break;
        }
        unknownUntilStarter(`${w} ${field ?? ''}`);
        break;
      }
      case 'tcp':
      case 'udp':
      case 'th':
      case 'sctp': {
        const field = word();
        pos++;
        if (field === 'dport' || field === 'sport') {
          const v = readValue();
          if (!v) { out.errors.push(`${w} ${field} needs a value`); break; }
          if (v.unknownSet !== undefined) { out.errors.push(`set @${v.unknownSet} does not exist`); break; }
          const ranges = portRanges(v);
          if (!ranges) { out.conditions.push({ kind: 'unknown', text: `${w} ${field} ${v.raw}` }); break; }
          if (w !== 'th') out.conditions.push({ kind: 'protocol', negate: false, protocols: [w] });
          out.conditions.push({ kind: field, negate: v.negate, ranges });
          break;
        }
        if (w === 'tcp' && field === 'flags') {
          const flags = parseTcpFlags();
          out.conditions.push({ kind: 'protocol', negate: false, protocols: ['tcp'] });
          if (flags) out.conditions.push(flags);
          else out.conditions.push({ kind: 'unknown', text: 'tcp flags ...' });
          break;
        }
        unknownUntilStarter(`${w} ${field ?? ''}`);
        break;
      }
      case 'ct': {
        const field = word();
        pos++;
        if (field === 'state') {
          const v = readValue();
          if (!v) { out.errors.push('ct state needs a value'); break; }
          const states: CtState[] = [];
          for (const e of v.elements) {
            const s = STATES[e];
            if (!s) { out.errors.push(`unknown ct state ${e}`); break; }
            states.push(s);
          }
          out.conditions.push({ kind: 'ctstate', negate: v.negate, states });
          break;
        }
        if (field === 'helper') {
          if (word() === 'set') {
            pos++;
            const v = readValue();
            out.effects.push(`ct-helper:${v?.elements[0] ?? '?'}`);
            break;
          }
          const v = readValue();
          out.conditions.push({ kind: 'helper', negate: v?.negate ?? false, name: v?.elements[0] ?? '' });
          break;
        }
        if (field === 'count') {
          const over = word() === 'over';
          if (over) pos++;
          const n = Number(word());
          pos++;
          out.conditions.push(over ? { kind: 'connlimit', negate: false, above: n, text: `ct count over ${n}` } : { kind: 'connlimit', negate: false, upto: n, text: `ct count ${n}` });
          break;
        }
        unknownUntilStarter(`ct ${field ?? ''}`);
        break;
      }
      case 'meta': {
        const field = word();
        pos++;
        if (field === 'protocol' && (word() === 'ip' || word() === 'ip6')) {
          out.conditions.push({ kind: 'nfproto', negate: false, family: word() === 'ip' ? 'ipv4' : 'ipv6' });
          pos++;
          break;
        }
        if (field === 'l4proto') {
          const v = readValue();
          if (!v) { out.errors.push('meta l4proto needs a value'); break; }
          out.conditions.push({ kind: 'protocol', negate: v.negate, protocols: v.elements.map(normProto) });
          break;
        }
        if (field === 'nfproto') {
          const v = readValue();
          const fam = v?.elements[0] === 'ipv6' ? 'ipv6' : v?.elements[0] === 'ipv4' ? 'ipv4' : undefined;
          if (!v || !fam || v.elements.length !== 1) { out.conditions.push({ kind: 'unknown', text: `meta nfproto ${v?.raw ?? ''}` }); break; }
          out.conditions.push({ kind: 'nfproto', negate: v.negate, family: fam });
          break;
        }
        if (field === 'iifname' || field === 'oifname' || field === 'iif' || field === 'oif') {
          addIface(field);
          break;
        }
        unknownUntilStarter(`meta ${field ?? ''}`);
        break;
      }
      case 'iif': case 'iifname': case 'oif': case 'oifname':
        addIface(w);
        break;
      case 'l4proto': {
        const v = readValue();
        if (v) out.conditions.push({ kind: 'protocol', negate: v.negate, protocols: v.elements.map(normProto) });
        break;
      }
      case 'icmp':
      case 'icmpv6': {
        out.conditions.push({ kind: 'protocol', negate: false, protocols: [w] });
        if (word() === 'type') {
          pos++;
          const v = readValue();
          if (v) out.conditions.push({ kind: 'icmptype', negate: v.negate, protocol: w, types: v.elements.map(normalizeIcmpType) });
        } else if (word() === 'code') { pos++; readValue(); }
        break;
      }
      case 'fib': {
        // fib saddr|daddr type <class>: the address class of the packet's source or destination.
        const side = word();
        if ((side === 'saddr' || side === 'daddr') && peek(1)?.text === 'type') {
          pos += 2;
          const v = readValue();
          if (v) { out.conditions.push({ kind: 'addrtype', negate: v.negate, side: side === 'saddr' ? 'src' : 'dst', types: v.elements }); break; }
        }
        unknownUntilStarter('fib');
        break;
      }
      case 'limit': {
        const parts = ['limit'];
        let over = false;
        while (pos < tokens.length && tokens[pos]!.kind === 'word' && !STARTERS.has(tokens[pos]!.text)) {
          if (tokens[pos]!.text === 'over') over = true;
          parts.push(tokens[pos]!.text);
          pos++;
        }
        out.conditions.push({ kind: 'ratelimit', negate: false, over, text: parts.join(' ') });
        break;
      }
      case 'meter':
      case 'update':
      case 'add': {
        // meter NAME [size N] { key limit rate [over] N/unit } / update @set { key limit ... }
        const parts: string[] = [w];
        while (pos < tokens.length && tokens[pos]!.kind !== '{') { parts.push(tokens[pos]!.text); pos++; }
        const inner: string[] = [];
        let depth = 0;
        for (; pos < tokens.length; pos++) {
          const x = tokens[pos]!;
          if (x.kind === '{') depth++;
          else if (x.kind === '}') { depth--; if (depth === 0) { pos++; break; } }
          else inner.push(x.text);
        }
        const text = `${parts.join(' ')} { ${inner.join(' ')} }`;
        const setName = parts.find((p) => p.startsWith('@'));
        if (setName) out.updatesSets.push(setName.slice(1));
        const li = inner.indexOf('limit');
        if (li >= 0) out.conditions.push({ kind: 'ratelimit', negate: false, over: inner.includes('over'), text });
        else if (inner.includes('ct') && inner.includes('count')) {
          const n = Number(inner[inner.length - 1]);
          out.conditions.push(inner.includes('over') ? { kind: 'connlimit', negate: false, above: n, text } : { kind: 'connlimit', negate: false, upto: n, text });
        }
        // A plain add/update with no stateful expression always matches.
        break;
      }
      case 'counter':
        if (word() === 'packets') { pos += 4; }
        else if (word() === 'name') { pos += 2; }
        break;
      case 'log':
        while (['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(word() ?? '')) {
          const opt = word();
          pos++;
          if (opt === 'flags') { while (peek()?.kind === 'word' && !STARTERS.has(peek()!.text) && !['prefix', 'level', 'group'].includes(peek()!.text)) { pos++; if (peek()?.kind === ',') pos++; } }
          else pos++;
        }
        break;
      case 'comment':
        pos++;
        break;
      case 'accept': out.target = { kind: 'accept' }; break;
      case 'drop': out.target = { kind: 'drop' }; break;
      case 'return': out.target = { kind: 'return' }; break;
      case 'continue': break;
      case 'reject':
        out.target = { kind: 'reject' };
        if (word() === 'with') {
          pos++;
          const kind = word();
          pos++;
          // nft adds "meta l4proto tcp" to the rule for a TCP reset (seen in `nft list`).
          if (kind === 'tcp') { pos++; out.conditions.push({ kind: 'protocol', negate: false, protocols: ['tcp'] }); }
          else if (word() === 'type') pos += 2;
          else if (kind === 'icmpx' || kind === 'icmp' || kind === 'icmpv6') pos++;
        }
        break;
      case 'jump':
      case 'goto': {
        const name = word();
        pos++;
        if (!name) { out.errors.push(`${w} needs a chain`); break; }
        out.target = { kind: w, chain: name };
        break;
      }
      case 'notrack':
        out.effects.push('notrack');
        out.target = { kind: 'unknown', text: 'notrack' };
        break;
      case 'queue': case 'dnat': case 'snat': case 'masquerade': case 'redirect': {
        const parts: string[] = [w];
        while (pos < tokens.length && tokens[pos]!.kind === 'word' && !STARTERS.has(tokens[pos]!.text)) { parts.push(tokens[pos]!.text); pos++; }
        out.target = { kind: 'unknown', text: parts.join(' ') };
        break;
      }
      default:
        unknownUntilStarter(w);
    }
  }
  // nft refuses a rule whose matches imply two different protocols ("tcp dport 21 icmpv6
  // type ..."): "conflicting protocols specified".
  const implied = [...new Set(out.conditions.filter((c): c is Extract<Condition, { kind: 'protocol' }> => c.kind === 'protocol' && !c.negate && c.protocols.length === 1).map((c) => c.protocols[0]!))];
  if (implied.length > 1) out.errors.push(`conflicting protocols specified: ${implied[0]} vs. ${implied[1]}`);
  const fams = [...new Set(out.conditions.filter((c): c is Extract<Condition, { kind: 'nfproto' }> => c.kind === 'nfproto' && !c.negate).map((c) => c.family))];
  if (fams.length > 1) out.errors.push('conflicting protocols specified: ip vs. ip6');
  return out;

  function addIface(field: string) {
    const v = readValue();
    if (!v) { out.errors.push(`${field} needs a value`); return; }
    const names = v.elements.map((e) => (e.endsWith('*') ? e.slice(0, -1) + '+' : e));
    out.conditions.push({ kind: field.startsWith('i') ? 'iif' : 'oif', negate: v.negate, names });
  }

  function parseTcpFlags(): Condition | undefined {
    // tcp flags syn | tcp flags syn / fin,syn,rst,ack | tcp flags & (syn|ack) == syn | tcp flags == syn | tcp flags != syn
    const parts: string[] = [];
    while (pos < tokens.length && (tokens[pos]!.kind === 'word' || tokens[pos]!.kind === ',') && !(tokens[pos]!.kind === 'word' && STARTERS.has(tokens[pos]!.text))) {
      parts.push(tokens[pos]!.text);
      pos++;
    }
    const text = parts.join(' ').replace(/ , /g, ',').replace(/ ,/g, ',');
    const list = (s: string): TcpFlag[] | undefined => {
      const out2: TcpFlag[] = [];
      for (const x of s.replace(/[()]/g, '').split(/[|,]/).map((y) => y.trim()).filter(Boolean)) {
        const f = FLAG_NAMES[x];
        if (!f) return undefined;
        out2.push(f);
      }
      return out2;
    };
    let m = /^&\s*\(?([a-z|, ]+)\)?\s*(==|!=)\s*\(?([a-z|, ]+)\)?$/.exec(text);
    if (m) {
      const mask = list(m[1]!);
      const set = list(m[3]!);
      return mask && set ? { kind: 'tcpflags', negate: m[2] === '!=', mask, set } : undefined;
    }
    m = /^(==|!=)?\s*([a-z|,]+)\s*\/\s*([a-z|,]+)$/.exec(text);
    if (m) {
      const set = list(m[2]!);
      const mask = list(m[3]!);
      return mask && set ? { kind: 'tcpflags', negate: m[1] === '!=', mask, set } : undefined;
    }
    m = /^(==|!=)\s*([a-z|,]+)$/.exec(text);
    if (m) {
      const set = list(m[2]!);
      return set ? { kind: 'tcpflags', negate: m[1] === '!=', mask: ALL_FLAGS, set } : undefined;
    }
    m = /^([a-z]+)$/.exec(text);
    if (m) {
      const set = list(m[1]!);
      // A single flag alone tests that bit.
      return set ? { kind: 'tcpflags', negate: false, mask: set, set } : undefined;
    }
    return undefined;
  }
}

function normProto(p: string): string {
  if (p === '6') return 'tcp';
  if (p === 'icmp6') return 'icmpv6';
  if (p === '17') return 'udp';
  if (p === 'ipv6-icmp' || p === '58') return 'icmpv6';
  return p;
}
