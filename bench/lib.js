// Shared helpers for the benchmark scripts: timing of whole commands, medians, and
// formatting. Benchmarks compare us with a peer or with the raw cost of reading the
// input, run side by side on this machine; they are never unit tests.
import { spawnSync } from 'node:child_process';

/** Wall time of a command in seconds (spawned without a shell unless asked). */
export function timeCommand(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && !opts.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  }
  return seconds;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time over n runs (n bounded by the caller). */
export function medianTime(n, cmd, args, opts) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(timeCommand(cmd, args, opts));
  return median(times);
}

/**
 * Two commands run alternately n times (n bounded by the caller): the median wall time of
 * each, and the median of the per-pair ratios b/a. A machine whose speed drifts between runs
 * minutes apart (this VM's does, by about 10%) then moves both sides of each ratio together.
 */
export function pairedTimes(n, a, b) {
  const ta = [];
  const tb = [];
  const ratios = [];
  for (let i = 0; i < n; i++) {
    const x = timeCommand(a[0], a[1], a[2]);
    const y = timeCommand(b[0], b[1], b[2]);
    ta.push(x);
    tb.push(y);
    ratios.push(y / x);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

export const fmt = (x, digits = 3) => Number(x).toFixed(digits);
