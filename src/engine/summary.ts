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

// Status flags of a set of results, folded in the order of CONTROL_PRECEDENCE.
const HAS_FAIL = 1;
const HAS_ERROR = 2;
const HAS_NOT_EVALUATED = 4;
const HAS_PASS = 8;
const HAS_NOT_APPLICABLE = 16;
const HAS_ANY = 32;
const FLAG_OF: Record<Status, number> = { fail: HAS_FAIL, error: HAS_ERROR, 'not-evaluated': HAS_NOT_EVALUATED, pass: HAS_PASS, 'not-applicable': HAS_NOT_APPLICABLE };

/** controlStatus() from folded flags: the same precedence, without keeping the results. */
function statusOfFlags(flags: number): Status {
  if (flags & HAS_FAIL) return 'fail';
  if (flags & HAS_ERROR) return 'error';
  if (flags & HAS_NOT_EVALUATED) return 'not-evaluated';
  if (flags & HAS_PASS) return 'pass';
  if (flags & HAS_NOT_APPLICABLE) return 'not-applicable';
  return flags & HAS_ANY ? 'pass' : 'not-applicable';
}

/** The status flags one result adds to the controls it evidences. */
export function statusFlagsOf(r: Result): number {
  // A waived failure does not fail its control (it still makes the control non-empty).
  return r.status === 'fail' && r.waived ? HAS_ANY : FLAG_OF[r.status] | HAS_ANY;
}

/** The flags of a generic not-applicable result (see statusFlagsOf). */
export const NOT_APPLICABLE_FLAGS = HAS_NOT_APPLICABLE | HAS_ANY;

type ControlsArray = readonly Result['controls'][number][];

export function summarisePacks(packs: readonly Pack[] | readonly PackSummary[], results: readonly Result[]): PackSummary[] {
  // Results of one planned run share one controls array, so fold statuses per array first
  // (one Map step per result) and spread them to the controls afterwards: a large tree has
  // hundreds of thousands of results but only as many arrays as runs.
  const byControls = new Map<ControlsArray, number>();
  for (const r of results) byControls.set(r.controls, (byControls.get(r.controls) ?? 0) | statusFlagsOf(r));
  return packsFromFlags(packs, byControls);
}

/** Control statuses from status flags folded per controls array (see summarisePacks). */
export function packsFromFlags(packs: readonly Pack[] | readonly PackSummary[], byControls: ReadonlyMap<ControlsArray, number>): PackSummary[] {
  const byControl = new Map<string, number>();
  for (const [controls, flags] of byControls) {
    for (const c of controls) {
      const k = `${c.pack}\0${c.control}`;
      byControl.set(k, (byControl.get(k) ?? 0) | flags);
    }
  }
  return packs.map((pack) => ({
    id: pack.id,
    title: pack.title,
    version: pack.version,
    controls: pack.controls.map((c) => {
      const rules = c.rules.map((r) => (typeof r === 'string' ? r : r.id));
      return { id: c.id, title: c.title, rules, status: rules.length === 0 ? ('no-rules' as const) : statusOfFlags(byControl.get(`${pack.id}\0${c.id}`) ?? 0) };
    }),
  }));
}

/** a + b, count by count (summaries of disjoint result sets). */
export function addSummaries(a: ReportSummary, b: ReportSummary): ReportSummary {
  const byStatus = { ...a.byStatus };
  for (const s of STATUSES) byStatus[s] += b.byStatus[s];
  const failuresBySeverity = { ...a.failuresBySeverity };
  for (const s of SEVERITIES) failuresBySeverity[s] += b.failuresBySeverity[s];
  return { byStatus, failuresBySeverity, waived: a.waived + b.waived };
}

/** Counts of the results, and of counted ones: [result, how many] (see ResultDetail.counted). */
export function summarise(results: readonly Result[], counted: readonly (readonly [Result, number])[] = []): ReportSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let waived = 0;
  const add = (r: Result, n: number): void => {
    byStatus[r.status] += n;
    if (r.waived) waived += n;
    else if (r.status === 'fail') failuresBySeverity[r.severity] += n;
  };
  for (const r of results) add(r, 1);
  for (const [r, n] of counted) add(r, n);
  return { byStatus, failuresBySeverity, waived };
}
