import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Check, RuleDefinition } from './types.js';
import type { Pack } from './packs.js';
import { BUILTIN_PACKS } from './builtin-packs.js';
import { PACKAGE_ROOT, RULES_DIR } from './paths.js';

/**
 * Parsing ~100 YAML files and compiling their schemas costs more than scanning a hundred
 * configs, on every run. The build validates the built-in rules and packs once and saves
 * the result with a hash of every source file; at run time the sources are hashed again
 * (cheap) and the saved result is used only if nothing changed — an edited rule or pack
 * is always validated afresh.
 */
const BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'rules.bundle.json');

interface Bundle {
  hash: string;
  rules: RuleDefinition[];
  packs: Pack[];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function hashRuleSources(dir = RULES_DIR): string {
  const h = createHash('sha256');
  for (const f of sourceFiles(dir)) h.update(path.relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export interface BuiltinRuleSet {
  catalogue: Map<string, RuleDefinition>;
  packs: Map<string, Pack>;
}

/** The validated built-in catalogue and packs: from the bundle when current, else loaded afresh. */
export async function loadBuiltins(checks: Map<string, Check>): Promise<BuiltinRuleSet> {
  if (existsSync(BUNDLE)) {
    try {
      const bundle = JSON.parse(readFileSync(BUNDLE, 'utf8')) as Bundle;
      if (bundle.hash === hashRuleSources()) {
        return { catalogue: new Map(bundle.rules.map((r) => [r.id, r])), packs: new Map(bundle.packs.map((p) => [p.id, p])) };
      }
    } catch {
      /* a damaged bundle is ignored: validate from the sources */
    }
  }
  // Only now the YAML reader and the schema validator: a current bundle needs neither.
  const { loadCatalogue } = await import('./catalogue.js');
  const { loadPack } = await import('./packs.js');
  const catalogue = await loadCatalogue(checks);
  const packs = new Map<string, Pack>();
  for (const name of BUILTIN_PACKS) packs.set(name, await loadPack(name, catalogue, checks));
  return { catalogue, packs };
}

/** Build step (npm run build): validate everything and write the bundle. */
export async function writeBundle(checks: Map<string, Check>): Promise<string> {
  const { loadCatalogue } = await import('./catalogue.js');
  const { loadPack } = await import('./packs.js');
  const catalogue = await loadCatalogue(checks);
  const packs: Pack[] = [];
  for (const name of BUILTIN_PACKS) packs.push(await loadPack(name, catalogue, checks));
  const bundle: Bundle = { hash: hashRuleSources(), rules: [...catalogue.values()], packs };
  writeFileSync(BUNDLE, JSON.stringify(bundle));
  return BUNDLE;
}
