import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Severity } from '../model/result.js';
import type { Check, RuleDefinition } from './types.js';
import { PACKS_DIR } from './paths.js';
import { DataFileError, describeAjvError, readDataFile, type DataFile } from './yaml-source.js';
import { validateAgainst, type SchemaDefinition } from './schema.js';
import { paramProblems, ruleProblems } from './catalogue.js';

import { BUILTIN_PACKS } from './builtin-packs.js';

export { BUILTIN_PACKS };

export interface PackRuleEntry {
  id: string;
  params?: Record<string, unknown>;
  severity?: Severity;
}

export interface PackControl {
  id: string;
  title: string;
  rules: PackRuleEntry[];
}

/** A framework: controls mapped to the rules that evidence them. */
export interface Pack {
  id: string;
  title: string;
  version: string;
  description?: string;
  url?: string;
  parameters: Record<string, unknown>;
  controls: PackControl[];
  /** Where it was loaded from (directory or file). */
  source: string;
  /** Rules a user pack defines itself (data only, run by existing checks). */
  ownRules: RuleDefinition[];
}

interface RawControl {
  id: string;
  title?: string;
  rules: (string | PackRuleEntry)[];
}

async function validated(def: SchemaDefinition, data: DataFile): Promise<void> {
  const errors = await validateAgainst(def, data.value);
  if (errors.length > 0) throw new DataFileError(data.path, errors.map((e) => describeAjvError(data, e)));
}

/** Appends controls, merging fragments that name the same control id. */
function mergeControls(into: Map<string, PackControl>, raw: RawControl[]): void {
  for (const c of raw) {
    const existing = into.get(c.id) ?? { id: c.id, title: c.title ?? '', rules: [] };
    if (!existing.title && c.title) existing.title = c.title;
    for (const r of c.rules) {
      const entry: PackRuleEntry = typeof r === 'string' ? { id: r } : r;
      if (!existing.rules.some((e) => e.id === entry.id)) existing.rules.push(entry);
    }
    into.set(c.id, existing);
  }
}

/** Replaces every `{ $param: name }` (at any depth) in rule params with the pack parameter. */
function resolveParams(params: Record<string, unknown> | undefined, pack: Pack, where: string, problems: string[]): Record<string, unknown> | undefined {
  if (!params) return undefined;
  const resolve = (v: unknown, at: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => resolve(x, `${at}/${i}`));
    if (v && typeof v === 'object') {
      if ('$param' in v) {
        const name = String((v as { $param: unknown }).$param);
        if (!(name in pack.parameters)) problems.push(`${at} refers to unknown pack parameter "${name}"`);
        return pack.parameters[name];
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, `${at}/${k}`)]));
    }
    return v;
  };
  return resolve(params, where) as Record<string, unknown>;
}

const byControlId = (a: PackControl, b: PackControl): number => a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * Loads a pack by built-in name or from a user pack file, validating it against
 * rules/schema.json and against the catalogue (every rule it names must exist, every
 * parameter override must fit the check). Errors name the file, the line and the field.
 */
export async function loadPack(nameOrFile: string, catalogue: Map<string, RuleDefinition>, checks: Map<string, Check>): Promise<Pack> {
  const builtinDir = path.join(PACKS_DIR, nameOrFile);
  let pack: Pack;
  const locate = new Map<string, DataFile>();
  if ((BUILTIN_PACKS as readonly string[]).includes(nameOrFile) && existsSync(builtinDir)) {
    const header = readDataFile(path.join(builtinDir, 'pack.yaml'));
    await validated('packHeader', header);
    const h = header.value as Omit<Pack, 'controls' | 'source' | 'ownRules'>;
    const controls = new Map<string, PackControl>();
    for (const name of readdirSync(builtinDir).sort()) {
      if (name === 'pack.yaml' || !/\.ya?ml$/.test(name)) continue;
      const frag = readDataFile(path.join(builtinDir, name));
      await validated('packFragment', frag);
      mergeControls(controls, (frag.value as { controls: RawControl[] }).controls);
      locate.set(name, frag);
    }
    pack = { ...h, parameters: h.parameters ?? {}, controls: [...controls.values()].sort(byControlId), source: builtinDir, ownRules: [] };
  } else {
    if (!existsSync(nameOrFile) || !statSync(nameOrFile).isFile()) {
      throw new DataFileError(nameOrFile, [`not a built-in pack (${BUILTIN_PACKS.join(', ')}) and not a readable pack file`]);
    }
    const data = readDataFile(nameOrFile);
    await validated('userPack', data);
    const raw = data.value as Omit<Pack, 'controls' | 'source' | 'ownRules'> & { controls: RawControl[]; rules?: RuleDefinition[] };
    const problems: string[] = [];
    const ownRules: RuleDefinition[] = [];
    for (const [i, rule] of (raw.rules ?? []).entries()) {
      const p = await ruleProblems(rule, checks, (e) => describeAjvError(data, { ...e, instancePath: `/rules/${i}${e.instancePath}` }));
      if (catalogue.has(rule.id)) p.push(`/rules/${i}/id "${rule.id}" is a built-in rule id; choose your own prefix`);
      problems.push(...p);
      ownRules.push({ ...rule, source: nameOrFile });
    }
    if (problems.length > 0) throw new DataFileError(nameOrFile, problems);
    const controls = new Map<string, PackControl>();
    mergeControls(controls, raw.controls);
    pack = { id: raw.id, title: raw.title, version: raw.version, description: raw.description, url: raw.url, parameters: raw.parameters ?? {}, controls: [...controls.values()], source: nameOrFile, ownRules };
  }

  // Cross-check against the catalogue once the pack is whole.
  const known = new Map(catalogue);
  for (const r of pack.ownRules) known.set(r.id, r);
  const problems: string[] = [];
  for (const control of pack.controls) {
    for (const entry of control.rules) {
      const where = `control "${control.id}" rule "${entry.id}"`;
      const rule = known.get(entry.id);
      if (!rule) {
        problems.push(`${where}: no such rule in the catalogue`);
        continue;
      }
      entry.params = resolveParams(entry.params, pack, `${where} params`, problems);
      const check = checks.get(rule.check);
      if (check && entry.params) problems.push(...(await paramProblems(check, { ...(rule.params ?? {}), ...entry.params }, `${where} params`)));
    }
  }
  if (problems.length > 0) throw new DataFileError(pack.source, problems);
  return pack;
}
