/**
 * Loads the bundled CLI (CommonJS, dist/bundle/) with V8's code cache: the bytecode V8 made
 * of each bundle file on an earlier run, so that a start does not parse and compile about a
 * megabyte of JavaScript again, nor compile again each function it then calls.
 *
 * Why: compiling the bundle was most of the CLI's fixed cost. Measured on this project's
 * 2-vCPU machine (11 alternating runs; ES module bundle without a cache, then this): an
 * empty scan 0.18 -> 0.14 s, `--version` 0.12 -> 0.10 s, the 10,000-file benchmark scan
 * 1.46 -> 1.40 s.
 *
 * Trust: the cache is written by the build (`npm run build` runs a scan of samples/ with
 * FTPS_AUDIT_CODE_CACHE=write; see build-cli.ts), or by a run that asks for it the same way,
 * into dist/ beside the code, by whoever can write the code; an ordinary run only reads it.
 * V8 runs cached bytecode as it finds it, so a cache in a shared place (a temporary
 * directory another user can write) would let that user run code as whoever runs
 * ftps-audit; and a cache file that someone other than the bundle file's owner could have
 * written (another owner, or writable by group or others) is not used.
 *
 * Staleness: a cache file is named by the content hash of the file it was made from, so an
 * edited bundle never meets old bytecode (V8's own check is only the source's length). V8
 * refuses a cache made by another Node.js version or with other V8 flags: the file is then
 * compiled as usual.
 */
import * as crypto from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The one Module method a CommonJS file's source passes through before it runs. */
interface CompilingModule {
  exports: unknown;
  _compile(content: string, filename: string): unknown;
}

const oneShotHash = (crypto as unknown as { hash?: (alg: string, data: string) => string }).hash;
const sha1 = oneShotHash ? (s: string) => oneShotHash('sha1', s) : (s: string) => crypto.createHash('sha1').update(s).digest('hex');

/** Where the cache of a bundle file with this content is (one file per content). */
export function cacheFileFor(cacheDir: string, filename: string, content: string): string {
  return path.join(cacheDir, `${path.basename(filename)}.${sha1(content).slice(0, 20)}.v8cache`);
}

/**
 * What to do with the cache (FTPS_AUDIT_CODE_CACHE): use it (unset), write it (the build's
 * warm-up), or use it and say on stderr, at exit, which bundle files it served (for a start
 * that seems slow, and for the tests).
 */
export type CodeCacheMode = 'use' | 'write' | 'report';

export function codeCacheMode(env: string | undefined): CodeCacheMode {
  return env === 'write' || env === 'report' ? env : 'use';
}

/**
 * Makes every CommonJS file under bundleDir compile through vm with its code cache from
 * cacheDir (write: compile afresh and write each file's cache when the process exits).
 */
export function useCodeCache(bundleDir: string, cacheDir: string, mode: CodeCacheMode): void {
  const write = mode === 'write';
  const inBundle = path.resolve(bundleDir) + path.sep;
  const proto = (Module as unknown as { prototype: CompilingModule }).prototype;
  const compile = proto._compile;
  const made: { script: vm.Script; file: string }[] = [];
  const served: string[] = [];
  const compiled: string[] = [];
  proto._compile = function (this: CompilingModule, content: string, filename: string, ...rest: unknown[]): unknown {
    if (!filename.startsWith(inBundle)) return (compile as (...args: unknown[]) => unknown).call(this, content, filename, ...rest);
    const file = cacheFileFor(cacheDir, filename, content);
    const cachedData = write ? undefined : trustedCache(file, filename);
    // The source exactly as Node's own loader wraps a CommonJS file.
    // No dynamic-import callback: on Node.js 20 a script compiled from a code cache loses it
    // anyway (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bundle has no import() at all
    // (build-cli.ts has rolldown write require() for each).
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (write) made.push({ script, file });
    (cachedData !== undefined && !script.cachedDataRejected ? served : compiled).push(path.basename(filename));
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename));
  };
  if (mode === 'report') {
    process.once('exit', () => {
      process.stderr.write(`code cache: ${served.length} bundle file(s) from the cache (${served.join(', ')}); ${compiled.length} compiled (${compiled.join(', ')})\n`);
    });
  }
  if (write) {
    // At exit, so the cache holds every function the run compiled, not only the top level.
    // A cache that cannot be written (dist/ read-only) costs start-up time, nothing else.
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
        for (const { script, file } of made) {
          const partial = `${file}.${process.pid}.tmp`;
          writeFileSync(partial, script.createCachedData(), { mode: 0o644 });
          renameSync(partial, file);
        }
      } catch (err) {
        process.stderr.write(`warning: V8 code cache not written to ${cacheDir}: ${(err as Error).message}\n`);
      }
    });
  }
}

/**
 * The cache file's bytes, when there is one that only the bundle file's owner could have
 * written (same owner, not writable by group or others); else undefined (compile as usual).
 */
function trustedCache(file: string, bundleFile: string): Buffer | undefined {
  try {
    const st = statSync(file);
    if ((st.mode & 0o022) !== 0 || st.uid !== statSync(bundleFile).uid) return undefined;
    return readFileSync(file);
  } catch {
    // No cache for this content (never made, or the bundle was rebuilt).
    return undefined;
  }
}

