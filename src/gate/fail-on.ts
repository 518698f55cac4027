import type { ScanReport } from '../model/report.js';
import type { Result } from '../model/result.js';
import { SEVERITIES, SEVERITY_RANK } from '../model/result.js';
import type { Severity } from '../model/result.js';

/** `--fail-on`: the lowest severity that fails the run, or none. */
export type FailOn = Severity | 'none';
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'none'];
export const DEFAULT_FAIL_ON: FailOn = 'high';

export function isFailOn(s: string): s is FailOn {
  return (FAIL_ON_VALUES as readonly string[]).includes(s);
}

/**
 * A finding blocks the run when it failed, is not waived, is not an unchanged finding of
 * the baseline (only new ones count once a baseline is given), and is at or above the
 * threshold. `not-evaluated` and `error` results never block: they are not findings
 * (their cause is reported; a run that cannot work at all exits 2 from the command).
 */
export function isBlocking(r: Result, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return r.status === 'fail' && !r.waived && r.baselineState !== 'unchanged' && SEVERITY_RANK[r.severity] >= SEVERITY_RANK[failOn];
}

export function blockingFindings(report: Pick<ScanReport, 'results'>, failOn: FailOn): Result[] {
  return report.results.filter((r) => isBlocking(r, failOn));
}

/** Exit status of a completed run: 1 when any finding blocks, else 0 (2 is the command's, for errors). */
export function exitCodeFor(report: Pick<ScanReport, 'results'>, failOn: FailOn): 0 | 1 {
  return report.results.some((r) => isBlocking(r, failOn)) ? 1 : 0;
}
