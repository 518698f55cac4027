import type { Inventory } from '../model/inventory.js';
import type { ControlRef, Result, Severity, Status } from '../model/result.js';
import { SEVERITY_RANK } from '../model/result.js';
import type { Check, CheckContext, CheckOutcome, RuleDefinition } from './types.js';
import type { Pack } from './packs.js';
import { fingerprintOf } from './fingerprint.js';
import { formatMessage } from './messages.js';
import { utf8Bytes } from './utf8-text.js';

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
   * Give this result an object of its own, in the result list. When not, it is only counted
   * (see `counted`): a large tree has hundreds of thousands of passes a text report only
   * counts.
   */
  distinct(status: Status, located: boolean): boolean;
  /**
   * Where results that are not distinct go instead of the result list, as [the run's shared
   * result, how many]: one frozen object per run, status, severity and located-ness, holding
   * only what a count needs (rule, status, severity, controls; an empty location when
   * located). Their order is not kept.
   */
  counted: [Result, number][];
  /**
   * Word messages as byte strings (their UTF-8 bytes, one per character: see utf8-text.ts),
   * for a report that writes them out as bytes. Default: as text.
   */
  utf8Messages?: boolean;
}

/** Every result distinct: nothing is ever counted (its list is frozen, so nothing can be). */
export const FULL_DETAIL: ResultDetail = {
  worded: () => true,
  fingerprinted: () => true,
  distinct: () => true,
  counted: Object.freeze([]) as unknown as [Result, number][],
};

const STATUS_INDEX: Record<Status, number> = { pass: 0, fail: 1, 'not-applicable': 2, 'not-evaluated': 3, error: 4 };
const SEVERITY_INDEX: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const STATUS_AT = Object.keys(STATUS_INDEX) as Status[];
const SEVERITY_AT = Object.keys(SEVERITY_INDEX) as Severity[];
const shared = new WeakMap<PlannedRun, (Result | undefined)[]>();

/** Where a counted result is tallied: by status, severity and located-ness (50 slots). */
function sharedIndex(status: Status, severity: Severity, located: boolean): number {
  return STATUS_INDEX[status] * 10 + SEVERITY_INDEX[severity] * 2 + (located ? 1 : 0);
}

/** The run's shared result of a sharedIndex, made once. */
function sharedResult(run: PlannedRun, i: number): Result {
  let slots = shared.get(run);
  if (!slots) shared.set(run, (slots = new Array(50)));
  let r = slots[i];
  if (!r) {
    const located = i % 2 === 1;
    r = { ruleId: run.rule.id, status: STATUS_AT[Math.floor(i / 10)]!, severity: SEVERITY_AT[Math.floor(i / 2) % 5]!, message: '', controls: run.controls, fingerprint: '' };
    if (located) r.location = Object.freeze({});
    slots[i] = r = Object.freeze(r);
  }
  return r;
}

// A ResultDetail asked once per status and located-ness, not once per result: its answers
// as bits (see wanted).
const DISTINCT = 1;
const WORDED = 2;
const FINGERPRINTED = 4;
/** Worded as a byte string (ResultDetail.utf8Messages). */
const UTF8_BYTES = 8;

/** A message the engine words itself, as the caller wants it (see UTF8_BYTES). */
function wordAs(wants: number, message: string): string {
  return wants & UTF8_BYTES ? utf8Bytes(message) : message;
}
const detailTables = new WeakMap<ResultDetail, Uint8Array>();
function detailTable(detail: ResultDetail): Uint8Array {
  let table = detailTables.get(detail);
  if (!table) {
    table = new Uint8Array(10);
    for (const status of STATUS_AT) {
      for (const located of [false, true]) {
        table[wantedIndex(status, located)] =
          (detail.distinct(status, located) ? DISTINCT : 0) |
          (detail.worded(status) ? WORDED : 0) |
          (detail.fingerprinted(status, located) ? FINGERPRINTED : 0) |
          (detail.utf8Messages ? UTF8_BYTES : 0);
      }
    }
    detailTables.set(detail, table);
  }
  return table;
}

function wantedIndex(status: Status, located: boolean): number {
  return STATUS_INDEX[status] * 2 + (located ? 1 : 0);
}

/** What the caller wants of a result of this status and located-ness (detailTable's bits). */
function wanted(table: Uint8Array, status: Status, located: boolean): number {
  return table[wantedIndex(status, located)]!;
}

// An outcome a check answered with CheckContext.brief: already tallied, so the engine skips it.
const COUNTED: CheckOutcome = Object.freeze({ status: 'pass', messageId: 'pass', key: '', location: Object.freeze({}) });

/**
 * The outcome's message from its template. Its values may be worked out only now (lazyData),
 * after the check has returned: if that fails, the result still stands and says so.
 */
function wordMessage(run: PlannedRun, outcome: CheckOutcome, template: string, wants: number): string {
  try {
    return formatMessage(template, outcome.lazyData ? outcome.lazyData() : outcome.data, (wants & UTF8_BYTES) !== 0);
  } catch (err) {
    return wordAs(wants, `${run.rule.title} (${outcome.status}; its message could not be worded: ${(err as Error).message})`);
  }
}

/** A distinct result; wants: what the caller wants of it (see wanted). */
function toResult(run: PlannedRun, outcome: CheckOutcome, wants: number): Result {
  const template = run.rule.messages[outcome.messageId] ?? DEFAULT_MESSAGES[outcome.messageId];
  const message = !(wants & WORDED)
    ? ''
    : template
      ? wordMessage(run, outcome, template, wants)
      : wordAs(wants, `${run.rule.title} (${outcome.status}; message "${outcome.messageId}" missing from the rule)`);
  const severity = outcome.severity ?? run.severity;
  const fingerprint = wants & FINGERPRINTED ? fingerprintOf(run.rule.id, outcome.location, outcome.key, run.variant) : '';
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
  const nested = evaluating++ > 0;
  try {
    return evaluateRuns(inventory, runs, checks, detail, nested);
  } finally {
    evaluating--;
  }
}

/** evaluate(); nested: inside another evaluate() (a check that evaluates), which has the shared tally. */
function evaluateRuns(inventory: Inventory, runs: PlannedRun[], checks: Map<string, Check>, detail: ResultDetail, nested: boolean): Result[] {
  const results: Result[] = [];
  const table = detailTable(detail);
  // Counts of the current run's counted results, by sharedIndex, and which slots are in use
  // (a run fills one or two of the 50: only those are looked at when it ends).
  const tally = nested ? new Uint32Array(50) : TALLY.fill(0);
  const touched = nested ? new Uint8Array(50) : TOUCHED;
  let touchedCount = 0;
  const count = (slot: number): void => {
    if (tally[slot]++ === 0) touched[touchedCount++] = slot;
  };
  let current: PlannedRun = runs[0]!; // the run whose check is running
  /** A distinct outcome into the list, any other into the tally; message: an error's own. */
  const take = (run: PlannedRun, outcome: CheckOutcome, message?: string): void => {
    const located = outcome.location !== undefined;
    const wants = wanted(table, outcome.status, located);
    if (!(wants & DISTINCT)) count(sharedIndex(outcome.status, outcome.severity ?? run.severity, located));
    else if (message === undefined) results.push(toResult(run, outcome, wants));
    else results.push({ ...toResult(run, outcome, wants), message: wordAs(wants, message) });
  };
  // See CheckContext.brief: an outcome counted is tallied at once (a located outcome without
  // a severity of its own: the run's). The canonical report counts nothing.
  const brief: CheckContext['brief'] =
    detail === FULL_DETAIL
      ? undefined
      : (status) => {
          if (wanted(table, status, true) & DISTINCT) return undefined;
          count(sharedIndex(status, current.severity, true));
          return COUNTED;
        };
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    current = run;
    const check = checks.get(run.rule.check);
    if (!check) {
      take(run, { status: 'error', messageId: '__missing', key: 'check', data: {} });
    } else {
      let outcomes: readonly CheckOutcome[] | undefined;
      try {
        outcomes = check.appliesTo(inventory) ? check.run({ inventory, params: run.params, rule: run.rule, brief }) : NOTHING_TO_JUDGE;
        if (outcomes.length === 0) outcomes = NOTHING_TO_JUDGE;
      } catch (err) {
        // What the check counted before it failed is dropped with its outcomes.
        tally.fill(0);
        touchedCount = 0;
        take(run, { status: 'error', messageId: '__error', key: 'error' }, `Check ${check.name} failed: ${(err as Error).message}`);
      }
      if (outcomes) {
        for (let i = 0; i < outcomes.length; i++) {
          const outcome = outcomes[i]!;
          if (outcome !== COUNTED) take(run, outcome);
        }
      }
    }
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i]!;
      addCounted(detail, sharedResult(run, slot), tally[slot]!);
      tally[slot] = 0;
    }
    touchedCount = 0;
  }
  return results;
}

// evaluate()'s tally (see there): one per thread, for the outermost evaluate() running.
const TALLY = new Uint32Array(50);
const TOUCHED = new Uint8Array(50);
let evaluating = 0;

/** What a check with nothing to judge yields (read only: shared by every such run). */
const NOTHING_TO_JUDGE: readonly CheckOutcome[] = Object.freeze([Object.freeze({ status: 'not-applicable', messageId: 'notApplicable', key: 'not-applicable' })]);

// Where each shared result stands in a detail's counted list: a caller that judges many
// small groups into one detail (the streamed text scan does) gets one entry per shared
// result, added to in place, not one per group.
const countedAt = new WeakMap<ResultDetail, Map<Result, number>>();
function addCounted(detail: ResultDetail, result: Result, n: number): void {
  let at = countedAt.get(detail);
  if (!at) countedAt.set(detail, (at = new Map()));
  const i = at.get(result);
  const entry = i === undefined ? undefined : detail.counted[i];
  // The caller owns the list and may have emptied or reordered it: trust the index only
  // when it still points at this result.
  if (entry !== undefined && entry[0] === result) entry[1] += n;
  else {
    at.set(result, detail.counted.length);
    detail.counted.push([result, n]);
  }
}
