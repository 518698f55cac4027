import type { ReportSummary, ScanReport } from '../model/report.js';
import type { Result } from '../model/result.js';
import { summarise, summarisePacks } from '../engine/summary.js';

/**
 * Waiving changes what counts, so after a gate marks results the report's summary and the
 * control statuses are computed again — by the engine's own functions, so the rules (a
 * waived failure does not fail its control or count as a failure) live in one place.
 */
export function summarizeResults(results: readonly Result[]): ReportSummary {
  return summarise(results);
}

/** The report with summary and control statuses brought in line with its results. */
export function resummarize(report: ScanReport): ScanReport {
  return { ...report, summary: summarise(report.results), packs: summarisePacks(report.packs, report.results) };
}
