import type { Diagnostic } from '../../model/diagnostic.js';
import type { FirewallRuleset, FirewallTable, FirewallUnsupported, IpFamily } from '../../model/firewall.js';
import { IptablesBuilder } from './builder.js';
import { parseCommandArgs } from './rule-spec.js';
import { specKeyOf } from './save.js';
import { splitWords } from './shell-words.js';
import { collectUnsupported } from './unsupported.js';

/**
 * Shell scripts, Makefiles and Ansible tasks that run iptables/ip6tables commands, the way
 * hardening guides write them. Commands are replayed in file order on an initially empty
 * ruleset (ACCEPT policies, as after boot); a command iptables would refuse has no effect
 * and is reported. Simple `NAME=value` variables (IPT=/sbin/iptables) are expanded;
 * anything whose words still depend on the shell (unknown $VAR, $(...)) is reported as
 * not evaluated, never guessed.
 */
const COMMAND = /(^|[\s;&|(`'"]|^\t)((?:sudo\s+(?:-\S+\s+)*)?(?:\/usr)?(?:\/s?bin\/)?)(ip6?tables)(-legacy|-nft)?(?=\s)/g;
const RESTORE = /(^|[\s;&|(`'"])(?:\/usr)?(?:\/s?bin\/)?ip6?tables(?:-legacy|-nft)?-restore\b/;
const ASSIGN = /^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|([^\s;#]*))\s*(?:[;#].*)?$/;

interface LogicalLine { text: string; line: number }

function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!.replace(/\r$/, '');
    while (/(^|[^\\])\\$/.test(l) && i + 1 < lines.length) {
      l = l.slice(0, -1) + ' ' + lines[++i]!.replace(/\r$/, '');
    }
    out.push({ text: l, line: start + 1 });
  }
  return out;
}

export function parseIptablesScript(file: string, text: string): { model: FirewallRuleset; diagnostics: Diagnostic[] } {
  const builders: Record<IpFamily, IptablesBuilder> = { ipv4: new IptablesBuilder('ip'), ipv6: new IptablesBuilder('ip6') };
  const used = new Set<IpFamily>();
  const flushedInput: Record<IpFamily, boolean> = { ipv4: false, ipv6: false };
  const addedBeforeFlush: Record<IpFamily, boolean> = { ipv4: false, ipv6: false };
  const vars = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const unsupported: FirewallUnsupported[] = [];

  for (const { text: lineText, line } of logicalLines(text)) {
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const assign = ASSIGN.exec(lineText);
    if (assign) {
      const value = assign[3] ?? assign[4] ?? assign[5] ?? '';
      vars.set(assign[1]!, expand(value, vars).text);
      continue;
    }
    if (/\b(ansible\.builtin\.iptables|community\.general\.iptables_state)\s*:|^\s*-?\s*iptables\s*:\s*$/.test(lineText)) {
      unsupported.push({ message: 'Ansible iptables module task is not evaluated (only iptables command lines are)', text: trimmed, location: { file, line, column: 1 } });
      continue;
    }
    const expanded = expand(lineText, vars);
    const body = expanded.text;
    if (RESTORE.test(body)) {
      unsupported.push({ message: 'iptables-restore loads rules from another file; scan that file too', text: trimmed, location: { file, line, column: 1 } });
      continue;
    }
    COMMAND.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = COMMAND.exec(body)) !== null) {
      const family: IpFamily = m[3] === 'ip6tables' ? 'ipv6' : 'ipv4';
      const cmdStart = m.index + m[1]!.length;
      const argsStart = cmdStart + m[2]!.length + m[3]!.length + (m[4]?.length ?? 0);
      const column = Math.min(cmdStart, lineText.length - 1) + 1;
      const split = splitWords(body, argsStart);
      if (split.restOffset !== undefined) COMMAND.lastIndex = split.restOffset;
      const argv = split.words.map((w) => w.text);
      // YAML/Makefile quoting leftovers ("...") or a trailing shell redirection end the command.
      const stop = argv.findIndex((a) => /^[<>]|^2>|^&>/.test(a));
      if (stop >= 0) argv.length = stop;
      const cmdText = `${m[3]}${m[4] ?? ''} ${argv.join(' ')}`.trim();
      const location = { file, line, column };
      const dollar = argv.filter((a) => a.includes('$'));
      if (dollar.length) {
        unsupported.push({ message: `command depends on shell expansion (${dollar.join(' ')}); not evaluated`, text: cmdText, location });
        continue;
      }
      const cmd = parseCommandArgs(argv, family);
      if (cmd.op === 'list' || cmd.op === 'zero' || (cmd.op === 'none' && argv.length === 0)) continue;
      used.add(family);
      if (cmd.op === 'flush' && cmd.table === 'filter' && (cmd.chain === undefined || cmd.chain === 'INPUT')) {
        flushedInput[family] = true;
      } else if (!flushedInput[family] && cmd.table === 'filter' && (cmd.op === 'append' || cmd.op === 'insert')) {
        addedBeforeFlush[family] = true;
      }
      const err = builders[family].apply(cmd, location, cmdText, () => specKeyOf(argv));
      if (err) {
        diagnostics.push({ level: 'warning', code: 'iptables/command-fails', message: `this ${m[3]} command fails and has no effect: ${err}`, location });
      }
    }
  }

  const families = (['ipv4', 'ipv6'] as const).filter((f) => used.has(f));
  const tables: FirewallTable[] = families.flatMap((f) => builders[f].result());
  const assumptions: string[] = [];
  for (const f of families) {
    if (!flushedInput[f] || addedBeforeFlush[f]) {
      assumptions.push(`${f === 'ipv4' ? 'iptables' : 'ip6tables'} commands are replayed on an empty ruleset with ACCEPT policies; the script does not flush first, so rules loaded before it are unknown`);
    }
  }
  if (families.length) assumptions.push('commands are replayed once each, in file order; conditionals and loops in the script are not followed');
  for (const u of unsupported) {
    diagnostics.push({ level: 'warning', code: 'iptables/not-evaluated', message: u.message, location: u.location });
  }
  const model: FirewallRuleset = {
    file,
    format: 'iptables-script',
    families,
    familyReason: families.length ? `${families.map((f) => (f === 'ipv4' ? 'iptables' : 'ip6tables')).join(' and ')} commands` : 'no iptables command found',
    tables,
    loadErrors: [],
    unsupported: [...unsupported, ...collectUnsupported(tables)],
    assumptions,
  };
  return { model, diagnostics };
}

function expand(text: string, vars: Map<string, string>): { text: string; unknownVars: string[] } {
  const unknownVars: string[] = [];
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const v = vars.get(name);
    if (v === undefined) {
      unknownVars.push(`$${name}`);
      return all;
    }
    return v;
  });
  return { text: out, unknownVars };
}
