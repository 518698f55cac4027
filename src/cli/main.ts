/**
 * The CLI's entry point, bundled by the build (src/cli/build-cli.ts) into dist/bundle/main.js,
 * which bin/run.js loads. oclif is imported by subpath, never by its index: the index adds
 * nothing we use, and on load it requires all of semver (48 modules) to compare Node's
 * version with oclif's own `engines` (>= 18; ours, >= 20, is stricter).
 */
export { execute } from '@oclif/core/execute';

// The index's other check on load, kept: started in a directory that no longer exists, the
// CLI still says why it then fails.
try {
  process.cwd();
} catch (err) {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write('WARNING: current directory does not exist\n');
}
