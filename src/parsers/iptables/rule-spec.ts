import type { Condition, CtState, IpFamily, PortRange, Target, TcpFlag } from '../../model/firewall.js';
import { normalizeIcmpType } from '../../model/firewall.js';
import { parseAddressRange } from './address.js';

/**
 * The argument vector of one iptables command (`-A INPUT -p tcp --dport 21 -j ACCEPT`),
 * shared by iptables-save lines and shell commands. Errors are what iptables itself would
 * refuse; unknown match modules are kept as `unknown` conditions (valid, but not modelled).
 */
export type Op = 'append' | 'insert' | 'delete' | 'replace' | 'policy' | 'flush' | 'new-chain' | 'delete-chain' | 'zero' | 'list' | 'none';

export interface ParsedCommand {
  table: string;
  op: Op;
  chain?: string;
  /** 1-based rule number for -I/-D/-R. */
  index?: number;
  policy?: string;
  conditions: Condition[];
  target: Target;
  /** Target name as written, when it may be a user chain (checked by the caller). */
  targetChain?: string;
  gotoChain?: boolean;
  effects: string[];
  errors: string[];
  hasRuleSpec: boolean;
}

const BUILTIN_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'NFLOG', 'ULOG', 'CT', 'MARK', 'CONNMARK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'QUEUE', 'NFQUEUE', 'TCPMSS', 'NOTRACK', 'TRACE', 'TEE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'SET', 'CHECKSUM', 'CONNSECMARK', 'SECMARK', 'TPROXY', 'NETMAP', 'CLUSTERIP', 'IDLETIMER', 'LED', 'RATEEST', 'SYNPROXY']);
const CONTINUE_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'TCPMSS', 'TRACE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'SET', 'CHECKSUM', 'CONNSECMARK', 'SECMARK', 'IDLETIMER', 'LED', 'RATEEST']);

/** /etc/services names commonly written in firewall rules (iptables resolves them). */
export const SERVICE_PORTS: Record<string, number> = {
  'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, pop3: 110,
  imap: 143, imap2: 143, https: 443, submission: 587, 'ftps-data': 989, ftps: 990, imaps: 993, pop3s: 995,
};

const STATES: Record<string, CtState> = { NEW: 'new', ESTABLISHED: 'established', RELATED: 'related', INVALID: 'invalid', UNTRACKED: 'untracked' };
const FLAGS: Record<string, TcpFlag[]> = {
  FIN: ['fin'], SYN: ['syn'], RST: ['rst'], PSH: ['psh'], ACK: ['ack'], URG: ['urg'],
  ALL: ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'], NONE: [],
};

function parsePort(s: string): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : undefined;
  }
  return SERVICE_PORTS[s];
}

/** "21", "40000:40100", ":1023", "1024:" */
export function parsePortRange(s: string): PortRange | undefined {
  const colon = s.indexOf(':');
  if (colon < 0) {
    const p = parsePort(s);
    return p === undefined ? undefined : { from: p, to: p };
  }
  const a = colon === 0 ? 0 : parsePort(s.slice(0, colon));
  const b = colon === s.length - 1 ? 65535 : parsePort(s.slice(colon + 1));
  if (a === undefined || b === undefined) return undefined;
  // iptables swaps a reversed range silently.
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

function parseFlags(s: string): TcpFlag[] | undefined {
  const out = new Set<TcpFlag>();
  for (const part of s.split(',')) {
    const f = FLAGS[part.toUpperCase()];
    if (!f) return undefined;
    for (const x of f) out.add(x);
  }
  return [...out];
}

const TOP_OPTIONS: Record<string, string> = {
  '-A': 'append', '--append': 'append', '-I': 'insert', '--insert': 'insert', '-D': 'delete', '--delete': 'delete',
  '-R': 'replace', '--replace': 'replace', '-P': 'policy', '--policy': 'policy', '-F': 'flush', '--flush': 'flush',
  '-N': 'new-chain', '--new-chain': 'new-chain', '-X': 'delete-chain', '--delete-chain': 'delete-chain',
  '-Z': 'zero', '--zero': 'zero', '-L': 'list', '--list': 'list', '-S': 'list', '--list-rules': 'list',
};

/** Options that take no value and do not affect the ruleset. */
const IGNORED_FLAGS = new Set(['-v', '--verbose', '-n', '--numeric', '-x', '--exact', '--line-numbers', '-4', '-6', '--ipv4', '--ipv6']);

export function parseCommandArgs(argv: string[], family: IpFamily): ParsedCommand {
  const cmd: ParsedCommand = { table: 'filter', op: 'none', conditions: [], target: { kind: 'continue' }, effects: [], errors: [], hasRuleSpec: false };
  let i = 0;
  let negateNext = false;
  let protocol: string | undefined;
  const modules: string[] = [];
  let currentModule: string | undefined;
  const next = (): string | undefined => argv[++i];

  const takeNegate = (): boolean => {
    const n = negateNext;
    negateNext = false;
    return n;
  };
  const addAddr = (kind: 'saddr' | 'daddr', value: string | undefined, negate: boolean) => {
    if (value === undefined) { cmd.errors.push(`option requires an address`); return; }
    const ranges = [];
    for (const part of value.split(',')) {
      const r = parseAddressRange(part);
      if (!r) {
        if (/^[A-Za-z][A-Za-z0-9.-]*$/.test(part)) cmd.conditions.push({ kind: 'unknown', text: `${kind === 'saddr' ? '-s' : '-d'} ${part} (host name resolved by iptables at load time)` });
        else cmd.errors.push(`host/network \`${part}' not found`);
        return;
      }
      if (r.family !== family) { cmd.errors.push(`${part} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`); return; }
      ranges.push({ text: part });
    }
    cmd.conditions.push({ kind, negate, family, ranges });
  };
  const addPorts = (kind: 'sport' | 'dport', value: string | undefined, negate: boolean, multi: boolean) => {
    if (value === undefined) { cmd.errors.push('option requires a port'); return; }
    const parts = multi ? value.split(',') : [value];
    if (multi && parts.length > 15) cmd.errors.push('too many ports specified (multiport allows 15)');
    const ranges: PortRange[] = [];
    for (const p of parts) {
      const r = parsePortRange(p);
      if (!r) {
        cmd.errors.push(`invalid port/service \`${p}' specified`);
        return;
      }
      ranges.push(r);
    }
    cmd.conditions.push({ kind, negate, ranges });
  };
  const needsTcpUdp = (opt: string): boolean => {
    if (protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp' || protocol === 'udplite' || protocol === '6' || protocol === '17') return true;
    cmd.errors.push(`${opt} needs -p tcp or -p udp`);
    return false;
  };
  /** Options of a match module we do not model: swallow them and mark the rule unknown. */
  const swallowModuleOption = (opt: string) => {
    const vals: string[] = [];
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && argv[i + 1] !== '!') vals.push(argv[++i]!);
    return `${opt}${vals.length ? ' ' + vals.join(' ') : ''}`;
  };

  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '!') { negateNext = true; continue; }
    if (TOP_OPTIONS[a]) {
      cmd.op = TOP_OPTIONS[a] as Op;
      const chain = argv[i + 1];
      if (chain !== undefined && !chain.startsWith('-')) {
        cmd.chain = chain;
        i++;
        if ((cmd.op === 'insert' || cmd.op === 'delete' || cmd.op === 'replace') && /^\d+$/.test(argv[i + 1] ?? '')) {
          cmd.index = Number(argv[++i]);
        }
        if (cmd.op === 'policy') {
          const p = next();
          if (p === undefined) cmd.errors.push('-P needs a policy');
          else cmd.policy = p;
        }
      } else if (cmd.op === 'append' || cmd.op === 'insert' || cmd.op === 'policy' || cmd.op === 'new-chain' || cmd.op === 'replace') {
        cmd.errors.push(`${a} needs a chain name`);
      }
      continue;
    }
    if (a === '-t' || a === '--table') {
      const t = next();
      if (t === undefined) cmd.errors.push('-t needs a table name');
      else cmd.table = t;
      continue;
    }
    if (a === '-w' || a === '--wait' || a === '-W' || a === '--wait-interval') {
      if (/^\d+(\.\d+)?$/.test(argv[i + 1] ?? '')) i++;
      continue;
    }
    if (a === '-c' || a === '--set-counters') {
      i += 2;
      continue;
    }
    if (IGNORED_FLAGS.has(a)) continue;
    cmd.hasRuleSpec = true;
    switch (a) {
      case '-p':
      case '--protocol': {
        let v = next();
        let neg = takeNegate();
        if (v === '!') { neg = true; v = next(); }
        if (v === undefined) { cmd.errors.push('-p needs a protocol'); break; }
        protocol = v.toLowerCase();
        if (protocol === 'all' || protocol === '0') break;
        const proto = protocol === '6' ? 'tcp' : protocol === '17' ? 'udp' : protocol === 'ipv6-icmp' || protocol === 'icmp6' ? 'icmpv6' : protocol;
        cmd.conditions.push({ kind: 'protocol', negate: neg, protocols: [proto] });
        break;
      }
      case '-s': case '--source': case '--src':
        addAddr('saddr', next(), takeNegate());
        break;
      case '-d': case '--destination': case '--dst':
        addAddr('daddr', next(), takeNegate());
        break;
      case '-i': case '--in-interface': case '-o': case '--out-interface': {
        const v = next();
        if (v === undefined) { cmd.errors.push(`${a} needs an interface`); break; }
        cmd.conditions.push({ kind: a.startsWith('-i') || a === '--in-interface' ? 'iif' : 'oif', negate: takeNegate(), names: [v] });
        break;
      }
      case '-f': case '--fragment':
        cmd.conditions.push({ kind: 'unknown', text: `${negateNext ? '! ' : ''}-f (fragments)` });
        takeNegate();
        break;
      case '-m': case '--match': {
        const m = next();
        if (m === undefined) { cmd.errors.push('-m needs a module'); break; }
        currentModule = m;
        modules.push(m);
        break;
      }
      case '-j': case '--jump': case '-g': case '--goto': {
        const t = next();
        if (t === undefined) { cmd.errors.push(`${a} needs a target`); break; }
        const isGoto = a === '-g' || a === '--goto';
        currentModule = `target:${t}`;
        cmd.target = targetFor(t, isGoto);
        if (cmd.target.kind === 'jump' || cmd.target.kind === 'goto') {
          cmd.targetChain = t;
          cmd.gotoChain = isGoto;
        }
        break;
      }
      case '--dport': case '--destination-port': case '--sport': case '--source-port':
        if (currentModule !== 'tcp' && currentModule !== 'udp' && !needsTcpUdp(a)) break;
        addPorts(a.includes('d') && !a.includes('source') ? 'dport' : 'sport', next(), takeNegate(), false);
        break;
      case '--dports': case '--destination-ports': case '--sports': case '--source-ports':
        if (!modules.includes('multiport')) { cmd.errors.push(`unknown option "${a}" (needs -m multiport)`); break; }
        addPorts(a.startsWith('--d') ? 'dport' : 'sport', next(), takeNegate(), true);
        break;
      case '--ports':
        cmd.conditions.push({ kind: 'unknown', text: `--ports ${next() ?? ''} (source or destination port)` });
        takeNegate();
        break;
      case '--syn':
        if (!needsTcpUdp('--syn')) break;
        cmd.conditions.push({ kind: 'tcpflags', negate: takeNegate(), mask: ['syn', 'rst', 'ack', 'fin'], set: ['syn'] });
        break;
      case '--tcp-flags': {
        const mask = parseFlags(next() ?? '');
        const set = parseFlags(next() ?? '');
        if (!mask || !set) { cmd.errors.push('bad --tcp-flags'); break; }
        cmd.conditions.push({ kind: 'tcpflags', negate: takeNegate(), mask, set });
        break;
      }
      case '--state': case '--ctstate': {
        const v = next() ?? '';
        const states: CtState[] = [];
        for (const s of v.split(',')) {
          const st = STATES[s.toUpperCase()];
          if (!st) {
            if (s.toUpperCase() === 'SNAT' || s.toUpperCase() === 'DNAT') { cmd.conditions.push({ kind: 'unknown', text: `--ctstate ${v}` }); takeNegate(); break; }
            cmd.errors.push(`bad ctstate "${s}"`);
            break;
          }
          states.push(st);
        }
        if (states.length) cmd.conditions.push({ kind: 'ctstate', negate: takeNegate(), states });
        break;
      }
      case '--comment':
        next();
        break;
      case '--helper': {
        const v = next() ?? '';
        if (currentModule === 'target:CT') {
          cmd.effects.push(`ct-helper:${v}`);
        } else {
          cmd.conditions.push({ kind: 'helper', negate: takeNegate(), name: v });
        }
        break;
      }
      case '--limit': case '--limit-burst':
      case '--hashlimit': case '--hashlimit-upto': case '--hashlimit-above': case '--hashlimit-burst': case '--hashlimit-mode':
      case '--hashlimit-name': case '--hashlimit-htable-expire': case '--hashlimit-srcmask': case '--hashlimit-dstmask':
      case '--hashlimit-htable-size': case '--hashlimit-htable-max': case '--hashlimit-htable-gcinterval': {
        const v = next() ?? '';
        const neg = takeNegate();
        if (a === '--limit' || a === '--hashlimit' || a === '--hashlimit-upto' || a === '--hashlimit-above') {
          cmd.conditions.push({ kind: 'ratelimit', negate: neg, over: a === '--hashlimit-above', text: `${a} ${v}` });
        }
        break;
      }
      case '--connlimit-above': case '--connlimit-upto': {
        const v = Number(next());
        const neg = takeNegate();
        if (!Number.isInteger(v)) { cmd.errors.push(`bad ${a} value`); break; }
        cmd.conditions.push(a === '--connlimit-above'
          ? { kind: 'connlimit', negate: neg, above: v, text: `${a} ${v}` }
          : { kind: 'connlimit', negate: neg, upto: v, text: `${a} ${v}` });
        break;
      }
      case '--connlimit-mask':
        next();
        break;
      case '--connlimit-saddr': case '--connlimit-daddr':
        break;
      case '--set': case '--rcheck': case '--update': case '--remove':
        if (currentModule === 'recent') {
          cmd.conditions.push({ kind: 'recent', negate: takeNegate(), mode: a.slice(2) as 'set' | 'rcheck' | 'update' | 'remove', text: a });
        } else {
          cmd.conditions.push({ kind: 'unknown', text: swallowModuleOption(a) });
        }
        break;
      case '--seconds': case '--hitcount': case '--name': case '--mask': case '--reap': case '--rttl': case '--rsource': case '--rdest':
        if (currentModule === 'recent') {
          if (a !== '--reap' && a !== '--rttl' && a !== '--rsource' && a !== '--rdest') next();
          break;
        }
        cmd.conditions.push({ kind: 'unknown', text: swallowModuleOption(a) });
        break;
      case '--src-type': case '--dst-type': {
        if (currentModule !== 'addrtype') { cmd.errors.push(`unknown option "${a}"`); break; }
        const v = next() ?? '';
        cmd.conditions.push({ kind: 'addrtype', negate: takeNegate(), side: a === '--src-type' ? 'src' : 'dst', types: v.split(',').map((x) => x.toLowerCase()) });
        break;
      }
      case '--limit-iface-in': case '--limit-iface-out':
        if (currentModule === 'addrtype') {
          cmd.conditions.push({ kind: 'unknown', text: `-m addrtype ${a}` });
          break;
        }
        cmd.errors.push(`unknown option "${a}"`);
        break;
      case '--src-range': case '--dst-range': {
        const v = next() ?? '';
        const r = parseAddressRange(v);
        if (!r || !v.includes('-')) { cmd.errors.push(`bad IP range "${v}"`); break; }
        cmd.conditions.push({ kind: a === '--src-range' ? 'saddr' : 'daddr', negate: takeNegate(), family, ranges: [{ text: v }] });
        break;
      }
      case '--icmp-type': case '--icmpv6-type': {
        const v = next() ?? '';
        const neg = takeNegate();
        // "135/0" (type/code) names the same message as "135".
        cmd.conditions.push({ kind: 'icmptype', negate: neg, protocol: a === '--icmp-type' ? 'icmp' : 'icmpv6', types: [normalizeIcmpType(v.split('/')[0]!)] });
        break;
      }
      case '--reject-with': case '--log-prefix': case '--log-level': case '--log-uid': case '--log-tcp-sequence': case '--log-tcp-options': case '--log-ip-options':
      case '--nflog-group': case '--nflog-prefix': case '--set-mark': case '--set-xmark': case '--clamp-mss-to-pmtu': case '--set-mss': case '--to-destination':
      case '--to-source': case '--to-ports': case '--to': case '--queue-num': case '--queue-bypass': case '--zone': case '--notrack': case '--save-mark': case '--restore-mark':
        if (currentModule?.startsWith('target:')) {
          if (a === '--notrack') cmd.effects.push('notrack');
          swallowModuleOption(a);
          break;
        }
        cmd.errors.push(`unknown option "${a}"`);
        break;
      default:
        if (a.startsWith('--') && currentModule !== undefined) {
          // An option of a match module we do not model (set, geoip, owner, time, string...).
          const text = `${takeNegate() ? '! ' : ''}-m ${currentModule.replace(/^target:/, '-j ')} ${swallowModuleOption(a)}`;
          if (currentModule.startsWith('target:')) break;
          cmd.conditions.push({ kind: 'unknown', text });
        } else {
          cmd.errors.push(`unknown argument "${a}"`);
        }
    }
  }
  // iptables checks these protocol requirements once the whole rule is read.
  const tcpLike = protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp' || protocol === 'udplite' || protocol === '6' || protocol === '17';
  if (modules.includes('multiport') && !tcpLike) cmd.errors.push('multiport needs `-p tcp\', `-p udp\', `-p udplite\', `-p sctp\' or `-p dccp\'');
  for (const m of ['tcp', 'udp'] as const) {
    if (modules.includes(m) && protocol !== m && protocol !== (m === 'tcp' ? '6' : '17')) cmd.errors.push(`-m ${m} needs -p ${m}`);
  }
  // The kernel refuses a TCP reset for anything but TCP (REJECT checkentry: "Invalid argument").
  if (cmd.target.kind === 'reject' && /--reject-with (tcp-reset|tcp_reset)\b/.test(argv.join(' ')) && protocol !== 'tcp' && protocol !== '6') {
    cmd.errors.push('REJECT --reject-with tcp-reset needs -p tcp (the kernel rejects the rule: Invalid argument)');
  }
  // Modules loaded with no option still restrict (e.g. -m state with nothing is an error in
  // iptables; -m set without --match-set likewise); only the modelled ones are validated.
  for (const m of modules) {
    if (!['tcp', 'udp', 'multiport', 'state', 'conntrack', 'comment', 'limit', 'hashlimit', 'connlimit', 'recent', 'helper', 'iprange', 'icmp', 'icmp6', 'icmpv6', 'addrtype'].includes(m)
      && !cmd.conditions.some((c) => c.kind === 'unknown' && c.text.includes(`-m ${m}`))) {
      cmd.conditions.push({ kind: 'unknown', text: `-m ${m}` });
    }
  }
  return cmd;
}

function targetFor(name: string, isGoto: boolean): Target {
  if (isGoto) return { kind: 'goto', chain: name };
  switch (name) {
    case 'ACCEPT': return { kind: 'accept' };
    case 'DROP': return { kind: 'drop' };
    case 'REJECT': return { kind: 'reject' };
    case 'RETURN': return { kind: 'return' };
    case 'CT': return { kind: 'continue' };
    case 'NOTRACK': return { kind: 'unknown', text: '-j NOTRACK' };
  }
  if (CONTINUE_TARGETS.has(name)) return { kind: 'continue' };
  if (BUILTIN_TARGETS.has(name)) return { kind: 'unknown', text: `-j ${name}` };
  return { kind: 'jump', chain: name };
}
