/**
 * Builds the VsftpdConfig model of one file: every setting line as a located directive, every
 * misreading or refusal as a located issue, the effective value of each option (explicit, last
 * occurrence wins, or the build's default), and inline waivers.
 */
import type { Diagnostic } from '../../model/diagnostic.js';
import type { FileLocation } from '../../model/location.js';
import type {
  EffectiveValue,
  VsftpdConfig,
  VsftpdDirective,
  VsftpdFlavor,
  VsftpdOptionType,
  VsftpdSyntaxIssue,
  VsftpdValue,
} from '../../model/vsftpd.js';
import {
  byteIndexToColumn,
  bytesToText,
  classifyLine,
  readLines,
  splitSetting,
  VSFTP_CONF_FILE_MAX,
  type RawLine,
} from './grammar.js';
import { formatMode, interpretSetting, show } from './interpret.js';
import { MODE_OPTIONS, optionSpec } from './options.js';

export interface BuiltConfig {
  config: VsftpdConfig;
  diagnostics: Diagnostic[];
}

interface Assignment {
  option: string;
  type: VsftpdOptionType;
  value: VsftpdValue;
  directive: VsftpdDirective;
}

const NON_ASCII_BYTE = /[\x80-\xff]/;

const WAIVER = /^#\s*ftps-audit-ignore(?:\s+(\S+))?(?:\s+(.*))?$/;

/**
 * main: the file vsftpd is started with (errors are fatal).
 * per-user: a file from user_config_dir, loaded at login with errs_fatal=0: every line the
 * daemon cannot use is skipped silently and the session goes on.
 */
export type VsftpdFileRole = 'main' | 'per-user';

export function buildConfig(content: Buffer, file: string, flavor: VsftpdFlavor, role: VsftpdFileRole = 'main'): BuiltConfig {
  const read = readLines(content);
  const directives: VsftpdDirective[] = [];
  const issues: VsftpdSyntaxIssue[] = [];
  const diagnostics: Diagnostic[] = [];
  const assignments: Assignment[] = [];
  const inlineWaivers: VsftpdConfig['inlineWaivers'] = [];
  let pendingWaivers: VsftpdConfig['inlineWaivers'] = [];

  const loc = (line: RawLine, byteIndex: number): FileLocation => {
    // On an all-ASCII line (nearly every line) a byte index is the column: no prefix to
    // cut and decode.
    const ascii = !NON_ASCII_BYTE.test(line.bytes);
    return {
      file,
      line: line.lineNo,
      column: ascii ? byteIndex + 1 : byteIndexToColumn(line.bytes, byteIndex),
      endLine: line.lineNo,
      endColumn: ascii ? line.bytes.length + 1 : byteIndexToColumn(line.bytes, line.bytes.length),
    };
  };

  const flushOrphanWaivers = (): void => {
    for (const w of pendingWaivers) {
      diagnostics.push({
        level: 'warning',
        code: 'vsftpd/orphan-waiver',
        message: `waiver for ${w.ruleId} is not directly above a setting line, so it applies to nothing`,
        location: { file, line: w.line, column: 1 },
      });
    }
    pendingWaivers = [];
  };

  for (const line of read.lines) {
    const kind = classifyLine(line.bytes);
    if (kind === 'comment') {
      const waiver = parseWaiver(line, file, diagnostics);
      if (waiver) pendingWaivers.push(waiver);
      else flushOrphanWaivers();
      continue;
    }
    if (kind === 'blank') {
      flushOrphanWaivers();
      continue;
    }

    const split = splitSetting(line.bytes);
    const name = bytesToText(split.name);
    const rawValue = split.value === undefined ? undefined : bytesToText(split.value);
    const text = bytesToText(line.bytes);
    const location = loc(line, split.nameStart);
    // One literal per shape (same keys, same order): a key added afterwards would cost every
    // directive a separate property array, and a large tree keeps all directives.
    const directive: VsftpdDirective =
      split.valueStart !== undefined
        ? { name, rawValue, text, location, valueColumn: byteIndexToColumn(line.bytes, split.valueStart) }
        : { name, rawValue, text, location };
    directives.push(directive);
    for (const w of pendingWaivers) inlineWaivers.push({ ...w, appliesToLine: line.lineNo });
    pendingWaivers = [];

    const outcome = interpretSetting(split, flavor);
    for (const f of outcome.findings) {
      const at = f.at === 'value' && split.valueStart !== undefined ? split.valueStart : split.nameStart;
      const issue: VsftpdSyntaxIssue = { code: f.code, message: f.message, location: loc(line, at), fatal: f.fatal };
      if (f.option !== undefined) issue.option = bytesToText(f.option);
      if (f.daemonMessage !== undefined) issue.daemonMessage = f.daemonMessage;
      issues.push(issue);
    }
    const set = outcome.assigned;
    if (set) assignments.push({ option: set.option, type: set.type, value: set.value, directive });
  }
  flushOrphanWaivers();

  if (read.cut) issues.push(truncationIssue(read.cut, file));
  issues.push(...duplicateIssues(assignments));

  // Rules ask for the same few options over and over (about 150 lookups per file): the
  // explicit values are built once here (last occurrence wins), and a default is one shared
  // object per build and option. The config is immutable, so nothing goes stale.
  // Indexed by one process-wide option number rather than a Map per file: rules visit every
  // file once per rule, so per-file structures are cold in the CPU cache by the next visit,
  // and one small array read costs far less than a hash probe over strings cut from the file.
  const explicit: (EffectiveValue | undefined)[] = [];
  for (const a of assignments) {
    const spec = optionSpec(flavor, a.option);
    if (spec) explicit[optionIndex(a.option)] = { option: a.option, type: spec.type, value: a.value, source: 'explicit', flavor, directive: a.directive };
  }
  const effective = (option: string): EffectiveValue | undefined => explicit[optionIndex(option)] ?? defaultValue(flavor, option);

  // listen/listen_ipv6 matter only at startup, which a per-user file never takes part in.
  const listenBoth = role === 'main' ? listenBothIssue(effective, file, flavor) : undefined;
  if (listenBoth) issues.push(listenBoth);
  if (role === 'per-user') {
    for (const issue of issues) {
      if (!issue.fatal) continue;
      const crash = issue.daemonMessage === undefined;
      issue.fatal = false;
      delete issue.daemonMessage;
      issue.message += crash
        ? "; in a per-user file (user_config_dir) the crash hits that user's session at login instead (inferred from the same code path, not run)"
        : '; in a per-user file (user_config_dir) vsftpd skips this line silently instead';
    }
  }

  issues.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0));

  const config: VsftpdConfig = {
    file,
    flavor,
    directives,
    issues,
    refusesToStart: issues.some((i) => i.fatal),
    inlineWaivers,
    effective,
  };
  return { config, diagnostics };
}

// A build default is the same fact in every file of that build: one object per build and
// option, shared by all configs, so a tree of thousands of files does not allocate (and
// keep) a copy per file, and describers can cache their words by identity.
const OPTION_INDEX = new Map<string, number>();
function optionIndex(option: string): number {
  let i = OPTION_INDEX.get(option);
  if (i === undefined) OPTION_INDEX.set(option, (i = OPTION_INDEX.size));
  return i;
}

const DEFAULTS = new Map<VsftpdFlavor, Map<string, EffectiveValue | null>>();
function defaultValue(flavor: VsftpdFlavor, option: string): EffectiveValue | undefined {
  let byOption = DEFAULTS.get(flavor);
  if (!byOption) DEFAULTS.set(flavor, (byOption = new Map()));
  let ev = byOption.get(option);
  if (ev === undefined) {
    const spec = optionSpec(flavor, option);
    // null: not an option of this build (remembered too, so the table is asked once).
    ev = spec ? { option, type: spec.type, value: spec.default, source: 'default', flavor } : null;
    byOption.set(option, ev);
  }
  return ev ?? undefined;
}

function parseWaiver(line: RawLine, file: string, diagnostics: Diagnostic[]): VsftpdConfig['inlineWaivers'][number] | undefined {
  // Every waiver line holds this ASCII word (the same in the bytes as in the decoded text):
  // ordinary comments are done with here, without decoding or a regex.
  if (!line.bytes.includes('ftps-audit-ignore')) return undefined;
  const text = bytesToText(line.bytes).replace(/\r$/, '');
  const m = WAIVER.exec(text);
  if (!m) return undefined;
  const [, ruleId, reason] = m;
  if (!ruleId) {
    diagnostics.push({
      level: 'warning',
      code: 'vsftpd/bad-waiver',
      message: 'ftps-audit-ignore needs a rule id and a reason: #ftps-audit-ignore RULE-ID reason',
      location: { file, line: line.lineNo, column: 1 },
    });
    return undefined;
  }
  const why = (reason ?? '').trim();
  if (why.length === 0) {
    diagnostics.push({
      level: 'warning',
      code: 'vsftpd/waiver-without-reason',
      message: `waiver for ${ruleId} gives no reason`,
      location: { file, line: line.lineNo, column: 1 },
    });
  }
  return { ruleId, reason: why, line: line.lineNo, appliesToLine: 0 };
}

function truncationIssue(cut: NonNullable<ReturnType<typeof readLines>['cut']>, file: string): VsftpdSyntaxIssue {
  const first = cut.ignoredLines[0]!;
  const last = cut.ignoredLines[cut.ignoredLines.length - 1]!;
  const ignoredBytes = last.offset + last.bytes.length - (first.offset + cut.byteInLine);
  // A line the cut falls inside is still read (shortened) and judged like any other line;
  // only lines wholly past the cut are lost.
  const lostLines = cut.byteInLine > 0 ? cut.ignoredLines.slice(1) : cut.ignoredLines;
  const lost: string[] = [];
  for (const line of lostLines) {
    if (classifyLine(line.bytes) !== 'setting') continue;
    lost.push(`${show(splitSetting(line.bytes).name).slice(1, -1)} (line ${line.lineNo})`);
  }
  let message = `vsftpd reads only the first ${VSFTP_CONF_FILE_MAX.toLocaleString('en-US')} bytes of its config file; the ${ignoredBytes} bytes from here to the end (line ${last.lineNo}) are silently ignored`;
  if (cut.byteInLine > 0) {
    message += `, and this line is cut to ${show(first.bytes.slice(0, cut.byteInLine))}`;
  }
  if (lost.length > 0) {
    const shown = lost.slice(0, 5).join(', ');
    message += `; settings never read: ${shown}${lost.length > 5 ? ` and ${lost.length - 5} more` : ''}`;
  }
  return {
    code: 'truncated',
    message,
    location: { file, line: cut.lineNo, column: byteIndexToColumn(first.bytes, cut.byteInLine) },
    fatal: false,
  };
}

function duplicateIssues(assignments: Assignment[]): VsftpdSyntaxIssue[] {
  const byOption = new Map<string, Assignment[]>();
  for (const a of assignments) {
    const list = byOption.get(a.option);
    if (list) list.push(a);
    else byOption.set(a.option, [a]);
  }
  const out: VsftpdSyntaxIssue[] = [];
  for (const [option, list] of byOption) {
    if (list.length < 2) continue;
    const last = list[list.length - 1]!;
    for (let i = 1; i < list.length; i += 1) {
      const here = list[i]!;
      const earlier = list.slice(0, i);
      const lines = earlier.map((a) => a.directive.location.line).join(', ');
      const wins = here === last ? 'this last one wins' : `the last one (line ${last.directive.location.line}) wins`;
      out.push({
        code: 'duplicate',
        option,
        fatal: false,
        location: here.directive.location,
        related: earlier.map((a) => a.directive.location),
        message: `${option} is set more than once (also on line${earlier.length > 1 ? 's' : ''} ${lines}); vsftpd keeps whichever comes last, so ${wins}: ${formatValue(option, last.value)}`,
      });
    }
  }
  return out;
}

function formatValue(option: string, v: VsftpdValue): string {
  if (v === null) return '(unset)';
  if (typeof v === 'number' && MODE_OPTIONS.has(option)) return formatMode(v);
  if (typeof v === 'boolean') return v ? 'YES' : 'NO';
  return String(v);
}

function listenBothIssue(
  effective: (o: string) => EffectiveValue | undefined,
  file: string,
  flavor: VsftpdFlavor,
): VsftpdSyntaxIssue | undefined {
  const v4 = effective('listen');
  const v6 = effective('listen_ipv6');
  if (v4?.value !== true || v6?.value !== true) return undefined;
  const explicit = [v4, v6].filter((e) => e.directive).sort((a, b) => (b.directive!.location.line ?? 0) - (a.directive!.location.line ?? 0));
  const where = explicit[0]?.directive?.location ?? { file };
  const fromDefault = [v4, v6].find((e) => e.source === 'default');
  const daemonMessage = 'run two copies of vsftpd for IPv4 and IPv6';
  return {
    code: 'listen-both',
    option: explicit[0]?.option ?? 'listen',
    fatal: true,
    location: where,
    ...(explicit.length > 1 ? { related: explicit.slice(1).map((e) => e.directive!.location) } : {}),
    daemonMessage,
    message: `listen and listen_ipv6 are both YES${fromDefault ? ` (${fromDefault.option} by default of the ${flavor} build)` : ''}; vsftpd accepts only one per process (500 OOPS: ${daemonMessage})`,
  };
}

/**
 * The startup failure the daemon would report first: it stops at the first fatal line of
 * the file, and checks listen/listen_ipv6 only once the whole file parsed.
 */
export function firstStartupFailure(config: VsftpdConfig): VsftpdSyntaxIssue | undefined {
  return config.issues.find((i) => i.fatal && i.code !== 'listen-both') ?? config.issues.find((i) => i.fatal);
}
