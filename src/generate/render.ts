import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** templates/ at the package root: src/generate (tests) and dist/generate (built) both sit two levels below it. */
export const TEMPLATES_DIR = path.resolve(fileURLToPath(new URL('../../templates/', import.meta.url)));

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Render templates/<name>. noEscape: these are config files, not HTML. Contexts are built
 * by typed functions in this folder, so a missing field is a type error before it is a blank.
 */
export function renderTemplate(name: string, context: object): string {
  let tpl = cache.get(name);
  if (!tpl) {
    const src = readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
    tpl = Handlebars.create().compile(src, { noEscape: true, strict: false });
    cache.set(name, tpl);
  }
  const out = tpl(context);
  // Collapse runs of blank lines that conditional blocks leave behind.
  return out.replace(/\n{3,}/g, '\n\n');
}
