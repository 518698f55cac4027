import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Plugin } from '@oclif/core/config';
import { describe, expect, it } from 'vitest';
import { generateTree } from '../bench/vsftpd-bench.js';
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
    expect(loaded).toContain('dist/bundle/main.cjs');
    expect(loaded).toContain('dist/bundle/commands.cjs');
    // Outside the bundle only what loads it (with V8's code cache); samples/ is too small
    // for a read-ahead thread (src/discover/read-ahead.ts), so not even its script.
    expect(loaded.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/'))).toEqual(['dist/cli/code-cache.js']);
    expect(loaded.filter((f) => /node_modules\/(@oclif|semver)\//.test(f))).toEqual([]);
  });

  it('starts the read-ahead thread from its own small bundle: its script and the walk', () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-bundle-tree-'));
    try {
      generateTree(tree, 300);
      const r = spawnSync('node', [BIN, 'scan', tree, '--fail-on', 'none', '--output', '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm,module' }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
      expect(r.status).toBe(0);
      const loaded = loadedFiles(r.stderr);
      expect(loaded.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/') && !f.startsWith('dist/bundle-worker/'))).toEqual(['dist/cli/code-cache.js']);
      const threadFiles = loaded.filter((f) => f.startsWith('dist/bundle-worker/'));
      expect(threadFiles).toContain('dist/bundle-worker/read-ahead-worker.js');
      expect(threadFiles.length).toBeLessThanOrEqual(2);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('prints its version without loading any command', () => {
    const r = spawnSync('node', [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm,module' }, timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ftps-audit/${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version} ${process.platform}-${process.arch} node-${process.version}\n`);
    const loaded = loadedFiles(r.stderr);
    expect(loaded).toContain('dist/bundle/main.cjs');
    expect(loaded).not.toContain('dist/bundle/commands.cjs');
  });
});

describe("the bundle's code cache", () => {
  const run = (root: string, args: string[]) =>
    spawnSync('node', [path.join(root, 'bin', 'run.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FTPS_AUDIT_CODE_CACHE: 'report' }, timeout: 60_000 });
  const served = (stderr: string) => {
    const m = /^code cache: (\d+) bundle file\(s\) from the cache \(([^)]*)\); (\d+) compiled/m.exec(stderr);
    expect(m, stderr).not.toBeNull();
    return { fromCache: m![2] ? m![2].split(', ') : [], compiled: Number(m![3]) };
  };

  it('is made by the build and serves every bundle file a scan loads', () => {
    const r = run(ROOT, ['scan', 'samples', '--fail-on', 'none']);
    expect(r.status).toBe(0);
    const use = served(r.stderr);
    expect(use.compiled).toBe(0);
    expect(use.fromCache).toContain('main.cjs');
    expect(use.fromCache).toContain('commands.cjs');
  });

  it('is not used for a bundle file whose content changed, nor when V8 refuses it or others could have written it, and the CLI still runs', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'ftps-audit-code-cache-'));
    try {
      for (const part of ['bin', 'dist', 'rules', 'schemas', 'templates', 'package.json', 'oclif.manifest.json']) cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
      const bundle = path.join(copy, 'dist', 'bundle');
      const caches = path.join(copy, 'dist', 'bundle-cache');
      // commands.cjs edited without changing its length (V8's own check of a cache is only
      // the source's length): its cache, named by the old content's hash, is not found.
      const commandsFile = path.join(bundle, 'commands.cjs');
      const source = readFileSync(commandsFile, 'utf8');
      const edited = source.replace(/\/\/ ([a-z])/, (_, ch: string) => `// ${ch === 'x' ? 'y' : 'x'}`);
      expect(edited).not.toBe(source);
      expect(edited.length).toBe(source.length);
      writeFileSync(commandsFile, edited);
      // main.cjs's cache spoilt in place: V8 refuses it and the file is compiled.
      const mainCache = readdirSync(caches).find((f) => f.startsWith('main.cjs.'))!;
      writeFileSync(path.join(caches, mainCache), Buffer.alloc(statSync(path.join(caches, mainCache)).size, 7));
      // A cache file others could have written (here: writable by all) is not trusted.
      const runtimeCache = readdirSync(caches).find((f) => f.startsWith('rolldown-runtime-'))!;
      chmodSync(path.join(caches, runtimeCache), 0o666);
      const r = run(copy, ['scan', path.join(ROOT, 'samples'), '--fail-on', 'none']);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(run(ROOT, ['scan', path.join(ROOT, 'samples'), '--fail-on', 'none']).stdout);
      const use = served(r.stderr);
      expect(use.compiled).toBe(3);
      expect(use.fromCache).not.toContain('main.cjs');
      expect(use.fromCache).not.toContain('commands.cjs');
      expect(use.fromCache.some((f) => f.startsWith('rolldown-runtime-'))).toBe(false);
      expect(use.fromCache.length).toBeGreaterThan(10);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
