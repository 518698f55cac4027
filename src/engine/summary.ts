import type { Result, Severity, Status } from '../model/result.js';
import { SEVERITIES, STATUSES } from '../model/result.js';
import type { PackSummary, ReportSummary } from '../model/report.js';
import type { Pack } from './packs.js';

/** Worst first: a control with any failure fails, whatever else it has. */
const CONTROL_PRECEDENCE: Status[] = ['fail', 'error', 'not-evaluated', 'pass', 'not-applicable'];

export function controlStatus(results: Result[]): Status {
  for (const s of CONTROL_PRECEDENCE) {
    if (results.some((r) => r.status === s && !(s === 'fail' && r.waived))) return s;
  }
  return results.length > 0 ? 'pass' : 'not-applicable';
}

export function summarisePacks(packs: Pack[], results: Result[]): PackSummary[] {
  return packs.map((pack) => ({
    id: pack.id,
    title: pack.title,
    version: pack.version,
    controls: pack.controls.map((c) => {
      const mine = results.filter((r) => r.controls.some((ref) => ref.pack === pack.id && ref.control === c.id));
      return { id: c.id, title: c.title, rules: c.rules.map((r) => r.id), status: c.rules.length === 0 ? ('no-rules' as const) : controlStatus(mine) };
    }),
  }));
}

export function summarise(results: Result[]): ReportSummary {
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
