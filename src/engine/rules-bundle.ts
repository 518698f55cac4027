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
 * the result with a hash of every source file; at run time the saved result is used only if
 * nothing changed — an edited rule or pack is always validated afresh.
 *
 * "Nothing changed" is first asked of the file system alone: the same files with the same
 * sizes and modification times as when the bundle was written (one stat each, no reads).
 * Only when that differs (a copy, a checkout, an npm package's normalised times) are the
 * sources read and hashed, and the bundle still used if their content is the same.
 */
const BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'rules.bundle.json');

interface Bundle {
  hash: string;
  /** The sources as the file system saw them when the bundle was written (see stampRuleSources). */
  stamp: string;
  rules: RuleDefinition[];
  packs: Pack[];
}

interface SourceFile {
  file: string;
  size: number;
  mtimeMs: number;
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) out.push({ file: p, size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  walk(dir);
  return out;
}

export function hashRuleSources(dir = RULES_DIR, files = sourceFiles(dir)): string {
  const h = createHash('sha256');
  for (const { file } of files) h.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('hex');
}

/** Every source's path, size and modification time: equal stamps mean unchanged files. */
export function stampRuleSources(dir = RULES_DIR, files = sourceFiles(dir)): string {
  return files.map((f) => `${path.relative(dir, f.file)}\0${f.size}\0${f.mtimeMs}`).join('\n');
}

/** Whether a saved bundle was made from the sources now in dir. */
export function bundleIsCurrent(bundle: Pick<Bundle, 'hash' | 'stamp'>, dir = RULES_DIR): boolean {
  const files = sourceFiles(dir);
  return bundle.stamp === stampRuleSources(dir, files) || bundle.hash === hashRuleSources(dir, files);
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
      if (bundleIsCurrent(bundle)) {
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
  // Stamped and hashed before reading: a source edited during the build then fails both
  // checks at run time and is validated afresh, never hidden behind an older result.
  const files = sourceFiles(RULES_DIR);
  const hash = hashRuleSources(RULES_DIR, files);
  const stamp = stampRuleSources(RULES_DIR, files);
  const { loadCatalogue } = await import('./catalogue.js');
  const { loadPack } = await import('./packs.js');
  const catalogue = await loadCatalogue(checks);
  const packs: Pack[] = [];
  for (const name of BUILTIN_PACKS) packs.push(await loadPack(name, catalogue, checks));
  const bundle: Bundle = { hash, stamp, rules: [...catalogue.values()], packs };
  writeFileSync(BUNDLE, JSON.stringify(bundle));
  return BUNDLE;
}
