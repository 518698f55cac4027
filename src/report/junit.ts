import type { RuleSummary, ScanReport } from '../model/report.js';
import type { Result } from '../model/result.js';
import { formatLocation } from '../model/location.js';

/**
 * JUnit XML for Jenkins, GitLab and other CI test views: one <testsuite> per artifact (a
 * scanned file, or a probed endpoint), one <testcase> per rule × artifact.
 *
 * A testcase is a <failure> when the rule failed there and the failure is not waived (a
 * baseline-unchanged failure is still a failure, and says so); an <error> when the tool
 * failed on it; <skipped> when it was only waived, not-applicable or not-evaluated (with the
 * reason); otherwise it passed.
 */
export function renderJunit(report: ScanReport): string {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const suites = new Map<string, Map<string, Result[]>>();
  for (const r of report.results) {
    const artifact = artifactOf(r);
    let byRule = suites.get(artifact);
    if (!byRule) suites.set(artifact, (byRule = new Map()));
    let list = byRule.get(r.ruleId);
    if (!list) byRule.set(r.ruleId, (list = []));
    list.push(r);
  }

  const timestamp = report.generatedAt.replace(/\.\d+Z$|Z$/, '');
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const body: string[] = [];
  for (const [artifact, byRule] of [...suites].sort((a, b) => a[0].localeCompare(b[0]))) {
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases: string[] = [];
    for (const [ruleId, results] of [...byRule].sort((a, b) => a[0].localeCompare(b[0]))) {
      const tc = testcase(artifact, ruleId, results, rules.get(ruleId));
      counts.tests++;
      if (tc.outcome !== 'passed') counts[tc.outcome]++;
      cases.push(tc.xml);
    }
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += counts[k];
    body.push(
      `  <testsuite name="${attr(artifact)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="0" timestamp="${attr(timestamp)}">`,
      ...cases,
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`${report.tool.name} ${report.tool.version}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

function artifactOf(r: Result): string {
  return r.location?.endpoint ?? r.location?.file ?? '(run)';
}

interface Testcase {
  outcome: 'passed' | 'failures' | 'errors' | 'skipped';
  xml: string;
}

function testcase(artifact: string, ruleId: string, results: Result[], rule: RuleSummary | undefined): Testcase {
  const title = rule ? `${ruleId}: ${rule.title}` : ruleId;
  const first = results.find((r) => r.location?.line !== undefined && r.location.file);
  const fileAttrs = first?.location?.file ? ` file="${attr(first.location.file)}" line="${first.location.line}"` : '';
  const open = `    <testcase classname="${attr(artifact)}" name="${attr(title)}" time="0"${fileAttrs}>`;
  const failing = results.filter((r) => r.status === 'fail' && !r.waived);
  const errors = results.filter((r) => r.status === 'error');
  const waived = results.filter((r) => r.status === 'fail' && r.waived);
  const passes = results.filter((r) => r.status === 'pass');

  if (failing.length) {
    const worst = failing[0]!;
    const msg = failing.length === 1 ? worst.message : `${failing.length} findings; first: ${worst.message}`;
    const details = failing.map((r) => findingText(r)).join('\n\n');
    const remedy = rule ? `\n\nRemediation: ${rule.remediation.text}${rule.remediation.fix ? `\n${rule.remediation.fix}` : ''}` : '';
    return { outcome: 'failures', xml: `${open}\n      <failure message="${attr(msg)}" type="${attr(worst.severity)}">${text(details + remedy)}</failure>\n    </testcase>` };
  }
  if (errors.length) {
    return { outcome: 'errors', xml: `${open}\n      <error message="${attr(errors[0]!.message)}" type="error">${text(errors.map(findingText).join('\n\n'))}</error>\n    </testcase>` };
  }
  if (waived.length && !passes.length) {
    const w = waived[0]!.waived!;
    const why = `waived (${w.source}${w.approver ? `, approved by ${w.approver}` : ''}${w.expires ? `, until ${w.expires}` : ''}): ${w.reason}`;
    return { outcome: 'skipped', xml: `${open}\n      <skipped message="${attr(why)}"/>\n      <system-out>${text(waived.map(findingText).join('\n\n'))}</system-out>\n    </testcase>` };
  }
  if (!passes.length) {
    const r = results[0]!;
    return { outcome: 'skipped', xml: `${open}\n      <skipped message="${attr(`${r.status}: ${r.message}`)}"/>\n    </testcase>` };
  }
  const out = results.filter((r) => r.evidence !== undefined).map(findingText).join('\n\n');
  return { outcome: 'passed', xml: out ? `${open}\n      <system-out>${text(out)}</system-out>\n    </testcase>` : `${open}</testcase>` };
}

function findingText(r: Result): string {
  const lines = [`[${r.severity}] ${r.status}${r.baselineState ? ` (${r.baselineState === 'unchanged' ? 'in baseline' : 'new'})` : ''} ${formatLocation(r.location)}`.trimEnd(), r.message];
  if (r.evidence !== undefined) lines.push(`evidence: ${r.evidence}`);
  if (r.waived) lines.push(`waived: ${r.waived.reason}`);
  return lines.join('\n');
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
