import type { Result, Severity, Status } from '../model/result.js';
import { SEVERITIES, STATUSES } from '../model/result.js';
import type { PackSummary, ReportSummary } from '../model/report.js';
import type { Pack } from './packs.js';

/** Worst first: a control with any failure fails, whatever else it has. */
const CONTROL_PRECEDENCE: Status[] = ['fail', 'error', 'not-evaluated', 'pass', 'not-applicable'];

export function controlStatus(results: readonly Result[]): Status {
  for (const s of CONTROL_PRECEDENCE) {
    if (results.some((r) => r.status === s && !(s === 'fail' && r.waived))) return s;
  }
  return results.length > 0 ? 'pass' : 'not-applicable';
}

export function summarisePacks(packs: readonly Pack[] | readonly PackSummary[], results: readonly Result[]): PackSummary[] {
  // Index results by control once: filtering all results per control was quadratic.
  const byControl = new Map<string, Result[]>();
  for (const r of results) {
    for (const c of r.controls) {
      const k = `${c.pack}\0${c.control}`;
      let list = byControl.get(k);
      if (!list) byControl.set(k, (list = []));
      list.push(r);
    }
  }
  return packs.map((pack) => ({
    id: pack.id,
    title: pack.title,
    version: pack.version,
    controls: pack.controls.map((c) => {
      const rules = c.rules.map((r) => (typeof r === 'string' ? r : r.id));
      return { id: c.id, title: c.title, rules, status: rules.length === 0 ? ('no-rules' as const) : controlStatus(byControl.get(`${pack.id}\0${c.id}`) ?? []) };
    }),
  }));
}

export function summarise(results: readonly Result[]): ReportSummary {
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
