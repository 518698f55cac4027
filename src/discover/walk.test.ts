import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walk } from './walk.js';

// What the walk promises: each file once (under the name met first in sorted order), each
// directory once, no symlink followed out of the tree, report paths relative to the working
// directory when below it.
describe('walk', () => {
  let tmp: string;
  let tree: string;
  const write = (rel: string): void => {
    const p = path.join(tree, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, 'x\n');
  };

  beforeAll(() => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'walk-test-')));
    tree = path.join(tmp, 'tree');
    for (const f of ['b/etc/vsftpd.conf', 'b/two', 'c/etc/vsftpd.conf', 'z-dir/inner/f', 'node_modules/m/f', 'top']) write(f);
    writeFileSync(path.join(tmp, 'outside'), 'x\n');
    // Sorted before what they point to: the walk meets the link first.
    symlinkSync(path.join(tree, 'z-dir'), path.join(tree, 'a-link-dir'));
    symlinkSync(path.join(tree, 'top'), path.join(tree, 'a-link-file'));
    // Sorted after: the target was walked already.
    symlinkSync(path.join(tree, 'b'), path.join(tree, 'y-link-b'));
    symlinkSync(tree, path.join(tree, 'c', 'loop'));
    symlinkSync(path.join(tmp, 'outside'), path.join(tree, 'out-link'));
    symlinkSync(path.join(tmp, 'missing'), path.join(tree, 'broken-link'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const rels = (roots: string[], cwd = tmp) => walk(roots, { cwd }).files.map((f) => f.relPath);

  it('lists each file once, in sorted order, following links inside the tree only', () => {
    const { files, diagnostics } = walk([tree], { cwd: tmp });
    expect(files.map((f) => f.relPath)).toEqual([
      'tree/a-link-dir/inner/f',
      'tree/a-link-file',
      'tree/b/etc/vsftpd.conf',
      'tree/b/two',
      'tree/c/etc/vsftpd.conf',
    ]);
    expect(files[0]!.absPath).toBe(path.join(tree, 'a-link-dir', 'inner', 'f'));
    expect(diagnostics.map((d) => `${d.code} ${d.location?.file}`).sort()).toEqual(['discover/broken-symlink tree/broken-link', 'discover/symlink-outside tree/out-link']);
  });

  it('walks overlapping roots once, whichever comes first', () => {
    expect(rels([path.join(tree, 'b'), tree])).toEqual(['tree/b/etc/vsftpd.conf', 'tree/b/two', 'tree/a-link-dir/inner/f', 'tree/a-link-file', 'tree/c/etc/vsftpd.conf']);
    expect(rels([tree, path.join(tree, 'b', 'etc')])).toEqual(rels([tree]));
    expect(rels([path.join(tree, 'top'), path.join(tree, 'top')])).toEqual(['tree/top']);
  });

  it('a second root after one that found nothing is not a repeat', () => {
    expect(rels([path.join(tree, 'no-such'), path.join(tree, 'b')])).toEqual(['tree/b/etc/vsftpd.conf', 'tree/b/two']);
  });

  it('skips skipped directory names below a root, not the root itself', () => {
    expect(rels([path.join(tree, 'node_modules')])).toEqual(['tree/node_modules/m/f']);
    expect(rels([tree]).some((r) => r.includes('node_modules'))).toBe(false);
  });

  it('reports paths outside the working directory as absolute', () => {
    const cwd = path.join(tmp, 'tree', 'c');
    expect(rels([path.join(tree, 'b')], cwd)).toEqual([path.join(tree, 'b', 'etc', 'vsftpd.conf'), path.join(tree, 'b', 'two')]);
    expect(rels([path.join(tree, 'c', 'etc')], cwd)).toEqual(['etc/vsftpd.conf']);
    // A sibling whose name starts with the working directory's is not below it.
    mkdirSync(path.join(tmp, 'tree', 'cc'), { recursive: true });
    writeFileSync(path.join(tmp, 'tree', 'cc', 'f'), 'x\n');
    expect(rels([path.join(tree, 'cc')], cwd)).toEqual([path.join(tree, 'cc', 'f')]);
  });

  it('stops at maxFiles and says so', () => {
    const { files, diagnostics } = walk([tree], { cwd: tmp, maxFiles: 2 });
    expect(files).toHaveLength(2);
    expect(diagnostics.map((d) => d.code)).toContain('discover/too-many-files');
  });
});
