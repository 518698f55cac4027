import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Plugin } from '@oclif/core/config';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';

/**
 * The CLI starts from a bundle with an oclif manifest (src/cli/build-cli.ts, run by
 * `npm run build`; test/global-setup.ts builds before the tests). These are the ways that
 * could silently go wrong: a command file that is not in the explicit command list, a
 * manifest that no longer describes the built commands, a start that loads more than the bundle.
 */
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');

/** Command ids as oclif's default discovery names them: src/commands/rules/list.ts → rules:list. */
function commandFileIds(dir: string, prefix: string[] = []): string[] {
  const ids: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) ids.push(...commandFileIds(p, [...prefix, name]));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) ids.push([...prefix, name.replace(/\.ts$/, '')].join(':'));
  }
  return ids;
}

/**
 * JavaScript files a run loaded, relative to the package root, from Node's own loader logs
 * (NODE_DEBUG=esm,module: ES modules as file:// URLs, CommonJS ones as `load "/path"`).
 */
function loadedFiles(debugLog: string): string[] {
  const esm = [...debugLog.matchAll(/file:\/\/(\/\S+?\.[cm]?js)\b/g)].map((m) => m[1]!);
  const cjs = [...debugLog.matchAll(/load "(\/[^"]+?\.[cm]?js)"/g)].map((m) => m[1]!);
  return [...new Set([...esm, ...cjs].map((f) => path.relative(ROOT, f)))];
}

describe('the bundled CLI', () => {
  it('lists every command file of src/commands in COMMANDS, under the id its path gives', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(commandFileIds(path.join(ROOT, 'src', 'commands')).sort());
  });

  it('has a manifest that is what oclif computes from the built commands', async () => {
    const built: unknown = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'));
    const plugin = new Plugin({ root: ROOT, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
    await plugin.load();
    expect(built).toEqual(JSON.parse(JSON.stringify(plugin.manifest)));
    expect(Object.keys(plugin.manifest.commands).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('runs a command from the bundle: no module of dist/ outside it, no oclif from node_modules', () => {
    const r = spawnSync('node', [BIN, 'scan', 'samples', '--fail-on', 'none'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm,module' }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Summary$/m);
    const loaded = loadedFiles(r.stderr);
    expect(loaded).toContain('dist/bundle/main.js');
    expect(loaded).toContain('dist/bundle/commands.js');
    expect(loaded.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/'))).toEqual([]);
    expect(loaded.filter((f) => /node_modules\/(@oclif|semver)\//.test(f))).toEqual([]);
  });

  it('prints its version without loading any command', () => {
    const r = spawnSync('node', [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm,module' }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ftps-audit/${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version} ${process.platform}-${process.arch} node-${process.version}\n`);
    const loaded = loadedFiles(r.stderr);
    expect(loaded).toContain('dist/bundle/main.js');
    expect(loaded).not.toContain('dist/bundle/commands.js');
  });
});
