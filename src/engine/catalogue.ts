import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Check, RuleDefinition } from './types.js';
import { CATALOGUE_DIR } from './paths.js';
import { DataFileError, describeAjvError, readDataFile } from './yaml-source.js';
import { validateAgainst } from './schema.js';

/** Every catalogue file below dir, sorted for a stable order. */
function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Validates one rule definition (schema, id/path agreement, known check, params schema,
 * every message id the check emits). Returns the problems; empty means valid.
 */
export async function ruleProblems(
  rule: unknown,
  checks: Map<string, Check>,
  describe: (e: import('ajv').ErrorObject) => string,
  expectedId?: string,
): Promise<string[]> {
  const errors = await validateAgainst('rule', rule);
  if (errors.length > 0) return errors.map(describe);
  const r = rule as RuleDefinition;
  const problems: string[] = [];
  if (expectedId && r.id !== expectedId) problems.push(`/id is "${r.id}" but the file path says "${expectedId}"`);
  const check = checks.get(r.check);
  if (!check) {
    problems.push(`/check names unknown check "${r.check}" (known: ${[...checks.keys()].sort().join(', ')})`);
    return problems;
  }
  if (check.target !== r.target) problems.push(`/target is "${r.target}" but check "${r.check}" judges "${check.target}"`);
  for (const id of check.messageIds ?? []) {
    if (!(id in r.messages)) problems.push(`/messages lacks "${id}", which check "${r.check}" emits`);
  }
  problems.push(...(await paramProblems(check, r.params ?? {}, '/params')));
  return problems;
}

// One ajv instance and one compiled validator per check: compiling per rule made loading
// the catalogue ten times slower.
let paramsAjv: import('ajv').Ajv | undefined;
const paramValidators = new WeakMap<Check, import('ajv').ValidateFunction>();

export async function paramProblems(check: Check, params: Record<string, unknown>, where: string): Promise<string[]> {
  if (!check.paramsSchema) return [];
  let validate = paramValidators.get(check);
  if (!validate) {
    if (!paramsAjv) {
      const { Ajv } = await import('ajv');
      paramsAjv = new Ajv({ allErrors: true, strict: false });
    }
    validate = paramsAjv.compile(check.paramsSchema);
    paramValidators.set(check, validate);
  }
  if (validate(params)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'} (check ${check.name})`);
}

/** Loads and validates the whole built-in catalogue. Throws DataFileError naming file and field. */
export async function loadCatalogue(checks: Map<string, Check>, dir = CATALOGUE_DIR): Promise<Map<string, RuleDefinition>> {
  const rules = new Map<string, RuleDefinition>();
  const failures: DataFileError[] = [];
  for (const file of listRuleFiles(dir)) {
    try {
      const data = readDataFile(file);
      const expectedId = path.relative(dir, file).replace(/\\/g, '/').replace(/\.ya?ml$/, '');
      const problems = await ruleProblems(data.value, checks, (e) => describeAjvError(data, e), expectedId);
      if (problems.length > 0) throw new DataFileError(file, problems);
      const rule = { ...(data.value as RuleDefinition), source: path.relative(path.dirname(dir), file) };
      if (rules.has(rule.id)) throw new DataFileError(file, [`duplicate rule id ${rule.id}`]);
      rules.set(rule.id, rule);
    } catch (err) {
      if (err instanceof DataFileError) failures.push(err);
      else throw err;
    }
  }
  if (failures.length > 0) throw new AggregateDataError(failures);
  return rules;
}

/** Several broken data files at once, so the user can fix them in one go. */
export class AggregateDataError extends Error {
  constructor(readonly failures: DataFileError[]) {
    super(failures.map((f) => f.message).join('\n'));
  }
}
