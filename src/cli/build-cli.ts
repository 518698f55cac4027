// Run by `npm run build` after tsc: bundles the CLI (oclif, our commands and all that a
// command loads) into a few files under dist/bundle/, which bin/run.js starts from.
//
// Why: every start of the CLI used to resolve, read and compile ~340 small modules (oclif
// and its dependencies, and ours): most of its fixed cost (issue #3). Paths stay valid:
// dist/bundle/ is two levels below the package root like dist/<dir>/, so code that finds
// rules/, schemas/ and templates/ through `new URL('../../…', import.meta.url)` finds them
// from the bundle too.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Plugin } from '@oclif/core/config';
import { rolldown } from 'rolldown';
import { PACKAGE_ROOT } from '../engine/paths.js';

const DIST = path.join(PACKAGE_ROOT, 'dist');
const BUNDLE_DIR = path.join(DIST, 'bundle');
const WORKER_DIR = path.join(DIST, 'bundle-worker');
/** V8's code cache of the bundle (src/cli/code-cache.ts; bin/run.js reads it). */
const CODE_CACHE_DIR = path.join(DIST, 'bundle-cache');
/** Where oclif looks for a CLI's manifest: the package root, nowhere else. */
const MANIFEST = path.join(PACKAGE_ROOT, 'oclif.manifest.json');

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

/**
 * Bundles the entries into dir, afresh. Split only where the code already loads lazily
 * (`await import(...)`), so a command still loads only what it uses.
 */
async function bundleInto(dir: string, input: Record<string, string>, format: 'cjs' | 'esm'): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const bundle = await rolldown({ input, platform: 'node', external: isExternal, logLevel: 'warn' });
  const ext = format === 'cjs' ? 'cjs' : 'js';
  // In CommonJS, the packages left outside are require()d where the code import()s them
  // (they all ship CommonJS): a file compiled from V8's code cache loses its dynamic-import
  // callback on Node.js 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; see code-cache.ts).
  await bundle.write({ dir, format, entryFileNames: `[name].${ext}`, chunkFileNames: `[name]-[hash].${ext}`, dynamicImportInCjs: format !== 'cjs' });
  await bundle.close();
}

// A build that fails half way must not leave an old manifest beside a new bundle.
rmSync(MANIFEST, { force: true });
// main: what bin/run.js requires (oclif's execute); commands: oclif's explicit command list.
// CommonJS, because V8's code cache can be given only to scripts that vm compiles, not to
// ES modules (see code-cache.ts).
await bundleInto(BUNDLE_DIR, { main: path.join(DIST, 'cli', 'main.js'), commands: path.join(DIST, 'cli', 'commands.js') }, 'cjs');
// The thread `scan --jobs N` starts (src/pipeline/batch-workers.ts), on its own: as one
// more entry above it would cut the CLI's chunks finer, and every start would load more files.
await bundleInto(WORKER_DIR, { 'batch-worker': path.join(DIST, 'pipeline', 'batch-worker.js'), 'read-ahead-worker': path.join(DIST, 'discover', 'read-ahead-worker.js') }, 'esm');

// The manifest: every command's id, flags and help text, so that oclif does not load and
// describe every command on each start, only to print --version or to run one of them.
// It is what oclif computes itself when there is none (the same Plugin code, told to ignore
// any manifest), from the bundle just built; test/cli-bundle.test.ts checks that it still is.
// Built, never committed (.gitignore): it cannot go stale against the commands.
const plugin = new Plugin({ root: PACKAGE_ROOT, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(MANIFEST, JSON.stringify(plugin.manifest));

// V8's code cache of the bundle (see code-cache.ts): made by a scan of samples/, the path
// every scan takes, so it holds the functions a scan compiles and not only the top level of
// each file. A failed warm-up leaves no cache, which costs start-up time, nothing else.
rmSync(CODE_CACHE_DIR, { recursive: true, force: true });
const warmUp = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'run.js'), 'scan', path.join(PACKAGE_ROOT, 'samples'), '--fail-on', 'none'], {
  env: { ...process.env, FTPS_AUDIT_CODE_CACHE: 'write', NO_COLOR: '1' },
  stdio: 'ignore',
  timeout: 120_000,
});
if (warmUp.status !== 0) process.stderr.write(`warning: the code cache warm-up scan exited with ${warmUp.status ?? warmUp.signal}; the CLI starts without a code cache\n`);
process.stdout.write(
  `CLI bundled into ${path.relative(PACKAGE_ROOT, BUNDLE_DIR)}/ (scan worker: ${path.relative(PACKAGE_ROOT, WORKER_DIR)}/); oclif manifest of ${plugin.commandIDs.length} commands written; code cache in ${path.relative(PACKAGE_ROOT, CODE_CACHE_DIR)}/\n`,
);
