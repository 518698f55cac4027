import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { RuleSummary, ScanReport } from '../model/report.js';
import type { Result, Severity, Status } from '../model/result.js';
import { SEVERITIES, STATUSES, SEVERITY_RANK } from '../model/result.js';
import { ruleAnchor, ruleHelpUri } from './rule-docs.js';

/**
 * The auditor's report: one self-contained HTML file (inline CSS, JS and SVG; a Content
 * Security Policy that forbids every network request and any script but our own), rendered
 * with handlebars from templates/report.html.hbs and the partials in templates/report/.
 *
 * Every value from the report goes through handlebars' escaping ({{…}}, never {{{…}}}), so a
 * config line such as `ftpd_banner=<script>…` is shown as text. The only unescaped inserts are
 * the stylesheet, the filter script and the SVG chart, which this module builds itself.
 */

const TEMPLATES = path.resolve(fileURLToPath(new URL('../../templates/', import.meta.url)));

/** How many evidence lines the control matrix shows per rule before "and N more". */
const MATRIX_EVIDENCE_LIMIT = 5;

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#7b1020',
  high: '#c0392b',
  medium: '#d68910',
  low: '#2e86c1',
  info: '#7f8c8d',
};

const STATUS_LABEL: Record<Status, string> = {
  pass: 'pass',
  fail: 'fail',
  'not-applicable': 'n/a',
  'not-evaluated': 'not evaluated',
  error: 'error',
};

/** Statuses the findings section shows before the reader touches a filter. */
const DEFAULT_STATUSES: Status[] = ['fail', 'not-evaluated', 'error'];

type Template = (ctx: unknown) => string;
let compiled: { template: Template; css: string; script: string; scriptHash: string } | undefined;

function load(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const hb = Handlebars.create();
  const partialDir = path.join(TEMPLATES, 'report');
  for (const f of readdirSync(partialDir)) {
    if (f.endsWith('.hbs')) hb.registerPartial(f.slice(0, -4), readFileSync(path.join(partialDir, f), 'utf8'));
  }
  const template = hb.compile(readFileSync(path.join(TEMPLATES, 'report.html.hbs'), 'utf8'), {
    knownHelpersOnly: true,
    preventIndent: true,
    strict: false,
  }) as Template;
  const css = readFileSync(path.join(partialDir, 'report.css'), 'utf8');
  const script = readFileSync(path.join(partialDir, 'filters.js'), 'utf8');
  const scriptHash = createHash('sha256').update(script, 'utf8').digest('base64');
  compiled = { template, css, script, scriptHash };
  return compiled;
}

export function renderHtml(report: ScanReport): string {
  const { template, css, script, scriptHash } = load();
  // The policy allows our one script (by hash) and inline styles; nothing may be fetched.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return template({ ...viewModel(report), css, script, csp });
}

// ---------------------------------------------------------------------------------------
// View model: everything the template shows, computed here so the template has no logic.

interface Row {
  sev: Severity;
  st: Status;
  packs: string;
  where: string;
  statusLabel: string;
  message: string;
  evidence?: string;
  fix?: string;
  assumptions?: string;
  waived?: string;
  baseline?: string;
}

function viewModel(report: ScanReport) {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const packIds = report.packs.map((p) => p.id);
  return {
    title: `FTPS compliance report — ${report.invocation.targets.join(', ') || report.invocation.command}`,
    tool: report.tool,
    generatedAt: report.generatedAt,
    flavor: report.invocation.flavor,
    commandLine: ['ftps-audit', report.invocation.command, ...report.invocation.args].join(' '),
    targets: report.invocation.targets,
    exitCode: report.invocation.exitCode,
    summary: summaryView(report),
    chartSvg: severityChart(report),
    packs: report.packs.map((p) => packView(report, p.id, rules)),
    filters: {
      severities: SEVERITIES.map((s) => ({ value: s, label: s, checked: true })),
      statuses: STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s], checked: DEFAULT_STATUSES.includes(s) })),
      packs: [...packIds.map((p) => ({ value: p, label: p, checked: true })), { value: '-', label: 'no pack', checked: true }],
    },
    groups: artifactGroups(report, rules),
    certificates: certificateView(report.inventory.certificates, report.generatedAt),
    otherInventory: otherInventoryView(report.inventory),
    artifacts: report.artifacts.map((a) => ({ ...a, sizeText: `${a.size.toLocaleString('en-US')} B` })),
    packVersions: report.packs.map((p) => ({ id: p.id, title: p.title, version: p.version })),
    diagnostics: report.diagnostics.map((d) => ({ ...d, where: locationText(d.location) })),
    baseline: report.baseline
      ? { ...report.baseline, fixedCount: report.baseline.fixed.length, fixed: report.baseline.fixed.map((f) => ({ ...f, where: locationText(f.location) })) }
      : undefined,
    waivers: report.waivers
      ? {
          sources: report.waivers.sources.join(', '),
          applied: report.waivers.applied,
          expired: report.waivers.expired.map((e) => ({ ...e.waiver, matched: e.matched, where: waiverWhere(e.waiver) })),
          stale: report.waivers.stale.map((w) => ({ ...w, where: waiverWhere(w) })),
        }
      : undefined,
  };
}

function summaryView(report: ScanReport) {
  const s = report.summary;
  const total = Object.values(s.byStatus).reduce((a, b) => a + b, 0);
  return {
    total,
    severities: SEVERITIES.map((sev) => ({ sev, count: s.failuresBySeverity[sev] })),
    statuses: STATUSES.map((st) => ({ st, label: STATUS_LABEL[st], count: s.byStatus[st] })),
    waived: s.waived,
    failing: SEVERITIES.reduce((a, sev) => a + s.failuresBySeverity[sev], 0),
  };
}

/** Horizontal bars of open failures by severity; numbers and labels are ours, not the report's. */
function severityChart(report: ScanReport): string {
  const counts = SEVERITIES.map((s) => report.summary.failuresBySeverity[s]);
  const max = Math.max(1, ...counts);
  const barMax = 320;
  const rowH = 26;
  const rows = SEVERITIES.map((s, i) => {
    const w = Math.round((counts[i]! / max) * barMax);
    const y = i * rowH + 4;
    return (
      `<text x="0" y="${y + 15}" class="lbl">${s}</text>` +
      `<rect x="80" y="${y}" width="${Math.max(w, counts[i]! > 0 ? 2 : 0)}" height="18" rx="3" fill="${SEVERITY_COLOR[s]}"/>` +
      `<text x="${86 + w}" y="${y + 15}" class="num">${counts[i]}</text>`
    );
  }).join('');
  const h = SEVERITIES.length * rowH + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="Open failures by severity" viewBox="0 0 460 ${h}" width="460" height="${h}">${rows}</svg>`;
}

function passRateBar(rate: number | undefined): string {
  const w = rate === undefined ? 0 : Math.round(rate * 2);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="rate" viewBox="0 0 200 12" width="200" height="12" aria-hidden="true"><rect x="0" y="0" width="200" height="12" rx="3" fill="#e5e7eb"/><rect x="0" y="0" width="${w}" height="12" rx="3" fill="#1e8449"/></svg>`;
}

function packView(report: ScanReport, packId: string, rules: Map<string, RuleSummary>) {
  const pack = report.packs.find((p) => p.id === packId)!;
  // Results by control of this pack, then by rule.
  const byControl = new Map<string, Map<string, Result[]>>();
  // Pass rate counts each result once per pack, however many of its controls it evidences.
  let pass = 0;
  let fail = 0;
  for (const r of report.results) {
    let inPack = false;
    for (const c of r.controls) {
      if (c.pack !== packId) continue;
      inPack = true;
      let byRule = byControl.get(c.control);
      if (!byRule) byControl.set(c.control, (byRule = new Map()));
      let list = byRule.get(r.ruleId);
      if (!list) byRule.set(r.ruleId, (list = []));
      list.push(r);
    }
    if (!inPack) continue;
    if (r.status === 'pass') pass++;
    else if (r.status === 'fail' && !r.waived) fail++;
  }
  const rate = pass + fail > 0 ? (100 * pass) / (pass + fail) : undefined;
  return {
    id: pack.id,
    title: pack.title,
    version: pack.version,
    pass,
    fail,
    rateText: rate === undefined ? 'no judged results' : `${rate.toFixed(1)} %`,
    rateSvg: passRateBar(rate),
    controls: pack.controls.map((c) => {
      const byRule = byControl.get(c.id) ?? new Map<string, Result[]>();
      const ruleIds = [...new Set([...c.rules, ...byRule.keys()])];
      return {
        id: c.id,
        title: c.title,
        status: c.status,
        statusLabel: c.status === 'no-rules' ? 'no rules' : STATUS_LABEL[c.status],
        rules: ruleIds.map((id) => {
          const results = byRule.get(id) ?? [];
          const counts: Record<Status, number> = { pass: 0, fail: 0, 'not-applicable': 0, 'not-evaluated': 0, error: 0 };
          for (const r of results) counts[r.status]++;
          const shown = [...results].sort(worstFirst).slice(0, MATRIX_EVIDENCE_LIMIT);
          return {
            id,
            anchor: ruleAnchor(id),
            helpUri: safeHref(ruleHelpUri(report, id)),
            title: rules.get(id)?.title ?? id,
            counts,
            none: results.length === 0,
            evidence: shown.map((r) => ({
              st: r.status,
              statusLabel: r.waived && r.status === 'fail' ? 'fail (waived)' : STATUS_LABEL[r.status],
              where: locationText(r.location),
              text: r.evidence ?? r.message,
            })),
            more: results.length - shown.length,
          };
        }),
      };
    }),
  };
}

function worstFirst(a: Result, b: Result): number {
  const order: Status[] = ['fail', 'error', 'not-evaluated', 'pass', 'not-applicable'];
  return order.indexOf(a.status) - order.indexOf(b.status) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
}

function artifactGroups(report: ScanReport, rules: Map<string, RuleSummary>) {
  const knownPacks = new Set(report.packs.map((p) => p.id));
  const kinds = new Map(report.artifacts.map((a) => [a.path, a]));
  const groups = new Map<string, Map<string, Result[]>>();
  for (const r of report.results) {
    const key = r.location?.file ?? r.location?.endpoint ?? '(run)';
    let byRule = groups.get(key);
    if (!byRule) groups.set(key, (byRule = new Map()));
    let list = byRule.get(r.ruleId);
    if (!list) byRule.set(r.ruleId, (list = []));
    list.push(r);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([name, byRule]) => {
      const art = kinds.get(name);
      return {
        name,
        kind: art?.kind ?? (name.includes('://') ? 'endpoint' : ''),
        sha256: art?.sha256,
        rules: [...byRule.entries()]
          .sort((a, b) => SEVERITY_RANK[(rules.get(b[0])?.severity ?? 'info')] - SEVERITY_RANK[(rules.get(a[0])?.severity ?? 'info')] || a[0].localeCompare(b[0]))
          .map(([ruleId, results]) => {
            const rule = rules.get(ruleId);
            return {
              ruleId,
              anchor: ruleAnchor(ruleId),
              helpUri: safeHref(ruleHelpUri(report, ruleId)),
              title: rule?.title ?? ruleId,
              severity: rule?.severity ?? results[0]!.severity,
              remediation: rule?.remediation.text,
              fix: rule?.remediation.fix,
              rows: results.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0)).map((r) => row(r, rule, knownPacks)),
            };
          }),
      };
    });
}

function row(r: Result, rule: RuleSummary | undefined, knownPacks: ReadonlySet<string>): Row {
  // Only packs the filter offers; a result of none of them is filed under "no pack".
  const packs = [...new Set(r.controls.map((c) => c.pack).filter((p) => knownPacks.has(p)))];
  const out: Row = {
    sev: r.severity,
    st: r.status,
    packs: packs.length ? packs.join(' ') : '-',
    where:
      r.location?.line !== undefined
        ? `line ${r.location.line}${r.location.column !== undefined ? `:${r.location.column}` : ''}`
        : r.location?.file
          ? 'whole file'
          : (r.location?.endpoint ?? ''),
    statusLabel: STATUS_LABEL[r.status],
    message: r.message,
  };
  if (r.location?.endpoint && r.location.file) out.where += ` (${r.location.endpoint})`;
  if (r.evidence !== undefined) out.evidence = r.evidence;
  // A result-specific fix (different from the rule's) is shown on its row.
  if (r.remediation?.fix && r.remediation.fix !== rule?.remediation.fix) out.fix = r.remediation.fix;
  if (r.assumptions?.length) out.assumptions = r.assumptions.join('; ');
  if (r.waived) out.waived = `waived: ${r.waived.reason}${r.waived.approver ? ` — approved by ${r.waived.approver}` : ''}${r.waived.expires ? `, until ${r.waived.expires}` : ''} (${r.waived.source})`;
  if (r.baselineState) out.baseline = r.baselineState === 'new' ? 'new since baseline' : 'in baseline';
  return out;
}

/**
 * Links come from the report's tool.informationUri, which a saved JSON could set to anything:
 * only http(s) URLs become links (a javascript: URL would be a script outside the CSP hash).
 */
function safeHref(u: string): string | undefined {
  return /^https?:\/\/[^\s"'<>]+$/i.test(u) ? u : undefined;
}

function locationText(loc: Result['location']): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) parts.push(`${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}`);
  if (loc.endpoint) parts.push(loc.endpoint);
  return parts.join(' ');
}

function waiverWhere(w: { source: string; index?: number; line?: number; path?: string; endpoint?: string }): string {
  if (w.source === 'inline') return `inline comment at ${w.path}:${w.line}`;
  return `${[w.path, w.endpoint].filter(Boolean).join(' ')} (${w.source}${w.index !== undefined ? ` #${w.index + 1}` : ''})`;
}

/**
 * The certificate inventory (ScanReport.inventory.certificates, rows of the x509 module's
 * CertificateInventoryEntry). Known fields come first, in the order an auditor reads them,
 * with "expires in" computed against the report date; any other scalar field follows as is.
 * Every cell is text, escaped by the template.
 */
const CERT_COLUMNS: [key: string, label: string][] = [
  ['subject', 'Subject'],
  ['issuer', 'Issuer'],
  ['notAfter', 'Not after'],
  ['expiresIn', 'Expires in'],
  ['notBefore', 'Not before'],
  ['key', 'Key'],
  ['signatureAlgorithm', 'Signature'],
  ['sans', 'Subject alt. names'],
  ['file', 'File'],
  ['usedBy', 'Used by'],
  ['selfSigned', 'Self-signed'],
  ['isCA', 'CA'],
  ['serialNumber', 'Serial'],
  ['fingerprintSha256', 'SHA-256 fingerprint'],
];

function certificateView(items: unknown[] | undefined, generatedAt: string) {
  if (!items?.length) return undefined;
  const rows = items
    .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x))
    .map((r) => {
      const row: Record<string, unknown> = { ...r };
      if (typeof r.file === 'string' && typeof r.line === 'number') row.file = `${r.file}:${r.line}`;
      delete row.line;
      const end = typeof r.notAfter === 'string' ? Date.parse(r.notAfter) : NaN;
      const now = Date.parse(generatedAt);
      if (!Number.isNaN(end) && !Number.isNaN(now)) {
        const days = Math.floor((end - now) / 86_400_000);
        row.expiresIn = days < 0 ? `expired ${-days} day(s) ago` : `${days} day(s)`;
      }
      return row;
    });
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const columns = CERT_COLUMNS.filter(([k]) => present.has(k));
  for (const k of present) if (!CERT_COLUMNS.some(([c]) => c === k)) columns.push([k, k]);
  return {
    columns: columns.map(([, label]) => label),
    rows: rows.map((r) => ({ cells: columns.map(([k]) => cellText(r[k])) })),
  };
}

/** Rows shown per extra inventory section; the JSON has them all. */
const INVENTORY_ROW_LIMIT = 1000;

const SECTION_TITLES: Record<string, string> = {
  probe: 'Probed endpoints',
  firewall: 'Firewall exposure',
  firewallExposure: 'Firewall exposure',
};

/**
 * Other inventory sections (firewall exposure, probe observations, whatever a module adds):
 * one table each, of the fields that read as text — scalars, lists of scalars, and
 * locations; nested detail stays in the JSON.
 */
function otherInventoryView(inventory: Record<string, unknown[]>) {
  return Object.entries(inventory)
    .filter(([key, items]) => key !== 'certificates' && Array.isArray(items) && items.length > 0)
    .map(([key, items]) => {
      const rows = items.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
      const columns: string[] = [];
      for (const r of rows.slice(0, INVENTORY_ROW_LIMIT)) {
        for (const [k, v] of Object.entries(r)) if (!columns.includes(k) && readable(v)) columns.push(k);
      }
      const shown = rows.slice(0, INVENTORY_ROW_LIMIT);
      return {
        title: SECTION_TITLES[key] ?? key,
        key,
        columns,
        rows: shown.map((r) => ({ cells: columns.map((k) => (readable(r[k]) ? inventoryCell(r[k]) : '')) })),
        more: rows.length - shown.length,
      };
    })
    .filter((t) => t.columns.length > 0);
}

function isLocation(v: unknown): v is Result['location'] {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ('file' in v || 'endpoint' in v);
}

function readable(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object');
  return typeof v !== 'object' || isLocation(v);
}

function inventoryCell(v: unknown): string {
  return isLocation(v) ? locationText(v) : cellText(v);
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
