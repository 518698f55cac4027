import path from 'node:path';
import type { Inventory, InventoryModels, ScanSettings } from '../model/inventory.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ScanReport } from '../model/report.js';
import type { Artifact } from '../model/artifact.js';
import { allChecks } from '../checks/index.js';
import { loadBuiltins } from '../engine/rules-bundle.js';
import { BUILTIN_PACKS, loadPack, type Pack } from '../engine/packs.js';
import { evaluate, planRuns } from '../engine/evaluate.js';
import { summarise, summarisePacks } from '../engine/summary.js';
import { INFORMATION_URI, toolVersion } from '../engine/version.js';
import { inventorySections } from './sections.js';
import { mergeHostResults, splitByHost } from './hosts.js';
import { separatePerUserFiles } from './per-user.js';
import type { VsftpdConfig } from '../model/vsftpd.js';
import { collect } from './collect.js';

export interface ScanOptions {
  paths: string[];
  packs?: string[];
  settings?: Partial<ScanSettings>;
  maxFileBytes?: number;
  /** argv to record in the report (secrets already redacted by the caller). */
  args?: string[];
  /** Observations from elsewhere (e.g. a live probe) to judge in the same run. */
  extraModels?: Partial<InventoryModels>;
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export function defaultSettings(partial: Partial<ScanSettings> = {}): ScanSettings {
  return {
    flavor: 'debian',
    now: new Date(),
    roots: [],
    hostnames: [],
    expiryWarningDays: 30,
    live: false,
    ...partial,
  };
}

/** Loads checks, the catalogue and the selected packs (validated) in one step. */
export async function loadRuleSet(packNames: string[] = [...BUILTIN_PACKS]) {
  const checks = allChecks();
  const builtins = await loadBuiltins(checks);
  const catalogue = builtins.catalogue;
  const packs: Pack[] = [];
  for (const name of packNames) packs.push(builtins.packs.get(name) ?? (await loadPack(name, catalogue, checks)));
  return { checks, catalogue, packs };
}

/** Report sections (certificate inventory, firewall exposure) per host, concatenated. */
async function inventorySectionsOf(hosts: Inventory[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const h of hosts) for (const [name, list] of Object.entries(await inventorySections(h))) (out[name] ??= []).push(...list);
  return out;
}

/** Evaluates an inventory against packs and assembles the canonical report. */
export async function judge(
  inventory: Inventory,
  ruleSet: Awaited<ReturnType<typeof loadRuleSet>>,
  meta: { command: string; args: string[]; targets: string[] },
): Promise<ScanReport> {
  const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
  // Cross-artifact rules pair only files of one host: judge each host's inventory alone.
  const hosts = splitByHost(inventory);
  const results = mergeHostResults(hosts.map((h) => evaluate(h, runs, ruleSet.checks)));
  const controlsOf = new Map<string, string[]>();
  for (const run of runs) {
    const list = controlsOf.get(run.rule.id) ?? [];
    for (const c of run.controls) if (!list.includes(`${c.pack}:${c.control}`)) list.push(`${c.pack}:${c.control}`);
    controlsOf.set(run.rule.id, list);
  }
  const ruleSummaries = [...new Map(runs.map((r) => [r.rule.id, r.rule])).values()].map((rule) => ({
    id: rule.id,
    title: rule.title,
    rationale: rule.rationale,
    severity: rule.severity,
    target: rule.target,
    remediation: rule.remediation,
    references: rule.references,
    tags: rule.tags ?? [],
    controls: controlsOf.get(rule.id) ?? [],
  }));
  return {
    schemaVersion: '1.0',
    tool: { name: 'ftps-audit', version: toolVersion(), informationUri: INFORMATION_URI },
    generatedAt: inventory.settings.now.toISOString(),
    invocation: { command: meta.command, args: meta.args, flavor: inventory.settings.flavor, targets: meta.targets },
    packs: summarisePacks(ruleSet.packs, results),
    rules: ruleSummaries,
    artifacts: inventory.artifacts.map((a) => ({ path: a.path, kind: a.kind, sha256: a.sha256, size: a.size })),
    results,
    diagnostics: inventory.diagnostics,
    inventory: await inventorySectionsOf(hosts),
    summary: summarise(results),
  };
}

export interface ScanRun {
  report: ScanReport;
  /** The judged inventory (for gates that need models, e.g. inline waivers in vsftpd.conf). */
  inventory: Inventory;
}

/** The whole `scan` pipeline as a library call: paths in, canonical report out. */
export async function runScan(opts: ScanOptions): Promise<ScanRun> {
  const roots = opts.paths.map((p) => path.resolve(p));
  const settings = defaultSettings({ ...opts.settings, roots });
  const ruleSet = await loadRuleSet(opts.packs);
  const collected = await collect(opts.paths, settings, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const models = { ...collected.models } as Record<string, unknown[]>;
  for (const [k, v] of Object.entries((opts.extraModels ?? {}) as Record<string, unknown[]>)) (models[k] ??= []).push(...v);
  const diagnostics: Diagnostic[] = collected.diagnostics;
  if (models.vsftpd?.length) {
    const split = separatePerUserFiles(models.vsftpd as VsftpdConfig[], collected.artifacts, settings, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    models.vsftpd = split.main;
    diagnostics.push(...split.diagnostics);
  }
  if (collected.unrecognised > 0) {
    diagnostics.push({ level: 'info', code: 'discover/unrecognised', message: `${collected.unrecognised} file(s) read but not recognised as FTPS-related configuration; skipped` });
  }
  const inventory: Inventory = { settings, artifacts: collected.artifacts as Artifact[], models: models as Partial<InventoryModels>, diagnostics };
  const report = await judge(inventory, ruleSet, { command: 'scan', args: opts.args ?? opts.paths, targets: roots });
  return { report, inventory };
}
