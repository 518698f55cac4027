import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleIsCurrent, hashRuleSources, stampRuleSources } from '../src/engine/rules-bundle.js';

/**
 * The saved rules bundle is used only while the rule sources are the ones it was made from
 * (src/engine/rules-bundle.ts): first judged by sizes and modification times, then, when
 * those differ, by content.
 */
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-rules-'));
  mkdirSync(path.join(dir, 'catalogue', 'vsftpd'), { recursive: true });
  writeFileSync(path.join(dir, 'catalogue', 'vsftpd', 'a.yaml'), 'id: vsftpd/a\n');
  writeFileSync(path.join(dir, 'schema.json'), '{}\n');
  writeFileSync(path.join(dir, 'README.md'), 'not a source\n');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const saved = () => ({ hash: hashRuleSources(dir), stamp: stampRuleSources(dir) });

describe('rules bundle currency', () => {
  it('holds for untouched sources', () => {
    expect(bundleIsCurrent(saved(), dir)).toBe(true);
  });

  it('holds when only the times changed (a copy, a checkout): the content decides', () => {
    const bundle = saved();
    const file = path.join(dir, 'catalogue', 'vsftpd', 'a.yaml');
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(stampRuleSources(dir)).not.toBe(bundle.stamp);
    expect(bundleIsCurrent(bundle, dir)).toBe(true);
  });

  it('fails for an edited, added or removed source, whatever its time', () => {
    const file = path.join(dir, 'catalogue', 'vsftpd', 'a.yaml');
    let bundle = saved();
    const { mtime } = statSync(file);
    writeFileSync(file, 'id: vsftpd/a\nseverity: high\n');
    utimesSync(file, mtime, mtime);
    expect(bundleIsCurrent(bundle, dir)).toBe(false);

    bundle = saved();
    writeFileSync(path.join(dir, 'catalogue', 'vsftpd', 'b.yml'), 'id: vsftpd/b\n');
    expect(bundleIsCurrent(bundle, dir)).toBe(false);

    bundle = saved();
    rmSync(path.join(dir, 'schema.json'));
    expect(bundleIsCurrent(bundle, dir)).toBe(false);
  });

  it('ignores files that are not rule sources', () => {
    const bundle = saved();
    writeFileSync(path.join(dir, 'README.md'), 'changed\n');
    expect(bundleIsCurrent(bundle, dir)).toBe(true);
  });

  it('falls back to the content for a bundle saved before stamps existed', () => {
    expect(bundleIsCurrent({ hash: hashRuleSources(dir), stamp: undefined as unknown as string }, dir)).toBe(true);
    expect(bundleIsCurrent({ hash: 'other', stamp: undefined as unknown as string }, dir)).toBe(false);
  });
});
