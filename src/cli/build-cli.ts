// Run by `npm run build` after tsc: bundles the CLI (oclif, our commands and all that a
// command loads) into a few files under dist/bundle/, which bin/run.js starts from.
//
// Why: every start of the CLI used to resolve, read and compile ~340 small modules (oclif
// and its dependencies, and ours): most of its fixed cost (issue #3). The bundle is split
// only where the code already loads lazily (`await import(...)`), so a command still loads
// only what it uses. Paths stay valid: dist/bundle/ is two levels below the package root
// like dist/<dir>/, so code that finds rules/, schemas/ and templates/ through
// `new URL('../../…', import.meta.url)` finds them from the bundle too.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { rolldown } from 'rolldown';
import { PACKAGE_ROOT } from '../engine/paths.js';

const DIST = path.join(PACKAGE_ROOT, 'dist');
const BUNDLE_DIR = path.join(DIST, 'bundle');

/**
 * Packages left to Node to load at run time: the ones only some commands need and that are
 * big for their own sake (the bundle would save them little), or that find files of their
 * own next to themselves (playwright-core); and the TypeScript runners oclif looks for in
 * development (NODE_ENV=development|test), which must resolve as they would unbundled.
 */
const EXTERNAL = ['ajv', 'ajv-formats', 'handlebars', 'node-forge', 'playwright-core', 'yaml', 'typescript', 'ts-node', 'tsx'];

function isExternal(id: string): boolean {
  return EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`));
}

rmSync(BUNDLE_DIR, { recursive: true, force: true });
const bundle = await rolldown({
  // main: what bin/run.js imports (oclif's execute); commands: oclif's explicit command list.
  input: { main: path.join(DIST, 'cli', 'main.js'), commands: path.join(DIST, 'cli', 'commands.js') },
  platform: 'node',
  external: isExternal,
  logLevel: 'warn',
});
await bundle.write({ dir: BUNDLE_DIR, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
process.stdout.write(`CLI bundled into ${path.relative(PACKAGE_ROOT, BUNDLE_DIR)}/\n`);
