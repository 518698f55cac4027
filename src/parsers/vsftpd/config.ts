/**
 * Builds the VsftpdConfig model of one file: every setting line as a located directive, every
 * misreading or refusal as a located issue, the effective value of each option (explicit, last
 * occurrence wins, or the build's default), and inline waivers.
 */
import { isAscii } from 'node:buffer';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { FileLocation } from '../../model/location.js';
import {
  VSFTPD_FLAVORS,
  type EffectiveValue,
  type VsftpdConfig,
  type VsftpdDirective,
  type VsftpdFlavor,
  type VsftpdOptionType,
  type VsftpdSyntaxIssue,
  type VsftpdValue,
} from '../../model/vsftpd.js';
import {
  byteIndexToColumn,
  bytesToText,
  classifyLine,
  parseBool,
  readLines,
  splitSetting,
  VSFTP_CONF_FILE_MAX,
  type SettingSplit,
} from './grammar.js';
import { formatMode, interpretSetting, show, type LineOutcome } from './interpret.js';
import { LineTable } from './line-table.js';
import { MODE_OPTIONS, optionSpec, optionTable, type VsftpdOptionSpec } from './options.js';

export interface BuiltConfig {
  config: VsftpdConfig;
  diagnostics: Diagnostic[];
}

const NON_ASCII_BYTE = /[\x80-\xff]/;

// buf.toString('latin1', start, end) without its argument checks (a third of its cost on a
// line): Buffer's own decoder, which every Node version since 0.x has.
type Latin1Slice = (this: Buffer, start: number, end: number) => string;
const latin1Slice: Latin1Slice =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString('latin1', start, end);
  };

const WAIVER = /^#\s*ftps-audit-ignore(?:\s+(\S+))?(?:\s+(.*))?$/;
/** Every waiver line holds this ASCII word (the same in the bytes as in the decoded text). */
const WAIVER_WORD = 'ftps-audit-ignore';

/**
 * main: the file vsftpd is started with (errors are fatal).
 * per-user: a file from user_config_dir, loaded at login with errs_fatal=0: every line the
 * daemon cannot use is skipped silently and the session goes on.
 */
export type VsftpdFileRole = 'main' | 'per-user';

type Waiver = VsftpdConfig['inlineWaivers'][number];

/**
 * Cost: a large tree holds thousands of these files, and the model of every one is kept
 * until the report. So the file is decoded once (latin1) and walked with indexOf, without
 * an array of line objects; in a file that is all ASCII (nearly every one) a byte index is
 * the column and the bytes are the text, so no line is tested or decoded again. A setting
 * line whose value is written the plain way (see plainValue) is assigned here directly;
 * every other line goes through interpretSetting(), which explains what is wrong with it.
 */
export function buildConfig(content: Buffer, file: string, flavor: VsftpdFlavor, role: VsftpdFileRole = 'main', asciiText?: string): BuiltConfig {
  const seenBytes = Math.min(content.length, VSFTP_CONF_FILE_MAX);
  // asciiText (ParserInput): the whole content, all ASCII, already decoded by discovery.
  const whole = asciiText !== undefined && seenBytes === content.length;
  const seen = whole ? asciiText : latin1Slice.call(content, 0, seenBytes);
  const ascii = whole || isAscii(seenBytes === content.length ? content : content.subarray(0, seenBytes));
  const directives: VsftpdDirective[] = [];
  const issues: VsftpdSyntaxIssue[] = [];
  const diagnostics: Diagnostic[] = [];
  // Every assignment in file order (duplicates are explained from it), and what effective()
  // answers, by option number: the build's shared defaults, each replaced by the last
  // assignment of its option.
  const assigned: EffectiveValue[] = [];
  const defaults = DEFAULTS_BY_INDEX[flavor];
  const values = defaults.slice();
  // Options assigned more than once, in the order their second assignment came.
  const repeated: string[] = [];
  const specs = SPECS_BY_INDEX[flavor];
  const knownLines = KNOWN_LINES[flavor];
  const inlineWaivers: VsftpdConfig['inlineWaivers'] = [];
  let pendingWaivers: Waiver[] = [];

  // The location of a byte of the line [linePos, end) of `seen`.
  const loc = (lineNo: number, linePos: number, end: number, byteIndex: number): FileLocation => {
    if (ascii) return { file, line: lineNo, column: byteIndex + 1, endLine: lineNo, endColumn: end - linePos + 1 };
    const bytes = seen.slice(linePos, end);
    const asciiLine = !NON_ASCII_BYTE.test(bytes);
    return {
      file,
      line: lineNo,
      column: asciiLine ? byteIndex + 1 : byteIndexToColumn(bytes, byteIndex),
      endLine: lineNo,
      endColumn: asciiLine ? bytes.length + 1 : byteIndexToColumn(bytes, bytes.length),
    };
  };

  const flushOrphanWaivers = (): void => {
    if (pendingWaivers.length === 0) return;
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

  const takeWaivers = (lineNo: number): void => {
    for (const w of pendingWaivers) inlineWaivers.push({ ...w, appliesToLine: lineNo });
    pendingWaivers = [];
  };

  // index: the option's number (only known options are ever assigned, and they all have one).
  const assign = (index: number, option: string, type: VsftpdOptionType, value: VsftpdValue, directive: VsftpdDirective): void => {
    const ev: EffectiveValue = { option, type, value, source: 'explicit', flavor, directive };
    assigned.push(ev);
    if (values[index] !== defaults[index] && !repeated.includes(option)) repeated.push(option);
    values[index] = ev;
  };

  // outcome: interpretSetting() of the line (split: where its name and value start).
  const interpret = (outcome: LineOutcome, split: SettingSplit, index: number | undefined, directive: VsftpdDirective, lineNo: number, linePos: number, end: number): void => {
    for (const f of outcome.findings) {
      const at = f.at === 'value' && split.valueStart !== undefined ? split.valueStart : split.nameStart;
      const issue: VsftpdSyntaxIssue = { code: f.code, message: f.message, location: loc(lineNo, linePos, end, at), fatal: f.fatal };
      if (f.option !== undefined) issue.option = bytesToText(f.option);
      if (f.daemonMessage !== undefined) issue.daemonMessage = f.daemonMessage;
      issues.push(issue);
    }
    const set = outcome.assigned;
    if (set) assign(index!, set.option, set.type, set.value, directive);
  };

  /** A setting line the general way: a non-ASCII file, or a NUL in the line. */
  const settingLine = (bytes: string, lineNo: number, linePos: number, end: number): void => {
    const split = splitSetting(bytes);
    const name = bytesToText(split.name);
    const rawValue = split.value === undefined ? undefined : bytesToText(split.value);
    const text = bytesToText(bytes);
    const location = loc(lineNo, linePos, end, split.nameStart);
    // One literal per shape (same keys, same order): a key added afterwards would cost every
    // directive a separate property array, and a large tree keeps all directives.
    const directive: VsftpdDirective =
      split.valueStart !== undefined
        ? { name, rawValue, text, location, valueColumn: byteIndexToColumn(bytes, split.valueStart) }
        : { name, rawValue, text, location };
    directives.push(directive);
    if (pendingWaivers.length > 0) takeWaivers(lineNo);
    interpret(interpretSetting(split, flavor), split, OPTION_INDEX.get(split.name), directive, lineNo, linePos, end);
  };

  // Where the next waiver word and the next NUL byte start (-1: none left): a line holds one
  // when it starts before the line ends, known without cutting the line out. (An ASCII file
  // looks for the word only where a waiver can have it: see below.)
  let nextWaiverWord = ascii ? -1 : seen.indexOf(WAIVER_WORD);
  let nextNul = seen.indexOf('\0');

  let pos = 0;
  let lineNo = 0;
  while (pos < seen.length) {
    // readLines(): lines end at '\n' only; a last line without one still counts.
    lineNo += 1;
    const nl = seen.indexOf('\n', pos);
    const end = nl === -1 ? seen.length : nl;
    const linePos = pos;
    pos = nl === -1 ? seen.length : nl + 1;

    // classifyLine(): empty, '#' in column 1, or all C whitespace.
    if (end === linePos) {
      flushOrphanWaivers();
      continue;
    }
    if (seen.charCodeAt(linePos) === 0x23 /* # */) {
      let holdsWord: boolean;
      if (ascii) {
        // WAIVER matches only with the word right after '#' and blanks; in ASCII text its \s
        // is C isspace(). A line that has the word elsewhere fails it just the same.
        let at = linePos + 1;
        while (at < end && isCSpaceCode(seen.charCodeAt(at))) at += 1;
        holdsWord = seen.startsWith(WAIVER_WORD, at);
      } else {
        if (nextWaiverWord !== -1 && nextWaiverWord < linePos) nextWaiverWord = seen.indexOf(WAIVER_WORD, linePos);
        holdsWord = nextWaiverWord !== -1 && nextWaiverWord < end;
      }
      const waiver = holdsWord ? parseWaiver(latin1Slice.call(content, linePos, end), lineNo, file, diagnostics) : undefined;
      if (waiver) pendingWaivers.push(waiver);
      else flushOrphanWaivers();
      continue;
    }
    let start = linePos;
    while (start < end && isCSpaceCode(seen.charCodeAt(start))) start += 1;
    if (start === end) {
      flushOrphanWaivers();
      continue;
    }

    if (nextNul !== -1 && nextNul < linePos) nextNul = seen.indexOf('\0', linePos);
    if (!ascii || (nextNul !== -1 && nextNul < end)) {
      settingLine(latin1Slice.call(content, linePos, end), lineNo, linePos, end);
      continue;
    }

    // An ASCII line without NUL: the bytes are the text, and what it says depends on the
    // text alone. Read once per process (see LineTable), shared by every later file; a long
    // line is read on its own (the table keeps its lines, so their length bounds its size).
    let line: SettingLine | undefined;
    if (end - linePos > SHARED_LINE_MAX) line = readSettingLine(seen, content, linePos, start, end, specs, flavor, false);
    else {
      const hash = LineTable.hash(content, linePos, end);
      line = knownLines.find(content, linePos, end, hash);
      if (line === undefined) {
        // Once the table is full, a new line is read for this file alone: no copy of its bytes.
        const kept = !knownLines.full;
        line = readSettingLine(seen, content, linePos, start, end, specs, flavor, kept);
        if (kept) knownLines.add(hash, line);
      }
    }
    const { text, name, rawValue } = line;
    const location: FileLocation = { file, line: lineNo, column: line.nameStart + 1, endLine: lineNo, endColumn: text.length + 1 };
    const directive: VsftpdDirective =
      line.valueStart !== -1 ? { name, rawValue, text, location, valueColumn: line.valueStart + 1 } : { name, rawValue, text, location };
    directives.push(directive);
    if (pendingWaivers.length > 0) takeWaivers(lineNo);

    if (line.plain !== NOT_PLAIN) {
      assign(line.index!, name, line.type!, line.plain, directive);
      continue;
    }
    const split: SettingSplit =
      line.valueStart === -1
        ? { name, value: undefined, nameStart: line.nameStart, nulCut: false }
        : { name, value: rawValue, nameStart: line.nameStart, valueStart: line.valueStart, nulCut: false };
    // What the daemon makes of the line is the line's own: worked out once, like the rest.
    line.outcome ??= interpretSetting(split, flavor);
    interpret(line.outcome, split, line.index, directive, lineNo, linePos, end);
  }
  flushOrphanWaivers();

  if (content.length > VSFTP_CONF_FILE_MAX) issues.push(truncationIssue(readLines(content).cut!, file));
  if (repeated.length > 0) issues.push(...duplicateIssues(assigned, repeated));

  // listen/listen_ipv6 matter only at startup, which a per-user file never takes part in.
  const listenBoth = role === 'main' ? listenBothIssue((o) => lookUp(values, o), file, flavor) : undefined;
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

  if (issues.length > 1) issues.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0));

  const config: VsftpdConfig = new ParsedVsftpdConfig(file, flavor, directives, issues, inlineWaivers, values);
  return { config, diagnostics };
}

/**
 * What an ASCII setting line without NUL says, for one build: splitSetting() of it, the
 * option it names and, when its value is written the plain way (see plainValue), the value
 * it assigns. Indices are within the line.
 */
interface SettingLine {
  /** The line's bytes (a copy: it outlives the file), by which LineTable finds it. */
  readonly bytes: Uint8Array;
  /** The line as written (the directive's text). */
  readonly text: string;
  readonly nameStart: number;
  /** After the first '=' after the name's start; -1: no '='. */
  readonly valueStart: number;
  /** A known option's name is the option table's string. */
  readonly name: string;
  readonly rawValue: string | undefined;
  /** The option's number, when the name is an option of some build. */
  readonly index: number | undefined;
  /** The option's type in this build, when it has it. */
  readonly type: VsftpdOptionType | undefined;
  /** NOT_PLAIN: interpretSetting() decides (and may have something to explain). */
  readonly plain: VsftpdValue | typeof NOT_PLAIN;
  /** interpretSetting() of a line that is not plain, once asked (never changed after). */
  outcome?: LineOutcome;
}

/**
 * Longest line kept in the table: template lines are short, and with at most 16,384 lines
 * of this size per build the table stays within about 16 MB, whatever the tree holds.
 */
const SHARED_LINE_MAX = 256;

/** The bytes of a line not kept in the table (never looked at). */
const NO_BYTES = new Uint8Array(0);

/** Lines already read, per build (what a line says depends on the build's option table). */
const KNOWN_LINES = {} as Record<VsftpdFlavor, LineTable<SettingLine>>;
for (const f of VSFTPD_FLAVORS) KNOWN_LINES[f] = new LineTable<SettingLine>(15);

/** seen[linePos, end) is an ASCII setting line without NUL whose name starts at `start`. */
function readSettingLine(
  seen: string,
  content: Buffer,
  linePos: number,
  start: number,
  end: number,
  specs: readonly (VsftpdOptionSpec | undefined)[],
  flavor: VsftpdFlavor,
  /** The line goes into the table: keep a copy of its bytes (else none is needed). */
  kept: boolean,
): SettingLine {
  let eq = seen.indexOf('=', start);
  if (eq >= end) eq = -1;
  // The line's text is decoded from the bytes again rather than cut from `seen`: a cut
  // would keep the whole file's text alive as long as the model (comments included, most
  // of a typical file), and the garbage collector would copy it twice on the way.
  const text = latin1Slice.call(content, linePos, end);
  const cutName = text.slice(start - linePos, eq === -1 ? end - linePos : eq - linePos);
  const index = OPTION_INDEX.get(cutName);
  const spec = index === undefined ? undefined : specs[index];
  const name = spec !== undefined ? spec.name : cutName;
  const rawValue = eq === -1 ? undefined : commonValue(seen, eq + 1, end) ?? text.slice(eq + 1 - linePos);
  const plain = spec !== undefined && rawValue !== undefined && rawValue.length > 0 ? plainValue(spec, rawValue, flavor) : NOT_PLAIN;
  return { bytes: kept ? new Uint8Array(content.subarray(linePos, end)) : NO_BYTES, text, nameStart: start - linePos, valueStart: eq === -1 ? -1 : eq + 1 - linePos, name, rawValue, index, type: spec?.type, plain };
}

/** `seen` from `from` to `end` when it is YES or NO, as a shared string; else undefined. */
function commonValue(seen: string, from: number, end: number): string | undefined {
  const n = end - from;
  if (n === 3 && seen.startsWith('YES', from)) return 'YES';
  if (n === 2 && seen.startsWith('NO', from)) return 'NO';
  return undefined;
}

/** C isspace() in the C locale, on a char code. */
function isCSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const NOT_PLAIN: unique symbol = Symbol('not plain');

/**
 * The value a known option takes from a non-empty value written the plain way, or
 * NOT_PLAIN: then interpretSetting() decides, and may have something to explain. Plain
 * means interpretSetting() would assign exactly this and report nothing:
 * - bool: a word the bool grammar accepts;
 * - uint, not a mode: 1-9 decimal digits without a leading 0 (no octal, no wrap, nothing
 *   left over);
 * - mode or umask: 0 and at most 10 octal digits (no wrap);
 * - string: no C blank at either end (nothing to trim) and, upstream, no CR.
 */
function plainValue(spec: VsftpdOptionSpec, value: string, flavor: VsftpdFlavor): VsftpdValue | typeof NOT_PLAIN {
  if (spec.type === 'bool') {
    if (value === 'YES') return true;
    if (value === 'NO') return false;
    return parseBool(value) ?? NOT_PLAIN;
  }
  const n = value.length;
  if (spec.type === 'uint') {
    const first = value.charCodeAt(0);
    if (MODE_OPTIONS.has(spec.name)) return first !== 0x30 || n > 11 ? NOT_PLAIN : digitsValue(value, 1, 8);
    return first < 0x31 || first > 0x39 || n > 9 ? NOT_PLAIN : digitsValue(value, 0, 10);
  }
  if (isCSpaceCode(value.charCodeAt(0)) || isCSpaceCode(value.charCodeAt(n - 1))) return NOT_PLAIN;
  if (flavor === 'upstream' && value.includes('\r')) return NOT_PLAIN;
  return value;
}

/** The number value[from..] spells in base 8 or 10 when every character is a digit of it; else NOT_PLAIN. */
function digitsValue(value: string, from: number, base: 8 | 10): number | typeof NOT_PLAIN {
  let v = 0;
  for (let i = from; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d >= base) return NOT_PLAIN;
    v = v * base + d;
  }
  return v;
}

// Rules ask for the same few options over and over (about 150 lookups per file): each
// config answers from one array built while parsing (explicit values, last occurrence
// wins, over the build's defaults), indexed by one process-wide option number rather than a
// Map per file: rules visit every file once per rule, so per-file structures are cold in the
// CPU cache by the next visit, and one array read costs far less than a hash probe. A build
// default is the same fact in every file of that build: one object per build and option,
// shared by all configs, so a tree of thousands of files does not allocate (and keep) a copy
// per file, and describers can cache their words by identity. The config is immutable, so
// nothing goes stale.
const OPTION_INDEX = new Map<string, number>();
for (const f of VSFTPD_FLAVORS) for (const name of optionTable(f).keys()) if (!OPTION_INDEX.has(name)) OPTION_INDEX.set(name, OPTION_INDEX.size);
const SPECS_BY_INDEX = {} as Record<VsftpdFlavor, (VsftpdOptionSpec | undefined)[]>;
/** null: not an option of that build. */
const DEFAULTS_BY_INDEX = {} as Record<VsftpdFlavor, (EffectiveValue | null)[]>;
for (const flavor of VSFTPD_FLAVORS) {
  const specs: (VsftpdOptionSpec | undefined)[] = [];
  const defaults: (EffectiveValue | null)[] = [];
  for (const [name, i] of OPTION_INDEX) {
    const spec = optionSpec(flavor, name);
    specs.push(spec);
    defaults.push(spec ? { option: name, type: spec.type, value: spec.default, source: 'default', flavor } : null);
    if (specs.length !== i + 1) throw new Error('option numbers out of step');
  }
  SPECS_BY_INDEX[flavor] = specs;
  DEFAULTS_BY_INDEX[flavor] = defaults;
}

// The last name looked up and its number. A rule asks every file in turn for the same
// option, with the same string: one comparison instead of a hash probe.
let lastAsked: string | undefined;
let lastIndex: number | undefined;

/** effective() of a config by its values array. */
function lookUp(values: readonly (EffectiveValue | null)[], option: string): EffectiveValue | undefined {
  let i: number | undefined;
  if (option === lastAsked) i = lastIndex;
  else {
    i = OPTION_INDEX.get(option);
    lastAsked = option;
    lastIndex = i;
  }
  // A name no build has has no number; a name of another build is null here.
  if (i === undefined) return undefined;
  return values[i] ?? undefined;
}

/**
 * The model of one parsed file: the fields of VsftpdConfig, in the same order, and
 * effective() as a method rather than a closure per file. Rules ask every file of a tree in
 * turn, so what a lookup has to reach is cold in the CPU cache: from the config, a method
 * reaches the values array through one field; a closure went through itself and its context
 * first (two more objects per file to allocate, and to fetch from memory on every ask). The
 * array is a private field, so copies, comparisons and JSON see the same own properties as
 * before, but for effective itself, which is now inherited.
 */
class ParsedVsftpdConfig implements VsftpdConfig {
  file: string;
  flavor: VsftpdFlavor;
  directives: VsftpdDirective[];
  issues: VsftpdSyntaxIssue[];
  refusesToStart: boolean;
  inlineWaivers: VsftpdConfig['inlineWaivers'];
  readonly #values: readonly (EffectiveValue | null)[];

  constructor(
    file: string,
    flavor: VsftpdFlavor,
    directives: VsftpdDirective[],
    issues: VsftpdSyntaxIssue[],
    inlineWaivers: VsftpdConfig['inlineWaivers'],
    values: readonly (EffectiveValue | null)[],
  ) {
    this.file = file;
    this.flavor = flavor;
    this.directives = directives;
    this.issues = issues;
    this.refusesToStart = issues.some((i) => i.fatal);
    this.inlineWaivers = inlineWaivers;
    this.#values = values;
  }

  effective(option: string): EffectiveValue | undefined {
    return lookUp(this.#values, option);
  }

  effectiveAt(optionNumber: number): EffectiveValue | undefined {
    return this.#values[optionNumber] ?? undefined;
  }
}

/**
 * The number of an option name (some build's option) for VsftpdConfig.effectiveAt, or
 * undefined: a name no build has, which effective() answers with undefined too.
 */
export function vsftpdOptionNumber(option: string): number | undefined {
  return OPTION_INDEX.get(option);
}

/** A comment line holding the waiver word (the caller looks for it in the bytes first). */
function parseWaiver(bytes: string, lineNo: number, file: string, diagnostics: Diagnostic[]): Waiver | undefined {
  const text = bytesToText(bytes).replace(/\r$/, '');
  const m = WAIVER.exec(text);
  if (!m) return undefined;
  const [, ruleId, reason] = m;
  if (!ruleId) {
    diagnostics.push({
      level: 'warning',
      code: 'vsftpd/bad-waiver',
      message: 'ftps-audit-ignore needs a rule id and a reason: #ftps-audit-ignore RULE-ID reason',
      location: { file, line: lineNo, column: 1 },
    });
    return undefined;
  }
  const why = (reason ?? '').trim();
  if (why.length === 0) {
    diagnostics.push({
      level: 'warning',
      code: 'vsftpd/waiver-without-reason',
      message: `waiver for ${ruleId} gives no reason`,
      location: { file, line: lineNo, column: 1 },
    });
  }
  return { ruleId, reason: why, line: lineNo, appliesToLine: 0 };
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

/**
 * One issue per repeated assignment. (They all sit on different lines, so their order here
 * does not matter: the caller sorts issues by line.)
 */
function duplicateIssues(assignments: EffectiveValue[], repeated: string[]): VsftpdSyntaxIssue[] {
  const out: VsftpdSyntaxIssue[] = [];
  for (const option of repeated) {
    const list: EffectiveValue[] = [];
    for (const a of assignments) if (a.option === option) list.push(a);
    const last = list[list.length - 1]!;
    const winner = formatValue(option, last.value);
    const lastLine = last.directive!.location.line;
    // The earlier lines, grown by one per issue: "3", "3, 7", ...
    let lines = '';
    for (let i = 1; i < list.length; i += 1) {
      const here = list[i]!;
      // Sized at once (the usual case is one earlier line): an array grown by push reserves more.
      const related: FileLocation[] = i === 1 ? [list[0]!.directive!.location] : list.slice(0, i).map((a) => a.directive!.location);
      lines = i === 1 ? String(related[0]!.line) : `${lines}, ${related[i - 1]!.line}`;
      const wins = here === last ? 'this last one wins' : `the last one (line ${lastLine}) wins`;
      out.push({
        code: 'duplicate',
        option,
        fatal: false,
        location: here.directive!.location,
        related,
        message: `${option} is set more than once (also on line${i > 1 ? 's' : ''} ${lines}); vsftpd keeps whichever comes last, so ${wins}: ${winner}`,
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
