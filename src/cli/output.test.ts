import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takesBlockingWrites, writeText } from './output.js';

describe('text output', () => {
  it('writes files and /dev/null directly, pipes and other devices through the stream', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-output-'));
    try {
      const file = openSync(path.join(dir, 'out.txt'), 'w');
      const devNull = openSync('/dev/null', 'w');
      const zero = openSync('/dev/zero', 'r');
      expect(takesBlockingWrites(file)).toBe(true);
      expect(takesBlockingWrites(devNull)).toBe(true);
      // Another device (/dev/full refuses every write): through the stream, as before.
      expect(takesBlockingWrites(zero)).toBe(false);
      closeSync(file);
      closeSync(devNull);
      closeSync(zero);
      // A pipe: the child's stdout, as the child sees it (the built module; test/global-setup.ts builds).
      const probe = `import(${JSON.stringify(path.resolve('dist/cli/output.js'))}).then((m) => console.log(m.takesBlockingWrites(1)))`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout.trim(), r.stderr).toBe('false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes every piece, in order, strings as UTF-8', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-output-'));
    try {
      const file = path.join(dir, 'report.txt');
      const pieces = Array.from({ length: 2500 }, (_, i) => (i % 2 ? `piece ${i} — é\n` : Buffer.from(`bytes ${i}\n`)));
      writeText({ format: 'text', file }, pieces);
      expect(readFileSync(file, 'utf8')).toBe(pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
