import { allChecks } from '../checks/index.js';
import { loadCatalogue } from '../engine/catalogue.js';
import { BUILTIN_PACKS, loadPack, type Pack } from '../engine/packs.js';
import type { RuleDefinition } from '../engine/types.js';

async function loadAll(packNames?: string[]): Promise<{ catalogue: Map<string, RuleDefinition>; packs: Pack[] }> {
  const checks = allChecks();
  const catalogue = await loadCatalogue(checks);
  const packs: Pack[] = [];
  for (const name of packNames ?? BUILTIN_PACKS) packs.push(await loadPack(name, catalogue, checks));
  for (const p of packs) for (const r of p.ownRules) catalogue.set(r.id, r);
  return { catalogue, packs };
}

/** "pci-dss 4.2.1" strings for every control that lists the rule. */
export function controlsUsing(ruleId: string, packs: Pack[]): string[] {
  return packs.flatMap((p) => p.controls.filter((c) => c.rules.some((r) => r.id === ruleId)).map((c) => `${p.id} ${c.id}`));
}

export async function listRules(flags: { pack?: string[]; target?: string; json?: boolean }): Promise<string> {
  const { catalogue, packs } = await loadAll(flags.pack);
  const selected = new Set(packs.flatMap((p) => p.controls.flatMap((c) => c.rules.map((r) => r.id))));
  const rules = [...catalogue.values()]
    .filter((r) => (!flags.pack || selected.has(r.id)) && (!flags.target || r.target === flags.target))
    .sort((a, b) => a.id.localeCompare(b.id));
  if (flags.json) {
    return JSON.stringify(rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, target: r.target, controls: controlsUsing(r.id, packs) })), null, 2) + '\n';
  }
  const width = Math.max(...rules.map((r) => r.id.length), 10);
  const lines = rules.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title}`);
  return `${lines.join('\n')}\n\n${rules.length} rules\n`;
}

export async function showRule(id: string): Promise<string | undefined> {
  const { catalogue, packs } = await loadAll();
  const r = catalogue.get(id);
  if (!r) return undefined;
  const out = [
    `${r.id} — ${r.title}`,
    `severity: ${r.severity}    target: ${r.target}    check: ${r.check}`,
    '',
    r.rationale,
    '',
    `remediation: ${r.remediation.text}`,
    ...(r.remediation.fix ? ['', ...r.remediation.fix.split('\n').map((l) => `    ${l}`)] : []),
    '',
    'controls:',
    ...controlsUsing(r.id, packs).map((c) => `  ${c}`),
    '',
    'references:',
    ...r.references.map((ref) => `  ${ref.citation ? ref.citation + ' — ' : ''}${ref.title}${ref.url ? ` <${ref.url}>` : ''}`),
  ];
  if (r.params) out.push('', 'parameters:', ...JSON.stringify(r.params, null, 2).split('\n').map((l) => `  ${l}`));
  out.push('', `defined in: ${r.source ?? '?'}`);
  return out.join('\n') + '\n';
}

export async function rulesReference(): Promise<string> {
  const { catalogue, packs } = await loadAll();
  const { rulesMarkdown } = await import('./rules-doc.js');
  return rulesMarkdown(catalogue, packs);
}
