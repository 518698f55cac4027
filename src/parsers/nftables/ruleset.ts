import type { Diagnostic } from '../../model/diagnostic.js';
import type { FileLocation } from '../../model/location.js';
import type { BaseChainSpec, ChainType, FirewallChain, FirewallRuleset, FirewallTable, FirewallUnsupported, Hook, IpFamily, TableFamily } from '../../model/firewall.js';
import { collectUnsupported } from '../iptables/unsupported.js';
import { parseNftRule, type RuleContext, type SetDef } from './rule.js';
import { tokenize, type Token } from './tokens.js';

/**
 * nftables rulesets: `nft list ruleset` output and nftables.conf (`flush ruleset`,
 * `define`, `table ... { chain ... { ... } set ... { ... } }` and the `add rule ...`
 * command forms). `nft -f` loads a file as one transaction: a structural error (unbalanced
 * braces, jump to a chain that does not exist, undefined $var or @set) rejects the whole
 * file and lands in `loadErrors`.
 */
const FAMILIES = new Set<TableFamily>(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const HOOKS = new Set<Hook>(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
const PRIORITY_NAMES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100, out: 100, in: -200 };

/**
 * nft keywords cannot name a table, chain or set unless quoted ("table inet flags" is a
 * syntax error). Not the whole grammar: the words rulesets are likely to try.
 */
// Checked one by one against `nft -c` 1.0.6 as table names (filter, input, state... are fine).
const KEYWORDS = new Set(['table', 'chain', 'set', 'map', 'rule', 'element', 'flags', 'type', 'hook', 'priority', 'policy', 'counter', 'accept', 'drop',
  'reject', 'return', 'jump', 'goto', 'continue', 'queue', 'ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev', 'tcp', 'udp', 'ct', 'meta', 'limit', 'log',
  'define', 'include', 'flush', 'add', 'delete', 'insert', 'create', 'list', 'comment', 'elements', 'timeout', 'size', 'meter', 'quota', 'dnat', 'snat',
  'masquerade', 'redirect', 'notrack', 'iif', 'oif', 'iifname', 'oifname', 'mark', 'icmp', 'icmpv6', 'dynamic', 'interval', 'constant', 'devices',
  'device', 'handle', 'index', 'position', 'ruleset', 'vmap', 'synproxy', 'flowtable', 'secmark', 'th', 'sctp']);

interface TableState {
  table: FirewallTable;
  sets: Map<string, SetDef>;
  /** Jump/goto targets to check once the whole file is read (chains may come later). */
  pendingJumps: { chain: string; location: FileLocation }[];
}

export function parseNftables(file: string, text: string): { model: FirewallRuleset; diagnostics: Diagnostic[] } {
  const { tokens, errors: lexErrors } = tokenize(text);
  const loadErrors: FirewallUnsupported[] = [];
  const unsupported: FirewallUnsupported[] = [];
  const defines = new Map<string, Token[]>();
  const tables = new Map<string, TableState>();
  const assumptions: string[] = [];
  const loc = (t: Token | undefined): FileLocation => ({ file, line: t?.line ?? 1, column: t?.column ?? 1 });
  const fail = (t: Token | undefined, message: string, snippet = '') => loadErrors.push({ message, text: snippet, location: loc(t) });
  for (const e of lexErrors) loadErrors.push({ message: e.message, text: '', location: { file, line: e.line, column: e.column } });

  let pos = 0;
  const at = (k = 0) => tokens[pos + k];
  const skipSeparators = () => { while (pos < tokens.length && (tokens[pos]!.kind === 'nl' || tokens[pos]!.kind === ';')) pos++; };
  /** Tokens up to the end of the statement (newline or ';' at depth 0, or a closing '}'). */
  const readStatement = (): Token[] => {
    const out: Token[] = [];
    let depth = 0;
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (depth === 0 && (t.kind === 'nl' || t.kind === ';' || t.kind === '}')) break;
      if (t.kind === '{') depth++;
      if (t.kind === '}') depth--;
      out.push(t);
      pos++;
    }
    return out;
  };
  /** Skip a { ... } block (returns false if unbalanced). */
  const skipBlock = (): boolean => {
    if (at()?.kind !== '{') return true;
    let depth = 0;
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (t.kind === '{') depth++;
      else if (t.kind === '}' && --depth === 0) return true;
    }
    return false;
  };

  const checkName = (t: Token) => {
    if (t.kind === 'word' && KEYWORDS.has(t.text)) fail(t, `syntax error: unexpected ${t.text}, expecting string (a keyword cannot be a name unless quoted)`);
  };
  const tableKey = (family: TableFamily, name: string) => `${family} ${name}`;
  const getTable = (family: TableFamily, name: string, t: Token | undefined, create: boolean): TableState | undefined => {
    const key = tableKey(family, name);
    let st = tables.get(key);
    if (!st && create) {
      st = { table: { family, name, chains: [], location: loc(t) }, sets: new Map(), pendingJumps: [] };
      tables.set(key, st);
    }
    return st;
  };
  const getChain = (st: TableState, name: string, t: Token | undefined): FirewallChain => {
    let c = st.table.chains.find((x) => x.name === name);
    if (!c) {
      c = { name, rules: [], location: loc(t) };
      st.table.chains.push(c);
    }
    return c;
  };
  const ctxOf = (st: TableState): RuleContext => ({ tableFamily: st.table.family, sets: st.sets, defines });

  /** family and name after `table`/`add table` etc.: [family] name */
  const readFamilyName = (): { family: TableFamily; name: string } | undefined => {
    const a = at();
    if (!a || a.kind !== 'word') return undefined;
    if (FAMILIES.has(a.text as TableFamily) && at(1)?.kind === 'word') {
      pos += 2;
      checkName(tokens[pos - 1]!);
      return { family: a.text as TableFamily, name: tokens[pos - 1]!.text };
    }
    pos++;
    checkName(a);
    return { family: 'ip', name: a.text };
  };

  const addRule = (st: TableState, chain: FirewallChain, ruleTokens: Token[], insert: boolean) => {
    if (!ruleTokens.length) return;
    const first = ruleTokens[0]!;
    const parsed = parseNftRule(ruleTokens, ctxOf(st));
    const textLine = ruleTokens.map((t) => (t.kind === 'string' ? `"${t.text}"` : t.text)).join(' ').replace(/ , /g, ', ').replace(/\s*\n\s*/g, ' ');
    for (const e of parsed.errors) fail(first, e, textLine);
    for (const s of parsed.updatesSets) {
      const set = st.sets.get(s);
      if (set) set.dynamic = true;
    }
    if (parsed.target.kind === 'jump' || parsed.target.kind === 'goto') st.pendingJumps.push({ chain: parsed.target.chain, location: loc(first) });
    const rule = { conditions: parsed.conditions, target: parsed.target, effects: parsed.effects, text: textLine, location: loc(first) };
    if (insert) chain.rules.unshift(rule);
    else chain.rules.push(rule);
  };

  const parseChainBody = (st: TableState, chain: FirewallChain) => {
    // at '{'
    pos++;
    let pendingPolicy: { policy: 'accept' | 'drop'; token: Token } | undefined;
    for (;;) {
      skipSeparators();
      const t = at();
      if (!t) { fail(tokens[tokens.length - 1], `chain ${chain.name}: missing '}'`); return; }
      if (t.kind === '}') {
        pos++;
        if (pendingPolicy) {
          if (!chain.base) fail(pendingPolicy.token, `chain ${chain.name}: policy on a chain without a hook`);
          else { chain.base.policy = pendingPolicy.policy; chain.base.policyLocation = loc(pendingPolicy.token); }
        }
        return;
      }
      if (t.kind === 'word' && t.text === 'type') {
        const stmt = readStatement();
        parseBaseSpec(chain, stmt);
        continue;
      }
      if (t.kind === 'word' && t.text === 'policy') {
        const stmt = readStatement();
        const p = stmt[1]?.text;
        if (p !== 'accept' && p !== 'drop') { fail(t, `chain ${chain.name}: bad policy ${p ?? ''}`); continue; }
        // "policy drop;" may come before the "type ... hook ..." line.
        if (!chain.base) { pendingPolicy = { policy: p, token: t }; continue; }
        chain.base.policy = p;
        chain.base.policyLocation = loc(t);
        continue;
      }
      if (t.kind === 'word' && (t.text === 'comment' || t.text === 'devices' || t.text === 'device' || t.text === 'flags')) {
        readStatement();
        continue;
      }
      addRule(st, chain, readStatement(), false);
    }
  };

  const parseBaseSpec = (chain: FirewallChain, stmt: Token[]) => {
    // type filter hook input [device x] priority 0 [+ N]
    const words = stmt.map((t) => t.text);
    const type = words[1] as ChainType;
    const hi = words.indexOf('hook');
    const pi = words.indexOf('priority');
    const hook = words[hi + 1] as Hook;
    if (!['filter', 'nat', 'route'].includes(type) || hi < 0 || !HOOKS.has(hook) || pi < 0) {
      fail(stmt[0], `chain ${chain.name}: malformed base chain declaration "${words.join(' ')}"`);
      return;
    }
    const prioWords = words.slice(pi + 1).filter((w) => w !== ';');
    let prio = prioNumber(prioWords);
    if (prio === undefined) { fail(stmt[pi], `chain ${chain.name}: bad priority "${prioWords.join(' ')}"`); prio = 0; }
    const base: BaseChainSpec = { type, hook, priority: prio, policy: chain.base?.policy ?? 'accept' };
    if (chain.base?.policyLocation) base.policyLocation = chain.base.policyLocation;
    chain.base = base;
  };

  const parseSetBody = (st: TableState, name: string, startTok: Token) => {
    const set: SetDef = { name, elements: [], dynamic: false };
    st.sets.set(name, set);
    if (at()?.kind !== '{') return;
    pos++;
    for (;;) {
      skipSeparators();
      const t = at();
      if (!t) { fail(startTok, `set ${name}: missing '}'`); return; }
      if (t.kind === '}') { pos++; return; }
      const stmt = readStatement();
      if (stmt[0]?.text === 'elements') {
        set.elements.push(...stmt.slice(2));
      } else if (stmt[0]?.text === 'flags' && stmt.some((x) => x.text === 'dynamic')) {
        set.dynamic = true;
      }
    }
  };

  const parseTableBody = (st: TableState) => {
    pos++; // '{'
    for (;;) {
      skipSeparators();
      const t = at();
      if (!t) { fail(tokens[tokens.length - 1], `table ${st.table.name}: missing '}'`); return; }
      if (t.kind === '}') { pos++; return; }
      if (t.kind === 'word' && t.text === 'chain') {
        const nameTok = at(1);
        pos += 2;
        if (!nameTok) { fail(t, 'chain without a name'); return; }
        checkName(nameTok);
        const chain = getChain(st, nameTok.text, t);
        if (at()?.kind === '{') parseChainBody(st, chain);
        continue;
      }
      if (t.kind === 'word' && t.text === 'set') {
        const nameTok = at(1);
        pos += 2;
        if (nameTok) checkName(nameTok);
        parseSetBody(st, nameTok?.text ?? '', t);
        continue;
      }
      if (t.kind === 'word' && (t.text === 'flags' || t.text === 'comment')) { readStatement(); continue; }
      // map, flowtable, named counters/quotas/limits, ct helper objects: kept out of the model.
      const head = readStatementHead();
      unsupported.push({ message: `table object not modelled: ${head}`, text: head, location: loc(t) });
      if (!skipBlock()) fail(t, `unbalanced braces after ${head}`);
    }
  };
  const readStatementHead = (): string => {
    const parts: string[] = [];
    while (pos < tokens.length && at()!.kind !== '{' && at()!.kind !== 'nl' && at()!.kind !== ';' && at()!.kind !== '}') {
      parts.push(at()!.text);
      pos++;
    }
    return parts.join(' ');
  };

  while (pos < tokens.length) {
    skipSeparators();
    const t = at();
    if (!t) break;
    if (t.kind !== 'word') { fail(t, `unexpected '${t.text}'`); pos++; continue; }
    const w = t.text;
    if (w === 'flush' && at(1)?.text === 'ruleset') { tables.clear(); readStatement(); continue; }
    if (w === 'define' || w === 'redefine') {
      const name = at(1)?.text ?? '';
      pos += 2;
      if (at()?.kind === '=') pos++;
      defines.set(name, readStatement());
      continue;
    }
    if (w === 'undefine') { defines.delete(at(1)?.text ?? ''); readStatement(); continue; }
    if (w === 'include') {
      const stmt = readStatement();
      unsupported.push({ message: 'include: the included file is not read from here; scan it too (its rules are evaluated only if scanned as its own file)', text: stmt.map((x) => x.text).join(' '), location: loc(t) });
      continue;
    }
    if (w === 'table') {
      pos++;
      const fn = readFamilyName();
      if (!fn) { fail(t, 'table without a name'); readStatement(); continue; }
      const st = getTable(fn.family, fn.name, t, true)!;
      if (at()?.kind === '{') parseTableBody(st);
      continue;
    }
    if (['add', 'create', 'insert', 'delete', 'destroy', 'flush', 'replace', 'list', 'reset'].includes(w)) {
      const obj = at(1)?.text;
      pos += 2;
      if ((w === 'add' || w === 'create') && obj === 'table') {
        const fn = readFamilyName();
        if (fn) {
          const st = getTable(fn.family, fn.name, t, true)!;
          if (at()?.kind === '{') parseTableBody(st);
        }
        continue;
      }
      if ((w === 'add' || w === 'create') && obj === 'chain') {
        const fn = readFamilyName();
        const chainName = at()?.text;
        pos++;
        const st = fn ? getTable(fn.family, fn.name, t, false) : undefined;
        if (!st || !chainName) { fail(t, `add chain: table ${fn?.name ?? ''} does not exist`); readStatement(); continue; }
        const chain = getChain(st, chainName, t);
        if (at()?.kind === '{') parseChainBody(st, chain);
        continue;
      }
      if ((w === 'add' || w === 'insert') && obj === 'rule') {
        const fn = readFamilyName();
        const chainName = at()?.text;
        pos++;
        const st = fn ? getTable(fn.family, fn.name, t, false) : undefined;
        const chain = st && chainName ? st.table.chains.find((c) => c.name === chainName) : undefined;
        const stmt = readStatement();
        if (!st || !chain) { fail(t, `${w} rule: chain ${chainName ?? ''} does not exist`); continue; }
        let body = stmt;
        if (['position', 'index', 'handle'].includes(body[0]?.text ?? '')) {
          unsupported.push({ message: `${w} rule ${body[0]!.text} N: rule placement by handle/index is not modelled (treated as ${w === 'add' ? 'appended' : 'inserted first'})`, text: body.map((x) => x.text).join(' '), location: loc(t) });
          body = body.slice(2);
        }
        addRule(st, chain, body, w === 'insert');
        continue;
      }
      if ((w === 'add' || w === 'create') && obj === 'set') {
        const fn = readFamilyName();
        const name = at()?.text ?? '';
        pos++;
        const st = fn ? getTable(fn.family, fn.name, t, false) : undefined;
        if (!st) { fail(t, 'add set: table does not exist'); readStatement(); continue; }
        parseSetBody(st, name, t);
        continue;
      }
      if (w === 'add' && obj === 'element') {
        const fn = readFamilyName();
        const name = at()?.text ?? '';
        pos++;
        const stmt = readStatement();
        const st = fn ? getTable(fn.family, fn.name, t, false) : undefined;
        const set = st?.sets.get(name);
        if (!set) { fail(t, `add element: set ${name} does not exist`); continue; }
        set.elements.push(...stmt);
        continue;
      }
      if (w === 'flush' && obj === 'table') {
        const fn = readFamilyName();
        readStatement();
        const st = fn ? getTable(fn.family, fn.name, t, false) : undefined;
        if (st) for (const c of st.table.chains) c.rules = [];
        continue;
      }
      if ((w === 'delete' || w === 'destroy') && obj === 'table') {
        const fn = readFamilyName();
        readStatement();
        if (fn) {
          if (!tables.delete(tableKey(fn.family, fn.name)) && w === 'delete') fail(t, `delete table: ${fn.name} does not exist`);
        }
        continue;
      }
      if (w === 'list' || w === 'reset') { readStatement(); continue; }
      pos -= 2;
      const stmt = readStatement();
      unsupported.push({ message: `command not modelled: ${w} ${obj ?? ''}`, text: stmt.map((x) => x.text).join(' '), location: loc(t) });
      if (at()?.kind === '{') skipBlock();
      continue;
    }
    const stmt = readStatement();
    fail(t, `syntax error: unexpected ${w}`, stmt.map((x) => x.text).join(' '));
    if (at()?.kind === '}') { fail(at(), "unexpected '}'"); pos++; }
  }

  // Jumps may point forward; check them once everything is declared.
  for (const st of tables.values()) {
    for (const j of st.pendingJumps) {
      const c = st.table.chains.find((x) => x.name === j.chain);
      if (!c) loadErrors.push({ message: `jump/goto to chain ${j.chain}, which does not exist in table ${st.table.name}`, text: '', location: j.location });
      else if (c.base) loadErrors.push({ message: `jump/goto to base chain ${j.chain}`, text: '', location: j.location });
    }
    for (const s of st.sets.values()) {
      if (s.dynamic) assumptions.push(`set @${s.name} in table ${st.table.name} is filled at run time; evaluated with only its declared elements (a first connection from a new source)`);
    }
  }

  const tableList = [...tables.values()].map((s) => s.table);
  const families = new Set<IpFamily>();
  for (const tb of tableList) {
    if (!tb.chains.some((c) => c.base)) continue;
    if (tb.family === 'ip' || tb.family === 'inet') families.add('ipv4');
    if (tb.family === 'ip6' || tb.family === 'inet') families.add('ipv6');
    if (tb.family === 'netdev' || tb.family === 'bridge' || tb.family === 'arp') {
      for (const c of tb.chains.filter((x) => x.base && x.rules.length)) {
        unsupported.push({ message: `${tb.family} table ${tb.name} chain ${c.name} (hook ${c.base!.hook}) is not evaluated; it may drop traffic before the IP hooks`, text: '', location: c.location ?? { file } });
      }
    }
  }
  const diagnostics: Diagnostic[] = loadErrors.map((e) => ({ level: 'error', code: 'nftables/load-error', message: `nft -f would reject this file: ${e.message}`, location: e.location }));
  for (const u of unsupported) diagnostics.push({ level: 'warning', code: 'nftables/not-evaluated', message: u.message, location: u.location });
  const model: FirewallRuleset = {
    file,
    format: 'nftables',
    families: [...families].sort(),
    familyReason: 'table families with base chains',
    tables: tableList,
    loadErrors,
    unsupported: [...unsupported, ...collectUnsupported(tableList)],
    assumptions,
  };
  return { model, diagnostics };
}

function prioNumber(words: string[]): number | undefined {
  if (!words.length) return undefined;
  const first = words[0]!;
  let base: number | undefined = /^-?\d+$/.test(first) ? Number(first) : PRIORITY_NAMES[first];
  if (base === undefined) return undefined;
  if (words.length >= 3 && (words[1] === '+' || words[1] === '-') && /^\d+$/.test(words[2]!)) {
    base += words[1] === '+' ? Number(words[2]) : -Number(words[2]);
  } else if (words.length === 2 && /^[+-]\d+$/.test(words[1]!)) {
    base += Number(words[1]);
  }
  return base;
}
