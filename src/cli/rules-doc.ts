import type { Pack } from '../engine/packs.js';
import type { RuleDefinition } from '../engine/types.js';
import { controlsUsing } from './rules-command.js';

/** `<a id>` anchors match src/report/rule-docs.ts so SARIF helpUri links land on the rule. */
const anchor = (id: string): string => id.replace(/\//g, '-');

/**
 * docs/rules.md, generated from rules/ (npm run docs): one section per rule with its
 * rationale, remediation, fix, references and the pack controls that use it. A test keeps
 * the committed file equal to the catalogue, so the reference cannot drift.
 */
export function rulesMarkdown(catalogue: Map<string, RuleDefinition>, packs: Pack[]): string {
  const rules = [...catalogue.values()].sort((a, b) => a.id.localeCompare(b.id));
  const targets = [...new Set(rules.map((r) => r.target))].sort();
  const out: string[] = [
    '# Rules reference',
    '',
    '<!-- Generated from rules/ by `npm run docs`; do not edit by hand. -->',
    '',
    `${rules.length} rules. Packs: ${packs.map((p) => `**${p.id}** (${p.title} ${p.version})`).join(', ')}.`,
    '',
  ];
  for (const target of targets) {
    out.push(`## ${target}`, '', '| rule | severity | title |', '|---|---|---|');
    for (const r of rules.filter((x) => x.target === target)) out.push(`| [${r.id}](#${anchor(r.id)}) | ${r.severity} | ${r.title.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  for (const r of rules) {
    out.push(`<a id="${anchor(r.id)}"></a>`, `### ${r.id}`, '', `**${r.title}** — severity \`${r.severity}\`, target \`${r.target}\`, check \`${r.check}\``, '', r.rationale, '');
    out.push(`**Remediation.** ${r.remediation.text}`, '');
    if (r.remediation.fix) out.push('```', r.remediation.fix, '```', '');
    const controls = controlsUsing(r.id, packs);
    if (controls.length) out.push(`**Controls.** ${controls.join('; ')}`, '');
    out.push('**References.**', '', ...r.references.map((ref) => `- ${ref.citation ? `${ref.citation} — ` : ''}${ref.url ? `[${ref.title}](${ref.url})` : ref.title}`), '');
  }
  return out.join('\n');
}
