import type { ArtifactSummary, PackSummary, RuleSummary, ScanReport } from '../model/report.js';
import type { Result, Status } from '../model/result.js';
import { summarise, summarisePacks } from '../engine/summary.js';

/**
 * `ftps-audit report a.json b.json …`: several saved results (many hosts, many repos) as one
 * report. Rules, packs and artifacts are united by id/path; results are concatenated, with a
 * result whose fingerprint and status appear twice (the same tree scanned twice) kept once.
 * Control statuses and the summary are recomputed from the merged results.
 *
 * Paths stay as each run recorded them (relative to its own root); two repos with the same
 * relative path keep both artifact entries (they differ by SHA-256).
 */
export function mergeReports(reports: readonly ScanReport[], now: Date = new Date()): ScanReport {
  if (reports.length === 0) throw new Error('mergeReports needs at least one report');
  if (reports.length === 1) return reports[0]!;
  const first = reports[0]!;

  const rules = new Map<string, RuleSummary>();
  const artifacts = new Map<string, ArtifactSummary>();
  const results: Result[] = [];
  const seenResults = new Set<string>();
  const inventory: Record<string, unknown[]> = {};
  const inventorySeen: Record<string, Set<string>> = {};

  for (const r of reports) {
    for (const rule of r.rules) {
      const prev = rules.get(rule.id);
      rules.set(rule.id, prev ? { ...prev, controls: [...new Set([...prev.controls, ...rule.controls])], tags: [...new Set([...prev.tags, ...rule.tags])] } : rule);
    }
    for (const a of r.artifacts) artifacts.set(`${a.path}\0${a.sha256}`, a);
    for (const res of r.results) {
      const key = `${res.fingerprint}\0${res.status}`;
      if (seenResults.has(key)) continue;
      seenResults.add(key);
      results.push(res);
    }
    for (const [section, items] of Object.entries(r.inventory)) {
      const list = (inventory[section] ??= []);
      const seen = (inventorySeen[section] ??= new Set());
      for (const item of items) {
        const k = JSON.stringify(item);
        if (seen.has(k)) continue;
        seen.add(k);
        list.push(item);
      }
    }
  }

  const flavors = [...new Set(reports.map((r) => r.invocation.flavor))];
  const merged: ScanReport = {
    schemaVersion: '1.0',
    tool: first.tool,
    generatedAt: now.toISOString(),
    invocation: {
      command: 'report',
      args: [],
      flavor: flavors.join(','),
      targets: [...new Set(reports.flatMap((r) => r.invocation.targets))],
      // Worst exit status of the inputs: a merged report of a failed run is not clean.
      ...(reports.some((r) => r.invocation.exitCode !== undefined)
        ? { exitCode: Math.max(...reports.map((r) => r.invocation.exitCode ?? 0)) }
        : {}),
    },
    packs: summarisePacks(mergePacks(reports.map((r) => r.packs)), results),
    rules: [...rules.values()],
    artifacts: [...artifacts.values()],
    results,
    diagnostics: reports.flatMap((r) => r.diagnostics),
    inventory,
    summary: summarise(results),
  };
  return merged;
}

function mergePacks(lists: PackSummary[][]): PackSummary[] {
  const packs = new Map<string, PackSummary>();
  for (const list of lists) {
    for (const p of list) {
      const prev = packs.get(p.id);
      if (!prev) {
        packs.set(p.id, { ...p, controls: p.controls.map((c) => ({ ...c, rules: [...c.rules] })) });
        continue;
      }
      const controls = new Map(prev.controls.map((c) => [c.id, c]));
      for (const c of p.controls) {
        const old = controls.get(c.id);
        if (!old) controls.set(c.id, { ...c, rules: [...c.rules] });
        else {
          const rulesOf = [...new Set([...old.rules, ...c.rules])];
          const status: Status | 'no-rules' = rulesOf.length === 0 ? 'no-rules' : old.status === 'no-rules' ? c.status : old.status;
          controls.set(c.id, { ...old, rules: rulesOf, status });
        }
      }
      // Versions may differ between runs (pack updated between scans): say both.
      const version = prev.version === p.version ? prev.version : [...new Set([...prev.version.split(', '), p.version])].join(', ');
      packs.set(p.id, { ...prev, version, controls: [...controls.values()] });
    }
  }
  return [...packs.values()];
}
