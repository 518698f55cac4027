import type { Diagnostic } from '../../model/diagnostic.js';
import type { FirewallRuleset, FirewallUnsupported, IpFamily } from '../../model/firewall.js';
import { IptablesBuilder, isKnownTable } from './builder.js';
import { parseCommandArgs } from './rule-spec.js';
import { splitWords } from './shell-words.js';
import { collectUnsupported } from './unsupported.js';

/**
 * iptables-save / ip6tables-save output (rules.v4, rules.v6), as iptables-restore reads it:
 * `*table` sections of `:CHAIN POLICY [p:b]` declarations and commands, each ended by
 * COMMIT. iptables-restore is atomic, so any error rejects the whole file: those errors
 * become `loadErrors` and every verdict on the file becomes not-evaluated.
 */
export function detectSaveFamily(file: string, text: string): { family: IpFamily; reason: string } {
  if (/^#.*ip6tables-save/m.test(text)) return { family: 'ipv6', reason: 'ip6tables-save header' };
  if (/^#.*iptables-save/m.test(text)) return { family: 'ipv4', reason: 'iptables-save header' };
  if (/(^|[./_-])(v6|ipv6|ip6)([./_-]|$)|rules6/i.test(file)) return { family: 'ipv6', reason: `file name ${file}` };
  if (/(^|[./_-])(v4|ipv4)([./_-]|$)/i.test(file)) return { family: 'ipv4', reason: `file name ${file}` };
  if (/^-A .*(-[sd] [0-9a-fA-F]*:[0-9a-fA-F:]*[:/]|icmpv6|ipv6-icmp)/m.test(text)) return { family: 'ipv6', reason: 'IPv6 addresses in rules' };
  return { family: 'ipv4', reason: 'no IPv6 marker (iptables-save is IPv4 unless it says otherwise)' };
}

export function parseIptablesSave(file: string, text: string): { model: FirewallRuleset; diagnostics: Diagnostic[] } {
  const { family, reason } = detectSaveFamily(file, text);
  const builder = new IptablesBuilder(family === 'ipv4' ? 'ip' : 'ip6');
  const loadErrors: FirewallUnsupported[] = [];
  const diagnostics: Diagnostic[] = [];
  let table: string | undefined;
  let tableLine = 0;
  // `iptables -S` (list-rules) output has no *table/COMMIT: "-P INPUT DROP", "-N X", "-A ...".
  const listRules = !/^\*/m.test(text) && /^-P (INPUT|FORWARD|OUTPUT) (ACCEPT|DROP)\s*$/m.test(text);
  if (listRules) builder.table('filter');
  const lines = text.split('\n');
  const fail = (line: number, message: string, lineText: string) => {
    loadErrors.push({ message, text: lineText, location: { file, line, column: 1 } });
  };
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '');
    const lineNo = n + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('*')) {
      if (table !== undefined) fail(lineNo, `table ${table} (line ${tableLine}) has no COMMIT before the next table`, raw);
      table = trimmed.slice(1);
      tableLine = lineNo;
      if (!isKnownTable(table)) fail(lineNo, `unknown table ${table}`, raw);
      else builder.resetTable(table, { file, line: lineNo, column: 1 });
      continue;
    }
    if (trimmed === 'COMMIT') {
      if (table === undefined) fail(lineNo, 'COMMIT outside a table', raw);
      table = undefined;
      continue;
    }
    if (table === undefined) {
      if (listRules) {
        // `iptables -S` output: the filter table's commands, one per line, nothing to commit.
        const argv = splitWords(trimmed).words.map((w) => w.text);
        const cmd = parseCommandArgs(argv, family);
        const err = builder.apply(cmd, { file, line: lineNo, column: 1 }, trimmed, () => specKeyOf(argv));
        if (err) fail(lineNo, err, raw);
        continue;
      }
      fail(lineNo, 'rule or chain outside a *table section', raw);
      continue;
    }
    if (trimmed.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?\s*$/.exec(trimmed);
      if (!m) { fail(lineNo, 'malformed chain declaration', raw); continue; }
      const err = builder.declare(table, m[1]!, m[2]!, { file, line: lineNo, column: 1 });
      if (err) fail(lineNo, err, raw);
      continue;
    }
    // "[pkts:bytes] -A ..." (iptables-save -c).
    const body = trimmed.replace(/^\[\d+:\d+\]\s+/, '');
    let argv: string[];
    if (/["'\\]/.test(body)) {
      const split = splitWords(body);
      if (split.unterminatedQuote) { fail(lineNo, 'unterminated quote', raw); continue; }
      argv = split.words.map((w) => w.text);
    } else {
      // No quoting: plain blank-separated words (the common case, and much cheaper).
      argv = body.split(/[ \t]+/);
      if (argv[0] === '') argv.shift();
      if (argv[argv.length - 1] === '') argv.pop();
    }
    const cmd = parseCommandArgs(argv, family);
    if (argv.includes('-t') || argv.includes('--table')) {
      fail(lineNo, 'a table option is not allowed inside iptables-restore input', raw);
      continue;
    }
    cmd.table = table;
    const ruleText = body.includes(' -c ') ? body.replace(/\s+-c\s+\d+\s+\d+/, '') : body;
    const err = builder.apply(cmd, { file, line: lineNo, column: 1 }, ruleText, () => specKeyOf(argv));
    if (err) fail(lineNo, err, raw);
  }
  if (table !== undefined) fail(lines.length, `table ${table} (line ${tableLine}) is not committed: COMMIT expected at end of file`, '');
  const loader = listRules ? 'iptables -S output, replayed as commands' : undefined;
  for (const e of loadErrors) {
    diagnostics.push({ level: 'error', code: 'iptables/restore-error', message: loader ? `this iptables -S line would fail: ${e.message}` : `iptables-restore would reject this file: ${e.message}`, location: e.location });
  }
  const tables = builder.result();
  const model: FirewallRuleset = {
    file,
    format: 'iptables-save',
    families: [family],
    familyReason: loader ? `${reason}; ${loader}` : reason,
    tables,
    loadErrors,
    unsupported: collectUnsupported(tables),
    assumptions: [],
  };
  return { model, diagnostics };
}

/** Rule identity for -D by specification: the arguments after the chain. */
export function specKeyOf(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace'].includes(a)) {
      i++;
      if (/^\d+$/.test(argv[i + 1] ?? '')) i++;
      continue;
    }
    if (a === '-t' || a === '--table') { i++; continue; }
    if (a === '-w' || a === '--wait') { if (/^\d/.test(argv[i + 1] ?? '')) i++; continue; }
    out.push(a);
  }
  return out.join(' ');
}
