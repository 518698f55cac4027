import { Chalk, type ChalkInstance } from 'chalk';
import type { ScanReport } from '../model/report.js';
import type { Result, Severity } from '../model/result.js';
import { SEVERITIES, SEVERITY_RANK } from '../model/result.js';
import { formatLocation } from '../model/location.js';
import { toUtf8Bytes, utf8Bytes } from '../engine/utf8-text.js';

export interface TextOptions {
  color: boolean;
  /** List passing results too (they are always counted in the summary). */
  showPasses?: boolean;
  /**
   * Render groups as byte strings (their UTF-8 bytes, one per character: see
   * engine/utf8-text.ts), from results whose messages are byte strings already
   * (ResultDetail.utf8Messages). Only renderTextGroup heeds it.
   */
  utf8Bytes?: boolean;
}

/** The styles the report uses: chalk's when colouring. */
interface Paints {
  bold(s: string): string;
  underline(s: string): string;
  gray(s: string): string;
  green(s: string): string;
  magenta(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

// Without colour every style is the text as it is (what chalk at level 0 returns), without
// going through chalk's builders once per line of a large report.
const same = (s: string): string => s;
const PLAIN: Paints = { bold: same, underline: same, gray: same, green: same, magenta: same, red: same, yellow: same, cyan: same };
const PLAIN_SEVERITIES: Record<Severity, (s: string) => string> = { critical: same, high: same, medium: same, low: same, info: same };

function paint(c: ChalkInstance): Record<Severity, (s: string) => string> {
  return {
    critical: (s) => c.bgRed.white.bold(s),
    high: (s) => c.red.bold(s),
    medium: (s) => c.yellow(s),
    low: (s) => c.cyan(s),
    info: (s) => c.gray(s),
  };
}

const STATUS_LABEL: Record<Result['status'], string> = {
  fail: '',
  pass: 'PASS',
  'not-applicable': 'N/A',
  'not-evaluated': 'NOT EVALUATED',
  error: 'ERROR',
};

function indent(text: string, prefix: string): string {
  // Most messages are one line: no split/map/join for them.
  if (!text.includes('\n')) return prefix + text;
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

// Results of one rule run share one controls array: spell each array out once.
const controlsWords = new WeakMap<Result['controls'], string>();
function controlsText(controls: Result['controls']): string {
  let text = controlsWords.get(controls);
  if (text === undefined) controlsWords.set(controls, (text = controls.map((x) => `${x.pack} ${x.control}`).join(', ')));
  return text;
}

export function sortResults(a: Result, b: Result): number {
  const sev = SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  if (a.status === 'fail' && b.status === 'fail' && sev !== 0) return sev;
  if (a.status !== b.status) return a.status === 'fail' ? -1 : b.status === 'fail' ? 1 : 0;
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || collator.compare(a.ruleId, b.ruleId);
}

/**
 * Sorts one group's results by sortResults in place, exactly as Array#sort would. A group holds
 * a handful of results, and Array#sort copies them to a work array and calls the comparator
 * from a builtin each time, once per group of a large tree. For fewer than 64 elements V8's
 * TimSort is one run made by countAndMakeRun() and extended by binary insertion; this is that
 * algorithm, step for step, so even comparisons sortResults leaves undecided (two listed
 * statuses other than fail) end in the same order. Longer groups take Array#sort itself.
 */
export function sortGroup(list: Result[]): Result[] {
  const n = list.length;
  if (n < 2) return list;
  if (n >= 64) return list.sort(sortResults);
  // countAndMakeRun: the longest non-descending or strictly descending run from the start.
  let run = 2;
  const descending = sortResults(list[1]!, list[0]!) < 0;
  for (let i = 2; i < n; i++) {
    const order = sortResults(list[i]!, list[i - 1]!);
    if (descending ? order >= 0 : order < 0) break;
    run++;
  }
  if (descending) {
    for (let lo = 0, hi = run - 1; lo < hi; lo++, hi--) {
      const t = list[lo]!;
      list[lo] = list[hi]!;
      list[hi] = t;
    }
  }
  // binaryInsertionSort of the rest into the run.
  for (let start = run; start < n; start++) {
    const pivot = list[start]!;
    let left = 0;
    let right = start;
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      if (sortResults(pivot, list[mid]!) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = start; p > left; p--) list[p] = list[p - 1]!;
    list[left] = pivot;
  }
  return list;
}

// "line:column" padded to the width of the text report's column, for the usual column 1.
const WHERE_AT_COLUMN_1: string[] = [];
function whereColumn(line: number | undefined, column: number | undefined): string {
  if (line === undefined) return '-      ';
  const col = column ?? 1;
  if (col === 1 && line < 10_000) return (WHERE_AT_COLUMN_1[line] ??= `${line}:1`.padEnd(7));
  return `${line}:${col}`.padEnd(7);
}

/** The parts of a report the text header and tail show (everything but the results). */
export type TextFrame = Pick<ScanReport, 'tool' | 'invocation' | 'packs' | 'diagnostics' | 'inventory' | 'summary'> & { artifactCount: number };

/** Colours (or none) and what to list: shared by every piece of one text report. */
export interface TextStyle {
  c: Paints;
  sev: Record<Severity, (s: string) => string>;
  color: boolean;
  showPasses: boolean;
  /** See TextOptions.utf8Bytes. */
  bytes: boolean;
  /** Lines that are the same for every failure of one rule run (fix, controls), by remediation and controls. */
  failTails: WeakMap<object, WeakMap<object, string>>;
  /** Status (or, for failures, severity) labels, painted. */
  labels: Map<string, string>;
}

export function textStyle(opts: TextOptions): TextStyle {
  const chalk = opts.color ? new Chalk({ level: 1 }) : undefined;
  return {
    c: chalk ?? PLAIN,
    sev: chalk ? paint(chalk) : PLAIN_SEVERITIES,
    color: opts.color,
    showPasses: Boolean(opts.showPasses),
    bytes: Boolean(opts.utf8Bytes),
    failTails: new WeakMap(),
    labels: new Map(),
  };
}

function labelOf(r: Result, style: TextStyle): string {
  const key = r.status === 'fail' ? r.severity : r.status;
  let label = style.labels.get(key);
  if (label === undefined) {
    label = r.status === 'fail' ? style.sev[r.severity](r.severity.toUpperCase().padEnd(8)) : style.c.gray(STATUS_LABEL[r.status].padEnd(8));
    style.labels.set(key, label);
  }
  return label;
}

/**
 * The fix and controls lines of a failure: one rule run's failures all share them, so they
 * are spelt once per run, not once per file (a large tree repeats them tens of thousands
 * of times).
 */
function failTail(r: Result, style: TextStyle): string {
  if (!r.remediation) return spellFailTail(r, style);
  let byControls = style.failTails.get(r.remediation);
  if (!byControls) style.failTails.set(r.remediation, (byControls = new WeakMap()));
  let text = byControls.get(r.controls);
  if (text === undefined) byControls.set(r.controls, (text = spellFailTail(r, style)));
  return text;
}

function spellFailTail(r: Result, style: TextStyle): string {
  const out: string[] = [];
  if (r.remediation) {
    out.push(indent(r.remediation.text, '      fix: '));
    if (r.remediation.fix) out.push(style.c.green(indent(r.remediation.fix, '        ')));
  }
  const controls = controlsText(r.controls);
  if (controls) out.push(style.c.gray(`      controls: ${controls}`));
  // Spelt once per rule run: as a byte string, made afresh (see toUtf8Bytes).
  const text = out.join('\n');
  return style.bytes ? toUtf8Bytes(text) : text;
}

/** Whether results of a status are listed (passes only with showPasses; not-applicable never). */
export function isListedStatus(status: Result['status'], showPasses: boolean): boolean {
  return status !== 'not-applicable' && (showPasses || status !== 'pass');
}

function isListed(r: Result, style: TextStyle): boolean {
  return isListedStatus(r.status, style.showPasses);
}

/** The group a listed result is shown under: its file, its endpoint, or the run. */
export function groupKey(r: Result): string {
  return r.location?.file ?? r.location?.endpoint ?? '(run)';
}

// The default locale's collation, as String#localeCompare() uses it, built once.
const collator = new Intl.Collator();

/** Orders group keys as the report lists them. */
export function compareGroupKeys(a: string, b: string): number {
  return collator.compare(a, b);
}

/**
 * Listed results grouped by file (or endpoint), in the order each group's first result came.
 * Not-applicable results and (without showPasses) passes are left out.
 */
export function groupListed(results: readonly Result[], style: TextStyle): Map<string, Result[]> {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    if (!isListed(r, style)) continue;
    const key = groupKey(r);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

export function renderTextHeader(frame: TextFrame, style: TextStyle): string {
  const packs = frame.packs.map((p) => p.id).join(', ');
  return style.c.bold(`ftps-audit ${frame.tool.version}`) + ` — ${frame.invocation.command} of ${frame.artifactCount} artifact(s); vsftpd build assumed: ${frame.invocation.flavor}; packs: ${packs}\n\n`;
}

/** One group: its heading, then its results worst first, each with evidence and fix. Sorts `list`. */
export function renderTextGroup(key: string, list: Result[], kind: string | undefined, style: TextStyle): string {
  const { c } = style;
  // Byte strings (TextOptions.utf8Bytes): only text from outside the report's own ASCII
  // (paths, lines of the file, waiver reasons, assumptions) is converted, each piece as it
  // comes, before it is joined to anything (a joined piece would be copied to be tested).
  // Rule ids are ASCII (rules/schema.json), and messages come converted.
  const b = style.bytes ? utf8Bytes : same;
  const out: string[] = [];
  out.push(c.underline(b(key)) + (kind !== undefined ? c.gray(` (${b(kind)})`) : ''));
  for (const r of sortGroup(list)) {
    const label = labelOf(r, style);
    const waived = r.waived ? c.green(` [waived: ${b(r.waived.reason)}]`) : '';
    const fresh = r.baselineState === 'new' ? c.magenta(' [new]') : '';
    out.push(`  ${label} ${c.gray(whereColumn(r.location?.line, r.location?.column))} ${c.bold(r.ruleId)}${waived}${fresh}`);
    out.push(indent(r.message, '      '));
    if (r.status === 'fail' || r.status === 'not-evaluated') {
      if (r.evidence) out.push(c.gray(indent(b(r.evidence), '      > ')));
      if (r.assumptions?.length) out.push(c.gray(indent(b(r.assumptions.join('\n')), '      assumes: ')));
      if (r.status === 'fail') {
        const tail = failTail(r, style);
        if (tail) out.push(tail);
      } else {
        const controls = controlsText(r.controls);
        if (controls) out.push(c.gray(`      controls: ${b(controls)}`));
      }
    }
  }
  // Two empty lines joined give the blank line and the final newline, in one flat string
  // (join + '\n' would be a concatenation the encoder copies flat again).
  out.push('', '');
  return out.join('\n');
}

/** After the groups: diagnostics, the inventory sections, and the summary. */
export function renderTextTail(frame: TextFrame, style: TextStyle): string {
  const { c } = style;
  const out: string[] = [];
  if (frame.diagnostics.length > 0) {
    out.push(c.bold('Diagnostics'));
    for (const d of frame.diagnostics) {
      const level = d.level === 'error' ? c.red(d.level) : d.level === 'warning' ? c.yellow(d.level) : c.gray(d.level);
      const where = formatLocation(d.location);
      out.push(`  ${level.padEnd(style.color ? 17 : 7)} ${where ? where + ': ' : ''}${d.message} ${c.gray(`(${d.code})`)}`);
    }
    out.push('');
  }

  for (const [name, entries] of Object.entries(frame.inventory)) {
    const line = SECTION_LINES[name];
    out.push(c.bold(`${SECTION_TITLES[name] ?? `Inventory: ${name}`} (${entries.length})`));
    if (line) for (const e of entries) out.push('  ' + line(e as Record<string, unknown>));
    else out.push('  (see the JSON or HTML report)');
    out.push('');
  }

  const s = frame.summary;
  out.push(c.bold('Summary'));
  const fails = SEVERITIES.map((k) => `${s.failuresBySeverity[k]} ${k}`).join(', ');
  out.push(`  failures: ${fails}`);
  out.push(
    `  results: ${s.byStatus.fail} fail, ${s.byStatus.pass} pass, ${s.byStatus['not-evaluated']} not evaluated, ${s.byStatus.error} error, ${s.byStatus['not-applicable']} not applicable; ${s.waived} waived`,
  );
  for (const p of frame.packs) {
    const judged = p.controls.filter((x) => x.status === 'pass' || x.status === 'fail');
    const passed = judged.filter((x) => x.status === 'pass').length;
    const failed = p.controls.filter((x) => x.status === 'fail').map((x) => x.id);
    out.push(`  ${c.bold(p.id)} (${p.title} ${p.version}): ${passed}/${judged.length} controls pass` + (failed.length ? c.red(`; failing: ${failed.join(', ')}`) : ''));
  }
  return out.join('\n') + '\n';
}

/**
 * The human report: findings grouped by file (or endpoint), worst first, each with the
 * line it is about, the evidence and the fix; then diagnostics; then counts per severity
 * and per pack control. Passes are counted, and listed with showPasses. The streamed scan
 * (src/pipeline/text-stream.ts) writes the same pieces without holding the whole report.
 */
export function renderText(report: ScanReport, opts: TextOptions): string {
  const style = textStyle(opts);
  const frame: TextFrame = { ...report, artifactCount: report.artifacts.length };
  const pieces = [renderTextHeader(frame, style)];
  const kinds = new Map(report.artifacts.map((a) => [a.path, a.kind]));
  const groups = groupListed(report.results, style);
  for (const key of [...groups.keys()].sort(compareGroupKeys)) pieces.push(renderTextGroup(key, groups.get(key)!, kinds.get(key), style));
  pieces.push(renderTextTail(frame, style));
  return pieces.join('');
}

const SECTION_TITLES: Record<string, string> = {
  certificates: 'Certificate inventory',
  firewallExposure: 'Firewall exposure per port',
  probe: 'Probed endpoints',
};

const str = (v: unknown): string => (Array.isArray(v) ? v.join(',') : v === undefined || v === null ? '' : String(v));

/** One line per entry of the sections the text report knows; others are left to JSON/HTML. */
const SECTION_LINES: Record<string, (e: Record<string, unknown>) => string> = {
  certificates: (e) =>
    [`${str(e.file)}${e.line ? `:${str(e.line)}` : ''}`, str(e.subject), `issuer=${str(e.issuer)}`, str(e.key), str(e.signatureAlgorithm), `notAfter=${str(e.notAfter)}`, e.sans && (e.sans as unknown[]).length ? `SAN=${str(e.sans)}` : '', `sha256=${str(e.fingerprintSha256)}`, e.usedBy && (e.usedBy as unknown[]).length ? `used by ${str(e.usedBy)}` : '']
      .filter(Boolean)
      .join('  '),
  firewallExposure: (e) => `${str(e.family).padEnd(5)} ${str(e.ports).padEnd(12)} ${str(e.role)}: ${str(e.description)} (${str(e.decidedBy)})`,
  probe: (e) => `${str(e.endpoint)}  ${str(e.reachability)}${e.mode ? `  mode ${str(e.mode)}` : ''}${e.durationMs !== undefined ? `  ${str(e.durationMs)} ms` : ''}`,
};
