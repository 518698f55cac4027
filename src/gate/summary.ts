import type { PackSummary, ReportSummary, ScanReport } from '../model/report.js';
import type { Result, Severity, Status } from '../model/result.js';
import { SEVERITIES, STATUSES } from '../model/result.js';

/**
 * Waiving changes what counts, so after a gate marks results the report's summary and the
 * control statuses are computed again. Same rules as the engine's first pass
 * (src/engine/summary.ts): a waived failure does not fail its control or count as a failure.
 */
const CONTROL_PRECEDENCE: Status[] = ['fail', 'error', 'not-evaluated', 'pass', 'not-applicable'];

function controlStatus(results: Result[]): Status {
  for (const s of CONTROL_PRECEDENCE) {
    if (results.some((r) => r.status === s && !(s === 'fail' && r.waived))) return s;
  }
  return results.length > 0 ? 'pass' : 'not-applicable';
}

export function summarizeResults(results: readonly Result[]): ReportSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let waived = 0;
  for (const r of results) {
    byStatus[r.status]++;
    if (r.waived) waived++;
    else if (r.status === 'fail') failuresBySeverity[r.severity]++;
  }
  return { byStatus, failuresBySeverity, waived };
}

export function recomputePacks(packs: readonly PackSummary[], results: readonly Result[]): PackSummary[] {
  const byControl = new Map<string, Result[]>();
  for (const r of results) {
    for (const c of r.controls) {
      const k = `${c.pack}\0${c.control}`;
      let list = byControl.get(k);
      if (!list) byControl.set(k, (list = []));
      list.push(r);
    }
  }
  return packs.map((p) => ({
    ...p,
    controls: p.controls.map((c) =>
      c.status === 'no-rules' ? c : { ...c, status: controlStatus(byControl.get(`${p.id}\0${c.id}`) ?? []) },
    ),
  }));
}

/** The report with summary and control statuses brought in line with its results. */
export function resummarize(report: ScanReport): ScanReport {
  return { ...report, summary: summarizeResults(report.results), packs: recomputePacks(report.packs, report.results) };
}
