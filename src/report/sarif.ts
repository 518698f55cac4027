import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Location } from '../model/location.js';
import type { RuleSummary, ScanReport } from '../model/report.js';
import type { Result, Severity } from '../model/result.js';
import { ruleHelpUri } from './rule-docs.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and other consumers.
 *
 * What becomes a SARIF `result`: only results with status `fail` (waived ones too, carrying
 * `suppressions`). Code scanning turns every SARIF result into an alert, so passes and
 * not-applicable results are not results here (their counts are in run.properties, and the
 * HTML report shows passes as evidence). `not-evaluated` and `error` results, and the run's
 * diagnostics, become `invocations[0].toolExecutionNotifications`: the tool could not judge
 * something, which a reader must see but which is not a finding in the file.
 *
 * Severity → `level`: critical/high → error, medium → warning, low/info → note.
 * Severity → `properties["security-severity"]` (CVSS-like score GitHub buckets into
 * critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9): see SECURITY_SEVERITY.
 */

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Scores chosen in the middle of GitHub's bands so that a rounding never moves a bucket. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export const SARIF_LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** Key of our fingerprint in result.partialFingerprints (versioned so it can change safely). */
export const FINGERPRINT_KEY = 'ftpsAuditFingerprint/v1';

const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /**
   * Code scanning category: analyses with different categories do not close each other's
   * alerts (one per host or repo when several are uploaded). Default "ftps-audit".
   */
  category?: string;
}

type SarifLevel = 'none' | 'note' | 'warning' | 'error';

interface SarifMessage {
  text: string;
  markdown?: string;
}
interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}
interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: SarifRegion;
}
interface SarifLogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: string;
}
interface SarifLocation {
  physicalLocation?: SarifPhysicalLocation;
  logicalLocations?: SarifLogicalLocation[];
  message?: SarifMessage;
}
interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity': string; precision: string; [k: string]: unknown };
}
interface SarifSuppression {
  kind: 'inSource' | 'external';
  status: 'accepted';
  justification: string;
  properties?: Record<string, unknown>;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  kind: 'fail';
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  baselineState?: 'new' | 'unchanged';
  suppressions?: SarifSuppression[];
  properties: Record<string, unknown>;
}
interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  descriptor: { id: string };
  associatedRule?: { id: string; index: number };
  locations?: SarifLocation[];
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [SarifRun];
}
interface SarifRun {
  tool: {
    driver: {
      name: string;
      version: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
    };
  };
  automationDetails: { id: string };
  invocations: [
    {
      executionSuccessful: boolean;
      exitCode?: number;
      commandLine: string;
      arguments: string[];
      endTimeUtc: string;
      toolExecutionNotifications: SarifNotification[];
    },
  ];
  originalUriBaseIds: Record<string, { uri?: string; description: SarifMessage }>;
  artifacts: { location: SarifArtifactLocation; length: number; hashes: Record<string, string> }[];
  columnKind: 'unicodeCodePoints';
  results: SarifResult[];
  properties: Record<string, unknown>;
}

export function renderSarif(report: ScanReport, opts: SarifOptions = {}): string {
  return JSON.stringify(buildSarifLog(report, opts), null, 2) + '\n';
}

export function buildSarifLog(report: ScanReport, opts: SarifOptions = {}): SarifLog {
  const rules = collectRules(report);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const descriptors = rules.map((r) => ruleDescriptor(report, r));
  const artifactIndex = new Map(report.artifacts.map((a, i) => [a.path, i]));
  const locate = (loc: Location | undefined): SarifLocation[] => sarifLocations(loc, artifactIndex);

  const results: SarifResult[] = [];
  const notifications: SarifNotification[] = [];
  let unanchored = 0;
  const statusCounts: Record<string, number> = {};
  for (const r of report.results) {
    statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    const index = ruleIndex.get(r.ruleId) as number;
    if (r.status === 'fail') {
      const res = sarifResult(r, index, locate(r.location));
      if (!res.locations.some((l) => l.physicalLocation)) unanchored++;
      results.push(res);
    } else if (r.status === 'not-evaluated' || r.status === 'error') {
      notifications.push({
        level: r.status === 'error' ? 'error' : 'warning',
        message: { text: sentence(`${r.ruleId} ${r.status === 'error' ? 'failed' : 'was not evaluated'}: ${r.message}`) },
        descriptor: { id: `ftps-audit/${r.status}` },
        associatedRule: { id: r.ruleId, index },
        locations: nonEmpty(locate(r.location)),
      });
    }
  }
  for (const d of report.diagnostics) notifications.push(diagnosticNotification(d, locate));
  for (const { waiver, matched } of report.waivers?.expired ?? []) {
    notifications.push({
      level: 'warning',
      message: { text: `Waiver for ${waiver.ruleId} (${waiver.source}) expired on ${waiver.expires}; ${matched} finding(s) it matched count again.` },
      descriptor: { id: 'ftps-audit/waiver-expired' },
      ...(ruleIndex.has(waiver.ruleId) ? { associatedRule: { id: waiver.ruleId, index: ruleIndex.get(waiver.ruleId)! } } : {}),
    });
  }
  for (const waiver of report.waivers?.stale ?? []) {
    notifications.push({
      level: 'note',
      message: { text: `Waiver for ${waiver.ruleId} (${waiver.source === 'inline' ? `inline at ${waiver.path}:${waiver.line}` : `${waiver.source}, ${[waiver.path, waiver.endpoint].filter(Boolean).join(' ')}`}) matches no finding and can be removed.` },
      descriptor: { id: 'ftps-audit/waiver-stale' },
    });
  }
  if (unanchored > 0) {
    notifications.push({
      level: 'warning',
      message: {
        text: `${unanchored} result(s) name only a probed endpoint and have no file location; GitHub code scanning rejects such results. Probe from a --targets file (or scan the config the endpoint belongs to) so that each endpoint is anchored to the line that names it.`,
      },
      descriptor: { id: 'ftps-audit/unanchored-results' },
    });
  }

  const exitCode = report.invocation.exitCode;
  const category = (opts.category ?? 'ftps-audit').replace(/\/+$/, '');
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules: descriptors,
          },
        },
        automationDetails: { id: `${category}/${report.generatedAt}` },
        invocations: [
          {
            // Findings are a successful run (exit 1); only a usage/runtime error (2) is not.
            executionSuccessful: exitCode === undefined || exitCode < 2,
            ...(exitCode === undefined ? {} : { exitCode }),
            commandLine: ['ftps-audit', report.invocation.command, ...report.invocation.args].join(' '),
            arguments: report.invocation.args,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: notifications,
          },
        ],
        originalUriBaseIds: { [SRCROOT]: srcRoot(report) },
        artifacts: report.artifacts.map((a) => ({
          location: artifactLocation(a.path, undefined),
          length: a.size,
          hashes: { 'sha-256': a.sha256 },
        })),
        columnKind: 'unicodeCodePoints',
        results,
        properties: runProperties(report, statusCounts),
      },
    ],
  };
}

/** Every rule that ran, plus (defensively) any rule a result names that the list lacks. */
function collectRules(report: ScanReport): RuleSummary[] {
  const rules = [...report.rules];
  const known = new Set(rules.map((r) => r.id));
  for (const r of report.results) {
    if (known.has(r.ruleId)) continue;
    known.add(r.ruleId);
    rules.push({
      id: r.ruleId,
      title: r.ruleId,
      rationale: r.message,
      severity: r.severity,
      target: r.ruleId.split('/')[0] ?? 'unknown',
      remediation: r.remediation ?? { text: 'See the rules reference.' },
      references: [],
      tags: [],
      controls: r.controls.map((c) => `${c.pack}:${c.control}`),
    });
  }
  return rules;
}

function ruleDescriptor(report: ScanReport, rule: RuleSummary): SarifReportingDescriptor {
  const controls = [...new Set(rule.controls)];
  const tags = [...new Set(['security', 'compliance', `target:${rule.target}`, ...rule.tags, ...controls])];
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: sentence(rule.rationale) },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    // Only a web link: informationUri comes from a (possibly hand-edited) saved JSON.
    ...(/^https?:\/\//i.test(report.tool.informationUri) ? { helpUri: ruleHelpUri(report, rule.id) } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: {
      tags,
      'security-severity': SECURITY_SEVERITY[rule.severity],
      // Checks are deterministic reads of configuration or observed behaviour.
      precision: 'very-high',
      severity: rule.severity,
      controls,
    },
  };
}

/** "vsftpd/ssl-not-enabled" → "VsftpdSslNotEnabled": an identifier-like name, as SARIF advises. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function helpText(rule: RuleSummary): string {
  const parts = [rule.rationale.trim(), '', `Remediation: ${rule.remediation.text.trim()}`];
  if (rule.remediation.fix) parts.push('', 'Fix:', rule.remediation.fix.trimEnd());
  if (rule.controls.length) parts.push('', `Controls: ${rule.controls.join(', ')}`);
  const refs = rule.references.map((r) => `- ${referenceLabel(r)}${r.url ? ` <${r.url}>` : ''}`);
  if (refs.length) parts.push('', 'References:', ...refs);
  return parts.join('\n');
}

function helpMarkdown(rule: RuleSummary): string {
  const parts = [`**${md(rule.title)}**`, '', md(rule.rationale.trim()), '', '### Remediation', '', md(rule.remediation.text.trim())];
  if (rule.remediation.fix) parts.push('', fence(rule.remediation.fix.trimEnd()));
  if (rule.controls.length) parts.push('', '### Controls', '', ...rule.controls.map((c) => `- \`${c}\``));
  if (rule.references.length) {
    parts.push('', '### References', '');
    for (const r of rule.references) {
      const label = md(referenceLabel(r));
      parts.push(r.url ? `- [${label}](${r.url})` : `- ${label}`);
    }
  }
  return parts.join('\n');
}

/** "PCI DSS v4.0.1 Req. 4.2.1", not "PCI DSS v4.0.1, PCI DSS v4.0.1 Req. 4.2.1". */
function referenceLabel(r: { title: string; citation?: string }): string {
  if (!r.citation) return r.title;
  return r.citation.startsWith(r.title) ? r.citation : `${r.title}, ${r.citation}`;
}

/** A code fence longer than any backtick run inside the snippet, so the snippet cannot close it. */
function fence(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((s) => s.length));
  const f = '`'.repeat(longest + 1);
  return `${f}\n${code}\n${f}`;
}

/** Escape the characters that would turn prose into markup in GitHub-flavoured markdown. */
function md(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * The message, plus what the probe observed for endpoint results: code scanning shows the
 * annotated line (the targets file names only the host), so the exchange goes in the text.
 */
function resultMessage(r: Result): string {
  const text = sentence(r.message);
  return r.location?.endpoint && r.evidence ? `${text}\nObserved at ${r.location.endpoint}:\n${r.evidence}` : text;
}

function sarifResult(r: Result, ruleIndex: number, locations: SarifLocation[]): SarifResult {
  const res: SarifResult = {
    ruleId: r.ruleId,
    ruleIndex,
    level: SARIF_LEVEL[r.severity],
    kind: 'fail',
    message: { text: resultMessage(r) },
    locations,
    partialFingerprints: { [FINGERPRINT_KEY]: r.fingerprint },
    properties: {
      severity: r.severity,
      'security-severity': SECURITY_SEVERITY[r.severity],
      ...(r.evidence !== undefined ? { evidence: r.evidence } : {}),
      ...(r.assumptions?.length ? { assumptions: r.assumptions } : {}),
      controls: r.controls.map((c) => `${c.pack}:${c.control}`),
      ...(r.location?.endpoint ? { endpoint: r.location.endpoint } : {}),
    },
  };
  if (r.baselineState) res.baselineState = r.baselineState;
  if (r.waived) {
    res.suppressions = [
      {
        kind: r.waived.source === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        justification: r.waived.reason,
        properties: {
          source: r.waived.source,
          ...(r.waived.approver ? { approver: r.waived.approver } : {}),
          ...(r.waived.expires ? { expires: r.waived.expires } : {}),
        },
      },
    ];
  }
  return res;
}

/**
 * A file location becomes a physical location; an endpoint becomes a logical location.
 * A result with both (a probe result anchored to the line that named the target) gets both
 * in one location object, so code scanning annotates the line and the endpoint is kept.
 */
function sarifLocations(loc: Location | undefined, artifactIndex: Map<string, number>): SarifLocation[] {
  if (!loc || (!loc.file && !loc.endpoint)) return [];
  const out: SarifLocation = {};
  if (loc.file) {
    const index = artifactIndex.get(loc.file);
    const physical: SarifPhysicalLocation = {
      artifactLocation: artifactLocation(loc.file, index),
    };
    if (loc.line !== undefined && loc.line >= 1) {
      const region: SarifRegion = { startLine: loc.line };
      if (loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
      if (loc.endLine !== undefined && loc.endLine >= loc.line) region.endLine = loc.endLine;
      // endColumn is exclusive: on a one-line region it must lie after startColumn.
      const sameLine = (region.endLine ?? region.startLine) === region.startLine;
      if (loc.endColumn !== undefined && region.startColumn !== undefined && loc.endColumn >= 1 && (!sameLine || loc.endColumn > region.startColumn)) region.endColumn = loc.endColumn;
      physical.region = region;
    } else {
      // A finding about the file as a whole (an option left unset, a file missing a
      // setting): anchored on line 1, where code scanning can show it.
      physical.region = { startLine: 1 };
    }
    out.physicalLocation = physical;
  }
  if (loc.endpoint) {
    out.logicalLocations = [{ name: loc.endpoint, fullyQualifiedName: loc.endpoint, kind: 'resource' }];
  }
  return [out];
}

function nonEmpty<T>(xs: T[]): T[] | undefined {
  return xs.length ? xs : undefined;
}

function diagnosticNotification(d: Diagnostic, locate: (l: Location | undefined) => SarifLocation[]): SarifNotification {
  const level: SarifLevel = d.level === 'info' ? 'note' : d.level;
  const n: SarifNotification = { level, message: { text: sentence(d.message) }, descriptor: { id: d.code } };
  const locations = locate(d.location);
  if (locations.length) n.locations = locations;
  return n;
}

/** Relative URI reference of a scan-relative POSIX path (each segment percent-encoded). */
function fileUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * Discovery reports files outside the working directory by absolute path; those become
 * absolute file: URIs without a base (upload-sarif relativizes them against the checkout).
 */
function artifactLocation(path: string, index: number | undefined): SarifArtifactLocation {
  const loc: SarifArtifactLocation = path.startsWith('/') ? { uri: pathToFileURL(path).href } : { uri: fileUri(path), uriBaseId: SRCROOT };
  if (index !== undefined) loc.index = index;
  return loc;
}

/**
 * %SRCROOT% is the directory artifact paths are relative to: the working directory of the
 * scan (discovery reports paths relative to it). The report records the absolute targets,
 * not the working directory, so it is recovered from them: the directory D such that
 * D + "/" + artifact path lies inside a target. Used only when every target agrees on one D;
 * otherwise (merged runs, probe-only runs) the base is described, not resolved.
 */
function srcRoot(report: ScanReport): { uri?: string; description: SarifMessage } {
  const description = { text: 'The working directory of the scan; artifact paths are relative to it.' };
  const relative = report.artifacts.map((a) => a.path).filter((p) => !p.startsWith('/'));
  const targets = report.invocation.targets.filter((t) => t.startsWith('/')).map((t) => t.replace(/\/+$/, '').split('/'));
  // Candidates per artifact (one per target: the shortest D that works); the root is the
  // one candidate every artifact shares.
  let roots: Set<string> | undefined;
  for (const p of relative) {
    const mine = new Set<string>();
    for (const segs of targets) {
      for (let k = 1; k <= segs.length; k++) {
        const tail = segs.slice(k).join('/');
        if (tail === '' || p === tail || p.startsWith(`${tail}/`)) {
          mine.add(segs.slice(0, k).join('/') || '/');
          break;
        }
      }
    }
    roots = roots ? new Set([...roots].filter((r) => mine.has(r))) : mine;
  }
  if (!roots) return { description };
  if (roots.size !== 1) return { description };
  const uri = pathToFileURL([...roots][0]!).href;
  return { uri: uri.endsWith('/') ? uri : `${uri}/`, description };
}

function runProperties(report: ScanReport, statusCounts: Record<string, number>): Record<string, unknown> {
  const props: Record<string, unknown> = {
    flavor: report.invocation.flavor,
    packs: report.packs.map((p) => ({ id: p.id, version: p.version, title: p.title })),
    resultsByStatus: statusCounts,
    waivedFindings: report.summary.waived,
  };
  if (report.baseline) {
    props.baseline = {
      source: report.baseline.source,
      createdAt: report.baseline.createdAt,
      new: report.baseline.new,
      unchanged: report.baseline.unchanged,
      fixed: report.baseline.fixed,
    };
  }
  if (report.waivers) {
    props.waivers = {
      sources: report.waivers.sources,
      applied: report.waivers.applied,
      expired: report.waivers.expired,
      stale: report.waivers.stale,
    };
  }
  return props;
}
