import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Tests that spawn the CLI run dist/, so build it once per test run (not per file): a
 * test must never pass against a stale build of older sources.
 */
export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
