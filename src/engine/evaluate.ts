import type { Inventory } from '../model/inventory.js';
import type { ControlRef, Result, Severity, Status } from '../model/result.js';
import { SEVERITY_RANK } from '../model/result.js';
import type { Check, CheckContext, CheckOutcome, RuleDefinition } from './types.js';
import type { Pack } from './packs.js';
import { fingerprintOf } from './fingerprint.js';
import { formatMessage } from './messages.js';

/** One rule to run with one parameter set, and the controls (across packs) it evidences. */
export interface PlannedRun {
  rule: RuleDefinition;
  params: Record<string, unknown>;
  severity: Severity;
  controls: ControlRef[];
  /** Distinguishes runs of one rule with different parameters (e.g. PCI vs HIPAA limits). */
  variant: string;
}

/**
 * Plans the runs for the selected packs. A rule selected by several packs with the same
 * parameters runs once and its results carry every pack's control; different parameters
 * (a pack's stricter limit) make separate runs, so each verdict is judged by its own limit.
 * Where packs give a rule different severities, the highest wins.
 */
export function planRuns(packs: Pack[], catalogue: Map<string, RuleDefinition>): PlannedRun[] {
  const runs = new Map<string, PlannedRun>();
  for (const pack of packs) {
    const rules = new Map(catalogue);
    for (const r of pack.ownRules) rules.set(r.id, r);
    for (const control of pack.controls) {
      for (const entry of control.rules) {
        const rule = rules.get(entry.id);
        if (!rule) continue; // loadPack already refused unknown ids
        const params = { ...(rule.params ?? {}), ...(entry.params ?? {}) };
        const paramKey = JSON.stringify(params, Object.keys(params).sort());
        const runKey = `${rule.id}\0${paramKey}`;
        const severity = entry.severity ?? rule.severity;
        const run = runs.get(runKey) ?? { rule, params, severity, controls: [], variant: '' };
        if (SEVERITY_RANK[severity] > SEVERITY_RANK[run.severity]) run.severity = severity;
        if (!run.controls.some((c) => c.pack === pack.id && c.control === control.id)) {
          run.controls.push({ pack: pack.id, control: control.id, title: control.title });
        }
        runs.set(runKey, run);
      }
    }
  }
  // Mark parameter variants only where one rule runs more than once, so the usual
  // single-run fingerprint does not depend on parameters.
  const perRule = new Map<string, PlannedRun[]>();
  for (const run of runs.values()) perRule.set(run.rule.id, [...(perRule.get(run.rule.id) ?? []), run]);
  for (const list of perRule.values()) {
    if (list.length > 1) for (const run of list) run.variant = JSON.stringify(run.params);
  }
  return [...runs.values()].sort((a, b) => a.rule.id.localeCompare(b.rule.id));
}

const DEFAULT_MESSAGES: Record<string, string> = {
  notApplicable: 'Not applicable: nothing in this run for this rule to judge.',
  notEvaluated: 'Not evaluated: {{reason}}.',
};

/**
 * What a caller needs of each result. The canonical report needs everything; the streamed
 * text scan prints only failures (and what could not be judged), so it skips the wording
 * of everything else and every fingerprint but those the generic not-applicable merge
 * compares — the two costliest parts of a result on a large tree. A skipped part is ''.
 */
export interface ResultDetail {
  /** Word the message of results with this status. */
  worded(status: Status): boolean;
  /** Fingerprint this result (located or not). */
  fingerprinted(status: Status, located: boolean): boolean;
  /**
   * Give this result an object of its own. When not, results of one run with the same
   * status, severity and located-ness share one frozen object that holds only what a count
   * needs (rule, status, severity, controls; an empty location when located): a large tree
   * has hundreds of thousands of passes a text report only counts.
   */
  distinct(status: Status, located: boolean): boolean;
}

export const FULL_DETAIL: ResultDetail = { worded: () => true, fingerprinted: () => true, distinct: () => true };

const STATUS_INDEX: Record<Status, number> = { pass: 0, fail: 1, 'not-applicable': 2, 'not-evaluated': 3, error: 4 };
const SEVERITY_INDEX: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const shared = new WeakMap<PlannedRun, (Result | undefined)[]>();

function sharedResult(run: PlannedRun, status: Status, severity: Severity, located: boolean): Result {
  let slots = shared.get(run);
  if (!slots) shared.set(run, (slots = new Array(50)));
  const i = STATUS_INDEX[status] * 10 + SEVERITY_INDEX[severity] * 2 + (located ? 1 : 0);
  let r = slots[i];
  if (!r) {
    r = { ruleId: run.rule.id, status, severity, message: '', controls: run.controls, fingerprint: '' };
    if (located) r.location = Object.freeze({});
    slots[i] = r = Object.freeze(r);
  }
  return r;
}

// What a check answers where the caller only counts a located outcome (see CheckContext.brief):
// one frozen outcome per status, that toResult turns into the run's shared result.
const SOMEWHERE = Object.freeze({});
const BRIEF_OUTCOMES = new Map<Status, CheckOutcome>(
  (Object.keys(STATUS_INDEX) as Status[]).map((status) => [status, Object.freeze({ status, messageId: status, key: '', location: SOMEWHERE })]),
);
const briefs = new WeakMap<ResultDetail, CheckContext['brief']>();
function briefOf(detail: ResultDetail): CheckContext['brief'] {
  if (detail === FULL_DETAIL) return undefined;
  let brief = briefs.get(detail);
  if (!brief) briefs.set(detail, (brief = (status) => (detail.distinct(status, true) ? undefined : BRIEF_OUTCOMES.get(status))));
  return brief;
}

function toResult(run: PlannedRun, outcome: CheckOutcome, detail: ResultDetail = FULL_DETAIL): Result {
  if (!detail.distinct(outcome.status, outcome.location !== undefined)) {
    return sharedResult(run, outcome.status, outcome.severity ?? run.severity, outcome.location !== undefined);
  }
  const template = run.rule.messages[outcome.messageId] ?? DEFAULT_MESSAGES[outcome.messageId];
  const message = !detail.worded(outcome.status)
    ? ''
    : template
      ? formatMessage(template, outcome.lazyData ? outcome.lazyData() : outcome.data)
      : `${run.rule.title} (${outcome.status}; message "${outcome.messageId}" missing from the rule)`;
  const severity = outcome.severity ?? run.severity;
  const fingerprint = detail.fingerprinted(outcome.status, outcome.location !== undefined) ? fingerprintOf(run.rule.id, outcome.location, outcome.key, run.variant) : '';
  const { location, evidence, assumptions } = outcome;
  // The usual shapes as one literal each (same keys, same order as adding them one by one):
  // properties added after a literal go to a separate property array, an extra object per
  // result that a large tree keeps hundreds of thousands of.
  if (location && evidence !== undefined) {
    if (assumptions?.length) {
      return { ruleId: run.rule.id, status: outcome.status, severity, message, controls: run.controls, remediation: run.rule.remediation, fingerprint, location, evidence, assumptions };
    }
    return { ruleId: run.rule.id, status: outcome.status, severity, message, controls: run.controls, remediation: run.rule.remediation, fingerprint, location, evidence };
  }
  const result: Result = { ruleId: run.rule.id, status: outcome.status, severity, message, controls: run.controls, remediation: run.rule.remediation, fingerprint };
  if (location) result.location = location;
  if (evidence !== undefined) result.evidence = evidence;
  if (assumptions?.length) result.assumptions = assumptions;
  return result;
}

/**
 * Runs every planned rule over the inventory. A check that throws yields an `error`
 * result for that rule and the run goes on; a check with nothing to judge yields one
 * `not-applicable` result, so the report shows every rule the packs asked for.
 */
export function evaluate(inventory: Inventory, runs: PlannedRun[], checks: Map<string, Check>, detail: ResultDetail = FULL_DETAIL): Result[] {
  const results: Result[] = [];
  const brief = briefOf(detail);
  for (const run of runs) {
    const check = checks.get(run.rule.check);
    if (!check) {
      results.push(toResult(run, { status: 'error', messageId: '__missing', key: 'check', data: {} }, detail));
      continue;
    }
    let outcomes: CheckOutcome[];
    try {
      outcomes = check.appliesTo(inventory)
        ? check.run({ inventory, params: run.params, rule: run.rule, brief })
        : [{ status: 'not-applicable', messageId: 'notApplicable', key: 'not-applicable' }];
      if (outcomes.length === 0) outcomes = [{ status: 'not-applicable', messageId: 'notApplicable', key: 'not-applicable' }];
    } catch (err) {
      const error = err as Error;
      results.push({
        ...toResult(run, { status: 'error', messageId: '__error', key: 'error' }, detail),
        message: `Check ${check.name} failed: ${error.message}`,
      });
      continue;
    }
    for (const outcome of outcomes) results.push(toResult(run, outcome, detail));
  }
  return results;
}
