/**
 * CI gating over a finished ScanReport: inline and file waivers, baseline comparison, and
 * the exit code for --fail-on. Reads only the report (and the files the user named); never
 * re-evaluates a rule.
 *
 * The scan and report commands call, in one line each:
 *
 *   report = await applyGates(report, { waiversFile: flags.waivers, baselineFile: flags.baseline,
 *                                       inline: modelsOf(inventory, 'vsftpd') });
 *   report.invocation.exitCode = exitCodeFor(report, flags['fail-on']);
 *   for (const line of gateNotes(report)) this.warn(line);   // or stderr
 */
import type { ScanReport } from '../model/report.js';
import { applyBaseline, loadBaseline } from './baseline.js';
import { applyInlineWaivers, applyWaivers, loadWaivers, resolveWaiversFile } from './waivers.js';
import type { InlineWaiverSource } from './waivers.js';
import { resummarize } from './summary.js';

export { GateInputError } from './errors.js';
export { applyBaseline, baselineFromReport, createBaseline, loadBaseline } from './baseline.js';
export type { Baseline } from './baseline.js';
export { applyInlineWaivers, applyWaivers, mergeWaiverReport, waiveInline, isExpired, loadWaivers, parseWaivers, resolveWaiversFile, DEFAULT_WAIVERS_FILES } from './waivers.js';
export type { InlineWaiverSource, WaiverEntry, WaiverFile } from './waivers.js';
export { blockingFindings, DEFAULT_FAIL_ON, exitCodeFor, FAIL_ON_VALUES, isBlocking, isFailOn } from './fail-on.js';
export type { FailOn } from './fail-on.js';
export { resummarize, summarizeResults } from './summary.js';

export interface GateOptions {
  /** --waivers FILE; when absent, .ftps-audit-waivers.yml (or .yaml/.json) in `cwd` if present. */
  waiversFile?: string;
  /** Set false to ignore a default waiver file in cwd (e.g. `report` re-rendering a gated JSON). */
  useDefaultWaivers?: boolean;
  /** Parsed vsftpd configs (their inlineWaivers): pass `modelsOf(inventory, 'vsftpd')`. */
  inline?: readonly InlineWaiverSource[];
  /** --baseline FILE: a saved JSON result or `baseline create` output. */
  baselineFile?: string;
  /** "Today" for waiver expiry; default now. */
  now?: Date;
  cwd?: string;
}

/**
 * Inline waivers, then file waivers, then the baseline; the summary and control statuses
 * are recomputed so that every renderer sees the gated counts. Throws GateInputError (a
 * message fit for the user; exit 2) on an unreadable or invalid waiver/baseline file.
 */
export async function applyGates(report: ScanReport, opts: GateOptions = {}): Promise<ScanReport> {
  let out = report;
  if (opts.inline?.length) out = applyInlineWaivers(out, opts.inline);
  const waiversFile = opts.useDefaultWaivers === false ? opts.waiversFile : resolveWaiversFile(opts.waiversFile, opts.cwd);
  if (waiversFile) out = applyWaivers(out, await loadWaivers(waiversFile), opts.now ?? new Date());
  if (opts.baselineFile) out = applyBaseline(out, await loadBaseline(opts.baselineFile));
  return out === report ? report : resummarize(out);
}

/** Human lines about the gate for stderr: expired and stale waivers, baseline counts. */
export function gateNotes(report: Pick<ScanReport, 'waivers' | 'baseline'>): string[] {
  const lines: string[] = [];
  for (const { waiver, matched } of report.waivers?.expired ?? []) {
    lines.push(`waiver for ${waiver.ruleId} (${where(waiver)}) expired on ${waiver.expires}: ${matched} finding(s) count again`);
  }
  for (const w of report.waivers?.stale ?? []) {
    lines.push(`stale waiver: ${w.ruleId} (${where(w)}) matches no finding; remove it`);
  }
  if (report.baseline) {
    const b = report.baseline;
    lines.push(`baseline ${b.source}: ${b.new} new, ${b.unchanged} unchanged, ${b.fixed.length} fixed`);
  }
  return lines;
}

function where(w: { source: string; index?: number; line?: number; path?: string; endpoint?: string }): string {
  const at = [w.path, w.endpoint].filter(Boolean).join(' ');
  const origin = w.source === 'inline' ? `inline at ${w.path}:${w.line}` : `${w.source}${w.index !== undefined ? ` #${w.index + 1}` : ''}`;
  return w.source === 'inline' ? origin : `${at}; ${origin}`;
}
