import path from 'node:path';
import type { Inventory, InventoryModels, ScanSettings } from '../model/inventory.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ScanReport } from '../model/report.js';
import type { Artifact } from '../model/artifact.js';
import { allChecks } from '../checks/index.js';
import { loadBuiltins } from '../engine/rules-bundle.js';
import type { Pack } from '../engine/packs.js';
import { BUILTIN_PACKS } from '../engine/builtin-packs.js';
import { evaluate, planRuns, type PlannedRun, type ResultDetail } from '../engine/evaluate.js';
import { summarise, summarisePacks } from '../engine/summary.js';
import { INFORMATION_URI, toolVersion } from '../engine/version.js';
import { inventorySections } from './sections.js';
import { hostKeyOf, mergeHostResults, splitByHost } from './hosts.js';
import { separatePerUserFiles } from './per-user.js';
import type { VsftpdConfig } from '../model/vsftpd.js';
import { collectFiles } from './collect.js';
import { walk, type FoundFile } from '../discover/walk.js';
import type { Result } from '../model/result.js';

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
  for (const name of packNames) {
    // A user's pack file is read and validated here (YAML reader and validator loaded on demand).
    packs.push(builtins.packs.get(name) ?? (await (await import('../engine/packs.js')).loadPack(name, catalogue, checks)));
  }
  return { checks, catalogue, packs };
}

/** Report sections (certificate inventory, firewall exposure) per host, concatenated. */
async function inventorySectionsOf(hosts: Inventory[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const h of hosts) for (const [name, list] of Object.entries(await inventorySections(h))) (out[name] ??= []).push(...list);
  return out;
}

export type RuleSet = Awaited<ReturnType<typeof loadRuleSet>>;

/**
 * Each host's inventory judged alone (cross-artifact rules pair only files of one host);
 * the per-host result lists are merged by mergeHostResults.
 */
export function evaluateHosts(
  inventory: Inventory,
  runs: PlannedRun[],
  checks: RuleSet['checks'],
  detail?: ResultDetail,
  loneGroupFiles?: number,
  knownHosts?: ReadonlyMap<string, string>,
): { hosts: Inventory[]; perHost: Result[][] } {
  const hosts = splitByHost(inventory, loneGroupFiles, knownHosts);
  return { hosts, perHost: hosts.map((h) => evaluate(h, runs, checks, detail)) };
}

/** Evaluates an inventory against packs and assembles the canonical report. */
export async function judge(inventory: Inventory, ruleSet: RuleSet, meta: ReportMeta): Promise<ScanReport> {
  const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
  const { hosts, perHost } = evaluateHosts(inventory, runs, ruleSet.checks);
  return assembleReport(inventory, hosts, mergeHostResults(perHost), ruleSet, runs, meta);
}

export interface ReportMeta {
  command: string;
  args: string[];
  targets: string[];
}

/** The rule metadata a report carries: every rule that ran, with the controls it evidences. */
export function ruleSummaries(runs: PlannedRun[]): ScanReport['rules'] {
  const controlsOf = new Map<string, string[]>();
  for (const run of runs) {
    const list = controlsOf.get(run.rule.id) ?? [];
    for (const c of run.controls) if (!list.includes(`${c.pack}:${c.control}`)) list.push(`${c.pack}:${c.control}`);
    controlsOf.set(run.rule.id, list);
  }
  return [...new Map(runs.map((r) => [r.rule.id, r.rule])).values()].map((rule) => ({
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
}

export function toolInfo(): ScanReport['tool'] {
  return { name: 'ftps-audit', version: toolVersion(), informationUri: INFORMATION_URI };
}

async function assembleReport(inventory: Inventory, hosts: Inventory[], results: Result[], ruleSet: RuleSet, runs: PlannedRun[], meta: ReportMeta): Promise<ScanReport> {
  return {
    schemaVersion: '1.0',
    tool: toolInfo(),
    generatedAt: inventory.settings.now.toISOString(),
    invocation: { command: meta.command, args: meta.args, flavor: inventory.settings.flavor, targets: meta.targets },
    packs: summarisePacks(ruleSet.packs, results),
    rules: ruleSummaries(runs),
    artifacts: inventory.artifacts.map((a) => ({ path: a.path, kind: a.kind, sha256: a.sha256, size: a.size })),
    results,
    diagnostics: inventory.diagnostics,
    inventory: await inventorySectionsOf(hosts),
    summary: summarise(results),
  };
}

/** What judging a batch of whole hosts' files gives. */
export interface JudgedFiles {
  /** The batch's artifacts and models; diagnostics: reading and parsing, then per-user files. */
  inventory: Inventory;
  hosts: Inventory[];
  /** Per host group, not yet merged (see mergeHostResults). */
  perHost: Result[][];
  /** Files read but not recognised. */
  unrecognised: number;
}

export interface JudgeFilesContext {
  settings: ScanSettings;
  ruleSet: RuleSet;
  runs: PlannedRun[];
  maxFileBytes: number;
  extraModels?: Partial<InventoryModels>;
  /** What each result needs (default: everything, for the canonical report). */
  detail?: ResultDetail;
  /** Hash every artifact (default; reports list the hashes). */
  artifactHashes?: boolean;
  /**
   * Judge hosts that hold only vsftpd configs in groups of about this many files (default:
   * all in one). Groups smaller than all change the order of results across files,
   * so only a report that sorts them itself (the streamed text) asks for it.
   */
  loneGroupFiles?: number;
}

/**
 * read → parse → per-user files → judge, for files of whole hosts (all of a scan, or one
 * batch of a streamed scan): the one path both the canonical report and the streamed text
 * report take, so both say the same.
 */
export async function judgeFiles(files: readonly FoundFile[], ctx: JudgeFilesContext): Promise<JudgedFiles> {
  const { settings } = ctx;
  const collected = await collectFiles(files, settings, ctx.maxFileBytes, { hashes: ctx.artifactHashes });
  const models = { ...collected.models } as Record<string, unknown[]>;
  for (const [k, v] of Object.entries((ctx.extraModels ?? {}) as Record<string, unknown[]>)) (models[k] ??= []).push(...v);
  const diagnostics: Diagnostic[] = collected.diagnostics;
  const hostByPath = hostsOf(files, collected.artifacts, settings.roots);
  if (models.vsftpd?.length) {
    const hostOfConfig = (c: VsftpdConfig): string => hostByPath.get(c.file) ?? '';
    const split = separatePerUserFiles(models.vsftpd as VsftpdConfig[], collected.artifacts, settings, ctx.maxFileBytes, (a, b) => hostOfConfig(a) === hostOfConfig(b));
    models.vsftpd = split.main;
    diagnostics.push(...split.diagnostics);
  }
  const inventory: Inventory = { settings, artifacts: collected.artifacts, models: models as Partial<InventoryModels>, diagnostics };
  const { hosts, perHost } = evaluateHosts(inventory, ctx.runs, ctx.ruleSet.checks, ctx.detail, ctx.loneGroupFiles, hostByPath);
  return { inventory, hosts, perHost, unrecognised: collected.unrecognised };
}

/**
 * The host of every artifact, by report path, worked out once for the batch: the read-ahead
 * thread gives most files theirs (FoundFile.hostKey).
 */
function hostsOf(files: readonly FoundFile[], artifacts: readonly Artifact[], roots: readonly string[]): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const f of files) if (f.hostKey !== undefined) byPath.set(f.relPath, f.hostKey);
  for (const a of artifacts) if (!byPath.has(a.path)) byPath.set(a.path, hostKeyOf(a.absPath, roots));
  return byPath;
}

/** The diagnostic that counts files read but not recognised (none when there were none). */
export function unrecognisedDiagnostic(count: number): Diagnostic[] {
  return count > 0 ? [{ level: 'info', code: 'discover/unrecognised', message: `${count} file(s) read but not recognised as FTPS-related configuration; skipped` }] : [];
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
  const runs = planRuns(ruleSet.packs, ruleSet.catalogue);
  const walked = walk(opts.paths);
  const judged = await judgeFiles(walked.files, { settings, ruleSet, runs, maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, extraModels: opts.extraModels });
  const inventory: Inventory = {
    ...judged.inventory,
    diagnostics: [...walked.diagnostics, ...judged.inventory.diagnostics, ...unrecognisedDiagnostic(judged.unrecognised)],
  };
  const report = await assembleReport(inventory, judged.hosts, mergeHostResults(judged.perHost), ruleSet, runs, {
    command: 'scan',
    args: opts.args ?? opts.paths,
    targets: roots,
  });
  return { report, inventory };
}
