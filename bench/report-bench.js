// Rendering speed of the CI/auditor formats: SARIF, HTML and JUnit for 50,000 synthetic
// findings, each rendered from one ScanReport as `ftps-audit report` would. Needs
// `npm run build` first (imports ../dist). Target (issue 6): under 3 s together, memory
// under 1 GiB. Run alone: `node bench/report-bench.js [findings]`; `npm run bench` calls
// runReportBench().
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const PACKS = [
  { id: 'hipaa', control: '164.312(e)(1)' },
  { id: 'pci-dss', control: '4.2.1' },
  { id: 'nist-800-52r2', control: '3.1' },
];

/** A report shaped like a large estate: 500 configs × 100 findings, 40 rules, mixed statuses. */
export function syntheticReport(findings = 50_000) {
  const ruleCount = 40;
  const files = Math.max(1, Math.ceil(findings / 100));
  const rules = Array.from({ length: ruleCount }, (_, i) => ({
    id: `vsftpd/bench-rule-${i}`,
    title: `Bench rule ${i} finds a weak setting`,
    rationale: 'A weak setting lets an attacker read or alter data in transit.',
    severity: SEVERITIES[i % 5],
    target: 'vsftpd',
    remediation: { text: 'Set the option to its hardened value.', fix: `option_${i}=YES` },
    references: [{ title: 'PCI DSS', citation: 'PCI DSS v4.0.1 Req. 4.2.1' }],
    tags: ['bench'],
    controls: PACKS.map((p) => `${p.id}:${p.control}`),
  }));
  const artifacts = Array.from({ length: files }, (_, f) => ({
    path: `hosts/ftp${String(f).padStart(4, '0')}/etc/vsftpd.conf`,
    kind: 'vsftpd-conf',
    sha256: createHash('sha256').update(String(f)).digest('hex'),
    size: 4096,
  }));
  const results = new Array(findings);
  for (let i = 0; i < findings; i++) {
    const rule = rules[i % ruleCount];
    const status = i % 10 === 0 ? 'pass' : i % 97 === 0 ? 'not-evaluated' : 'fail';
    results[i] = {
      ruleId: rule.id,
      status,
      severity: rule.severity,
      message: `option_${i % ruleCount} has a weak value <${i}> & "quotes"`,
      location: { file: artifacts[Math.floor(i / 100) % files].path, line: (i % 100) + 1, column: 1 },
      evidence: `option_${i % ruleCount}=NO`,
      controls: PACKS.map((p) => ({ pack: p.id, control: p.control })),
      fingerprint: createHash('sha256').update(`b${i}`).digest('hex').slice(0, 32),
      ...(i % 50 === 0 && status === 'fail' ? { waived: { source: 'waivers.yml', reason: 'accepted', approver: 'ciso', expires: '2099-01-01' } } : {}),
    };
  }
  const byStatus = { pass: 0, fail: 0, 'not-applicable': 0, 'not-evaluated': 0, error: 0 };
  const failuresBySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let waived = 0;
  for (const r of results) {
    byStatus[r.status]++;
    if (r.waived) waived++;
    else if (r.status === 'fail') failuresBySeverity[r.severity]++;
  }
  return {
    schemaVersion: '1.0',
    tool: { name: 'ftps-audit', version: '0.1.0', informationUri: 'https://github.com/example/ftps-audit' },
    generatedAt: new Date().toISOString(),
    invocation: { command: 'scan', args: ['hosts/'], exitCode: 1, flavor: 'debian', targets: ['/srv/estate'] },
    packs: PACKS.map((p) => ({ id: p.id, title: p.id, version: '1', controls: [{ id: p.control, title: 'Transport security', rules: rules.map((r) => r.id), status: 'fail' }] })),
    rules,
    artifacts,
    results,
    diagnostics: [],
    inventory: {},
    summary: { byStatus, failuresBySeverity, waived },
  };
}

function mib(bytes) {
  return Math.round((bytes / 1048576) * 10) / 10;
}

/**
 * Renders each format once (after one small warm-up render, so template compilation is
 * counted once, as in a real run) and reports wall time, output size and memory.
 */
export async function runReportBench({ findings = 50_000, log = console.log } = {}) {
  const dist = new URL('../dist/report/', import.meta.url);
  const { renderSarif } = await import(new URL('sarif.js', dist).href);
  const { renderHtml } = await import(new URL('html.js', dist).href);
  const { renderJunit } = await import(new URL('junit.js', dist).href);

  const report = syntheticReport(findings);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 5);

  const rows = [];
  let total = 0;
  try {
    for (const [name, render] of [['sarif', renderSarif], ['html', renderHtml], ['junit', renderJunit]]) {
      const t0 = performance.now();
      const out = render(report);
      const ms = performance.now() - t0;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      total += ms;
      rows.push({ format: name, ms: Math.round(ms), outputMiB: mib(Buffer.byteLength(out)) });
      // Let the sampler run between formats (rendering itself is synchronous).
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    clearInterval(sampler);
  }
  const maxRssKiB = process.resourceUsage().maxRSS;
  const result = {
    findings,
    rows,
    totalMs: Math.round(total),
    peakRssMiB: mib(Math.max(peakRss, maxRssKiB * 1024)),
    targetMs: 3000,
    targetMiB: 1024,
  };
  log(`report rendering, ${findings.toLocaleString('en-US')} findings:`);
  for (const r of rows) log(`  ${r.format.padEnd(6)} ${String(r.ms).padStart(6)} ms  ${String(r.outputMiB).padStart(6)} MiB output`);
  log(`  total  ${String(result.totalMs).padStart(6)} ms (target < ${result.targetMs} ms)   peak RSS ${result.peakRssMiB} MiB (target < ${result.targetMiB} MiB)`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 50_000);
  const r = await runReportBench({ findings: n });
  if (r.totalMs > r.targetMs || r.peakRssMiB > r.targetMiB) process.exitCode = 1;
}
