import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../model/inventory.js';
import type { Result, Status } from '../model/result.js';
import { parseVsftpdConf } from '../parsers/vsftpd/index.js';
import { defaultSettings, loadRuleSet } from '../pipeline/scan.js';
import { evaluate, FULL_DETAIL, planRuns, type ResultDetail } from './evaluate.js';
import { summarise } from './summary.js';
import type { Check } from './types.js';

const configs = ['insecure', 'hardened', 'debian-stock'].map((s) => parseVsftpdConf(readFileSync(`samples/${s}/etc/vsftpd.conf`, 'utf8'), `samples/${s}/etc/vsftpd.conf`, 'debian'));
const inventory: Inventory = { settings: defaultSettings(), artifacts: [], models: { vsftpd: configs }, diagnostics: [] };

/** A stand-in for the option check, which the runs of optionRuns() name. */
const standIn = (description: string, run: Check['run']): Check => ({ name: 'vsftpd.option', target: 'vsftpd', description, appliesTo: () => true, run });
async function optionRuns(n: number) {
  const ruleSet = await loadRuleSet();
  return planRuns(ruleSet.packs, ruleSet.catalogue)
    .filter((r) => r.rule.check === 'vsftpd.option')
    .slice(0, n);
}

/** Only failures get objects of their own; everything else is counted (as the streamed text scan does). */
function countingDetail(): ResultDetail {
  const listed = (s: Status) => s === 'fail' || s === 'not-evaluated' || s === 'error';
  return { worded: listed, fingerprinted: () => false, distinct: (s) => listed(s), counted: [] };
}

describe('evaluate with counted results', () => {
  it('counts what it does not list: the same totals and listed results as the full evaluation', async () => {
    const ruleSet = await loadRuleSet();
    const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
    const full = evaluate(inventory, runs, ruleSet.checks, FULL_DETAIL);
    const detail = countingDetail();
    const listed = evaluate(inventory, runs, ruleSet.checks, detail);
    expect(summarise(listed, detail.counted)).toEqual(summarise(full));
    const key = (r: Result) => `${r.ruleId} ${r.status} ${r.location?.file}:${r.location?.line} ${r.message}`;
    expect(listed.map(key)).toEqual(full.filter((r) => r.status === 'fail' || r.status === 'not-evaluated' || r.status === 'error').map(key));
    // Passes were counted, not listed, and each counted entry is a run's shared result.
    expect(listed.some((r) => r.status === 'pass')).toBe(false);
    expect(detail.counted.every(([r, n]) => Object.isFrozen(r) && n > 0)).toBe(true);
  });

  it('judging the configs one group at a time into one detail adds to one entry per shared result', async () => {
    const ruleSet = await loadRuleSet();
    const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
    const whole = countingDetail();
    const wholeListed = evaluate(inventory, runs, ruleSet.checks, whole);
    const grouped = countingDetail();
    const groupedListed = configs.flatMap((c) => evaluate({ ...inventory, models: { vsftpd: [c] } }, runs, ruleSet.checks, grouped));
    // Each group also says "nothing to judge" for rules of other targets: drop those before comparing.
    const located = (list: Result[]) => list.filter((r) => r.location !== undefined);
    const locatedCounts = (list: [Result, number][]) => list.filter(([r]) => r.location !== undefined);
    expect(summarise(located(groupedListed), locatedCounts(grouped.counted))).toEqual(summarise(located(wholeListed), locatedCounts(whole.counted)));
    const sharedResults = grouped.counted.map(([r]) => r);
    expect(new Set(sharedResults).size).toBe(sharedResults.length);
    // A caller that empties the list between groups starts again from nothing.
    grouped.counted.length = 0;
    evaluate({ ...inventory, models: { vsftpd: [configs[0]!] } }, runs, ruleSet.checks, grouped);
    const one = countingDetail();
    evaluate({ ...inventory, models: { vsftpd: [configs[0]!] } }, runs, ruleSet.checks, one);
    expect(grouped.counted).toEqual(one.counted);
  });

  it('drops what a check counted before it threw, and records the error', async () => {
    const runs = await optionRuns(1);
    const failing = standIn('counts two passes, then fails', ({ brief }) => {
      brief?.('pass');
      brief?.('pass');
      throw new Error('boom');
    });
    const detail = countingDetail();
    const results = evaluate(inventory, runs, new Map([['vsftpd.option', failing]]), detail);
    expect(detail.counted).toEqual([]);
    expect(results.map((r) => [r.status, r.message])).toEqual([['error', 'Check vsftpd.option failed: boom']]);
  });

  it('keeps its counts when a check evaluates inside a check, and words a failed message as such', async () => {
    const runs = await optionRuns(2);
    const inner = standIn('passes', ({ brief }) => [brief?.('pass') ?? { status: 'pass', messageId: 'pass', key: 'k', location: { file: 'f' } }]);
    const outer = standIn('counts a pass, evaluates something else, counts another, then fails with a message that cannot be worded', ({ brief }) => {
      brief?.('pass');
      evaluate(inventory, runs.slice(0, 1), new Map([['vsftpd.option', inner]]), countingDetail());
      brief?.('pass');
      const noWords = () => {
        throw new Error('no words');
      };
      return [{ status: 'fail', messageId: 'fail', key: 'x', location: { file: 'f', line: 1 }, lazyData: noWords }];
    });
    const detail = countingDetail();
    const results = evaluate(inventory, runs, new Map([['vsftpd.option', outer]]), detail);
    // Two runs, each: two passes counted, one failure listed.
    expect(detail.counted.reduce((n, [, k]) => n + k, 0)).toBe(4);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]!.message).toMatch(/its message could not be worded: no words/);
  });

  it('uses the check a run names now, when the check set changed since the same runs were last evaluated', async () => {
    const runs = await optionRuns(1);
    const saying = (status: 'pass' | 'fail') => standIn(status, () => [{ status, messageId: status, key: 'k', location: { file: 'f' } }]);
    const checks = new Map([['vsftpd.option', saying('pass')]]);
    expect(evaluate(inventory, runs, checks).map((r) => r.status)).toEqual(['pass']);
    checks.set('vsftpd.option', saying('fail'));
    expect(evaluate(inventory, runs, checks).map((r) => r.status)).toEqual(['fail']);
  });
});

