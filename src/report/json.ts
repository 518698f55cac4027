import type { ScanReport } from '../model/report.js';

/** The canonical form: every other format can be rendered again from this text. */
export function renderJson(report: ScanReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
