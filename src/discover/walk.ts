import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';

/** A regular file found under a scan root, not yet read. */
export interface FoundFile {
  absPath: string;
  /** Path as reported: relative to the working directory when below it, else absolute. */
  relPath: string;
}

export interface WalkOptions {
  /** Directory names never descended into. */
  skipDirs?: ReadonlySet<string>;
  /** Stop after this many files (protects against runaway trees); said in a diagnostic. */
  maxFiles?: number;
  cwd?: string;
}

const DEFAULT_SKIP = new Set(['.git', 'node_modules', '.hg', '.svn', '__pycache__', '.venv']);

export function reportPath(absPath: string, cwd: string): string {
  const rel = path.relative(cwd, absPath);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absPath;
  return shown.split(path.sep).join('/');
}

function inside(child: string, roots: string[]): boolean {
  return roots.some((r) => child === r || child.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
}

/**
 * Walks the scan roots. It never follows a symlink out of the tree (said in a diagnostic),
 * never loops (directories are visited once by device and inode), and never opens FIFOs,
 * sockets or devices (lstat/stat first; they are reported and skipped).
 */
export function walk(roots: string[], opts: WalkOptions = {}): { files: FoundFile[]; diagnostics: Diagnostic[] } {
  const cwd = opts.cwd ?? process.cwd();
  const skip = opts.skipDirs ?? DEFAULT_SKIP;
  const maxFiles = opts.maxFiles ?? 200_000;
  const files: FoundFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const realRoots: string[] = [];
  for (const r of roots) {
    try {
      realRoots.push(realpathSync(r));
    } catch {
      /* reported below */
    }
  }
  let capped = false;
  // The walk's paths are normalised and absolute (path.resolve, path.join): below a
  // normalised absolute cwd, reportPath() is the tail after "cwd/", got without
  // path.relative's segment-by-segment work once per file.
  const cwdPrefix = path.sep === '/' && path.isAbsolute(cwd) && path.normalize(cwd) === cwd && !cwd.endsWith('/') ? cwd + '/' : undefined;
  const fileReportPath = (abs: string): string => {
    if (cwdPrefix !== undefined && abs.startsWith(cwdPrefix)) {
      const tail = abs.slice(cwdPrefix.length);
      if (tail.length > 0 && !tail.startsWith('..')) return tail;
    }
    return reportPath(abs, cwd);
  };

  const note = (level: Diagnostic['level'], code: string, abs: string, message: string): void => {
    diagnostics.push({ level, code, message, location: { file: reportPath(abs, cwd) } });
  };

  const visit = (abs: string, depth: number): void => {
    if (files.length >= maxFiles) {
      capped = true;
      return;
    }
    let st;
    try {
      st = lstatSync(abs);
    } catch (err) {
      note('error', 'discover/unreadable', abs, `cannot stat: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(abs);
      } catch {
        note('warning', 'discover/broken-symlink', abs, 'symlink target does not exist; skipped');
        return;
      }
      if (!inside(target, realRoots)) {
        note('warning', 'discover/symlink-outside', abs, 'symlink points outside the scanned tree; not followed');
        return;
      }
      try {
        st = statSync(abs);
      } catch {
        return;
      }
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (seenDirs.has(id)) return; // a loop or a second path to the same directory
      seenDirs.add(id);
      if (depth > 0 && skip.has(path.basename(abs))) return;
      let entries: string[];
      try {
        entries = readdirSync(abs).sort();
      } catch (err) {
        note('error', 'discover/unreadable', abs, `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return;
      }
      for (const name of entries) visit(path.join(abs, name), depth + 1);
      return;
    }
    if (!st.isFile()) {
      const what = st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'special file';
      note('info', 'discover/special-file', abs, `${what}; not opened`);
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seenFiles.has(id)) return; // the same file reached through a symlink inside the tree
    seenFiles.add(id);
    files.push({ absPath: abs, relPath: fileReportPath(abs) });
  };

  for (const root of roots) {
    const abs = path.resolve(cwd, root);
    try {
      lstatSync(abs);
    } catch {
      diagnostics.push({ level: 'error', code: 'discover/not-found', message: `no such file or directory: ${root}`, location: { file: root } });
      continue;
    }
    visit(abs, 0);
  }
  if (capped) diagnostics.push({ level: 'warning', code: 'discover/too-many-files', message: `stopped after ${maxFiles} files; the rest were not scanned` });
  return { files, diagnostics };
}

export interface ReadOutcome {
  content?: Buffer;
  size: number;
  mode: number;
  diagnostic?: Diagnostic;
}

/**
 * Reads at most maxBytes (+1 to detect overflow) through a file descriptor opened with
 * O_NONBLOCK and checked with fstat, so a file swapped for a FIFO after the walk cannot
 * block the scan.
 */
export function readCapped(file: FoundFile, maxBytes: number): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(file.absPath, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return { size: 0, mode: st.mode, diagnostic: { level: 'info', code: 'discover/special-file', message: 'not a regular file; not read', location: { file: file.relPath } } };
    if (st.size > maxBytes) {
      return {
        size: st.size,
        mode: st.mode,
        diagnostic: {
          level: 'warning',
          code: 'discover/too-large',
          message: `${st.size} bytes is over the ${maxBytes}-byte cap (--max-file-size); not read`,
          location: { file: file.relPath },
        },
      };
    }
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return { content: buf.subarray(0, off), size: off, mode: st.mode };
  } catch (err) {
    return {
      size: 0,
      mode: 0,
      diagnostic: { level: 'error', code: 'discover/unreadable', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, location: { file: file.relPath } },
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
