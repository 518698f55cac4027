import { describe, expect, it } from 'vitest';
import type { Result } from '../model/result.js';
import { sortGroup, sortResults } from './text.js';

/**
 * sortGroup() replaces Array#sort for a group's results and must leave them in exactly the
 * order Array#sort(sortResults) does, including when sortResults calls two results equal
 * that it would order against a third (two listed statuses other than fail, on different
 * lines): then only the same algorithm gives the same order.
 */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const STATUSES: Result['status'][] = ['fail', 'fail', 'fail', 'not-evaluated', 'error', 'pass'];
const SEVERITIES: Result['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

function randomGroup(rnd: () => number, n: number): Result[] {
  return Array.from({ length: n }, (_, i) => {
    const r: Result = {
      ruleId: `vsftpd/rule-${Math.floor(rnd() * 6)}`,
      status: STATUSES[Math.floor(rnd() * STATUSES.length)]!,
      severity: SEVERITIES[Math.floor(rnd() * SEVERITIES.length)]!,
      message: `result ${i}`,
      controls: [],
      fingerprint: String(i),
    };
    if (rnd() < 0.85) r.location = { file: 'f', line: 1 + Math.floor(rnd() * 8) };
    return r;
  });
}

describe('sortGroup', () => {
  it('orders every group as Array#sort(sortResults) does, for every length up to past the cut-over', () => {
    const rnd = lcg(7);
    let undecided = 0;
    for (let round = 0; round < 3000; round++) {
      const group = randomGroup(rnd, Math.floor(rnd() * 80));
      const expected = [...group].sort(sortResults);
      expect(sortGroup([...group])).toEqual(expected);
      for (let i = 1; i < group.length; i++) if (sortResults(group[i - 1]!, group[i]!) === 0 && group[i - 1]!.status !== group[i]!.status) undecided++;
    }
    // The random groups do hold the comparisons sortResults leaves undecided.
    expect(undecided).toBeGreaterThan(100);
  });

  it('orders descending runs and already sorted groups as Array#sort does', () => {
    const rnd = lcg(11);
    for (let n = 0; n < 70; n++) {
      const sorted = randomGroup(rnd, n).sort(sortResults);
      expect(sortGroup([...sorted])).toEqual([...sorted].sort(sortResults));
      const reversed = [...sorted].reverse();
      expect(sortGroup([...reversed])).toEqual([...reversed].sort(sortResults));
    }
  });
});
