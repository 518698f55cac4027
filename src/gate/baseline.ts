import { readFile } from 'node:fs/promises';
import type { BaselineComparison, FixedFinding, ScanReport } from '../model/report.js';
import type { Result } from '../model/result.js';
import { GateInputError } from './errors.js';
import { resummarize } from './summary.js';

/**
 * A baseline is a saved JSON result (`ftps-audit scan --format json`, or the smaller one
 * `ftps-audit baseline create` writes). Findings are matched by fingerprint, which hashes the
 * rule, the artifact and the subject key — not the line — so moving a directive or editing
 * an unrelated line keeps a finding "unchanged".
 */

/** A baseline as compared: where it came from and the failures it held. */
export interface Baseline {
  source: string;
  createdAt: string;
  failures: Result[];
}

/** The failures of a report, as a baseline (a ScanReport too, so any reader accepts it). */
export function createBaseline(report: ScanReport): ScanReport {
  const failures = report.results
    .filter((r) => r.status === 'fail')
    .map(({ baselineState: _state, ...rest }) => rest);
  const ruleIds = new Set(failures.map((r) => r.ruleId));
  const { baseline: _b, waivers: _w, ...rest } = report;
  return resummarize({ ...rest, rules: report.rules.filter((r) => ruleIds.has(r.id)), results: failures });
}

export function baselineFromReport(report: Pick<ScanReport, 'generatedAt' | 'results'>, source: string): Baseline {
  return { source, createdAt: report.generatedAt, failures: report.results.filter((r) => r.status === 'fail') };
}

/** Reads a baseline file; errors name the file and what is wrong with it. */
export async function loadBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GateInputError(`cannot read baseline ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GateInputError(`baseline ${file} is not JSON: ${(err as Error).message}`);
  }
  return baselineFromReport(checkReportShape(data, `baseline ${file}`), file);
}

/**
 * The fields a baseline comparison reads, checked so a wrong file (a SARIF log, a waiver
 * file) is refused with a message rather than read as "everything is new".
 */
export function checkReportShape(data: unknown, what: string): Pick<ScanReport, 'generatedAt' | 'results'> {
  const o = data as Partial<ScanReport> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new GateInputError(`${what} is not an ftps-audit JSON result (not an object)`);
  if (o.schemaVersion !== '1.0') throw new GateInputError(`${what} is not an ftps-audit JSON result (schemaVersion is ${JSON.stringify(o.schemaVersion)}, expected "1.0")`);
  if (!Array.isArray(o.results)) throw new GateInputError(`${what}: results must be an array`);
  o.results.forEach((r, i) => {
    if (!r || typeof r.fingerprint !== 'string' || typeof r.ruleId !== 'string' || typeof r.status !== 'string') {
      throw new GateInputError(`${what}: results[${i}] needs ruleId, status and fingerprint`);
    }
  });
  return { generatedAt: typeof o.generatedAt === 'string' ? o.generatedAt : '', results: o.results };
}

/**
 * Marks every failure of the report new or unchanged against the baseline and lists the
 * baseline's failures that this run no longer has (fixed). Returns a new report.
 */
export function applyBaseline(report: ScanReport, baseline: Baseline): ScanReport {
  const known = new Set(baseline.failures.map((r) => r.fingerprint));
  let added = 0;
  let unchanged = 0;
  const current = new Set<string>();
  const results = report.results.map((r): Result => {
    if (r.status !== 'fail') return r;
    current.add(r.fingerprint);
    const state = known.has(r.fingerprint) ? 'unchanged' : 'new';
    if (state === 'new') added++;
    else unchanged++;
    return { ...r, baselineState: state };
  });
  const seen = new Set<string>();
  const fixed: FixedFinding[] = [];
  for (const b of baseline.failures) {
    if (current.has(b.fingerprint) || seen.has(b.fingerprint)) continue;
    seen.add(b.fingerprint);
    fixed.push({ ruleId: b.ruleId, fingerprint: b.fingerprint, severity: b.severity, message: b.message, ...(b.location ? { location: b.location } : {}) });
  }
  const comparison: BaselineComparison = { source: baseline.source, createdAt: baseline.createdAt, new: added, unchanged, fixed };
  return { ...report, results, baseline: comparison };
}
