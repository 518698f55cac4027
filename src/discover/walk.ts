import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Sniffed } from './classify.js';

/** A regular file found under a scan root, not yet read. */
export interface FoundFile {
  absPath: string;
  /** Path as reported: relative to the working directory when below it, else absolute. */
  relPath: string;
  /**
   * Its bytes, when read ahead on another thread (src/discover/read-ahead.ts): taken, and
   * cleared, by the reader of the file, which otherwise reads it itself.
   */
  prefetched?: PrefetchedRead;
  /**
   * Its host (host-key.ts) under the scan's roots (ScanSettings.roots), when the read-ahead
   * thread has worked it out already.
   */
  hostKey?: string;
}

export interface WalkOptions {
  /** Directory names never descended into. */
  skipDirs?: ReadonlySet<string>;
  /** Stop after this many files (protects against runaway trees); said in a diagnostic. */
  maxFiles?: number;
  cwd?: string;
  /** Called with each file as it is found, in walk order (the read-ahead thread reads it then). */
  onFile?: (file: FoundFile) => void;
  /**
   * Stop, quietly, once this many files are found: the first files of a walk another thread
   * goes on with (read-ahead.ts). The result says whether it stopped.
   */
  stopAfter?: number;
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
 * never loops (each directory is visited once), and never opens FIFOs, sockets or devices
 * (they are reported and skipped).
 *
 * Cost: a tree of thousands of files is mostly directories, so the walk asks the kernel as
 * little as it can. Each directory is listed once with its entries' types
 * (readdir withFileTypes), so a plain subdirectory, FIFO, socket or device is known without a
 * stat call of its own, and neither is a regular file. What still gets one:
 * - a symlink: realpath (inside the tree?) and stat (what it points to), as ever;
 * - a root, or an entry whose type the listing did not say: lstat, as ever.
 *
 * Identity (for "visit once") is the real path, not device and inode. An entry met through
 * a plain directory entry has the real path of its directory plus its name; a symlink's
 * target has the real path realpath gives. So:
 * - directories: Linux allows no hard links to directories, so only a symlink can lead to a
 *   directory a second time or in a loop, and the symlink's real path is exactly what the
 *   directory's own entry gives. Loops and second paths are cut as before.
 * - files: a file reached through a symlink inside the tree is scanned once, under the name
 *   met first in sorted order, as before.
 * What differs from device+inode, by choice (it would cost an lstat per file, the largest
 * cost of the walk after listing directories): two hard links to one file, or a directory
 * bind-mounted at a second place inside the tree, are scanned under each name. A bind mount
 * cannot make a loop: the kernel copies the mount tree as it is when the bind is made, which
 * cannot contain the new mount itself.
 */
export function walk(roots: string[], opts: WalkOptions = {}): { files: FoundFile[]; diagnostics: Diagnostic[]; stopped: boolean } {
  const cwd = opts.cwd ?? process.cwd();
  const skip = opts.skipDirs ?? DEFAULT_SKIP;
  const maxFiles = opts.maxFiles ?? 200_000;
  const files: FoundFile[] = [];
  const diagnostics: Diagnostic[] = [];
  // Real paths visited. Until the walk meets a second root or anything that is not a plain
  // directory entry (a symlink, a type the listing did not say), nothing can be met twice:
  // a plain entry's real path is its directory's plus its name, and a directory tree has no
  // second path to anything. So until then the real paths are only listed, which costs
  // nothing, and put in the sets (to hash them, each flattened first) when the first such
  // entry comes: the sets then hold what they always did.
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let plainSoFar = true;
  const plainDirs: string[] = [];
  const plainFiles: string[] = [];
  const endPlain = (): void => {
    if (!plainSoFar) return;
    plainSoFar = false;
    for (const d of plainDirs) seenDirs.add(d);
    for (const f of plainFiles) seenFiles.add(f);
    plainDirs.length = 0;
    plainFiles.length = 0;
  };
  const realRoots: string[] = [];
  for (const r of roots) {
    try {
      realRoots.push(realpathSync(r));
    } catch {
      /* reported below */
    }
  }
  let capped = false;
  const stopAfter = opts.stopAfter ?? Infinity;
  let stopped = false;
  // The walk's paths are normalised and absolute (path.resolve, then "dir/name"): below a
  // normalised absolute cwd, reportPath() is the tail after "cwd/", got without
  // path.relative's segment-by-segment work once per file.
  const cwdPrefix = path.sep === '/' && path.isAbsolute(cwd) && path.normalize(cwd) === cwd && !cwd.endsWith('/') ? cwd + '/' : undefined;
  // Not below it, path.relative() starts with '..' (or is '' for cwd itself), so
  // reportPath() gives the absolute path, which has '/' separators already.
  const fileReportPath = (abs: string): string => {
    if (cwdPrefix !== undefined) {
      if (!abs.startsWith(cwdPrefix)) return abs;
      const tail = abs.slice(cwdPrefix.length);
      if (tail.length > 0 && !tail.startsWith('..')) return tail;
    }
    return reportPath(abs, cwd);
  };

  const note = (level: Diagnostic['level'], code: string, abs: string, message: string): void => {
    diagnostics.push({ level, code, message, location: { file: reportPath(abs, cwd) } });
  };

  const special = (abs: string, what: string): void => note('info', 'discover/special-file', abs, `${what}; not opened`);

  /** A regular file, by its real path (see above). */
  const addFile = (abs: string, real: string): void => {
    if (plainSoFar) plainFiles.push(real);
    else {
      if (seenFiles.has(real)) return; // the same file reached through a symlink
      seenFiles.add(real);
    }
    const file: FoundFile = { absPath: abs, relPath: fileReportPath(abs) };
    files.push(file);
    opts.onFile?.(file);
    if (files.length >= stopAfter) stopped = true;
  };

  /** A directory, by its real path (see above); name: its last segment (abs's basename). */
  const enterDir = (abs: string, real: string, depth: number, name: string): void => {
    if (plainSoFar) plainDirs.push(real);
    else {
      if (seenDirs.has(real)) return; // a loop or a second path to the same directory
      seenDirs.add(real);
    }
    if (depth > 0 && skip.has(name)) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      note('error', 'discover/unreadable', abs, `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    // Names are unique within a directory: the same order as sorting the bare names.
    entries.sort(byName);
    // Paths are built by concatenation: abs is normalised and absolute, a name has no separator.
    const base = abs.endsWith(path.sep) ? abs : abs + path.sep;
    const realBase = real.endsWith(path.sep) ? real : real + path.sep;
    for (const e of entries) {
      if (stopped) return;
      if (files.length >= maxFiles) {
        capped = true;
        continue;
      }
      const child = base + e.name;
      if (e.isFile()) addFile(child, realBase + e.name);
      else if (e.isDirectory()) enterDir(child, realBase + e.name, depth + 1, e.name);
      else if (e.isFIFO()) special(child, 'FIFO');
      else if (e.isSocket()) special(child, 'socket');
      else if (e.isCharacterDevice() || e.isBlockDevice()) special(child, 'device');
      else visit(child, depth + 1, realBase + e.name); // a symlink, or a type not said
    }
  };

  /**
   * A root, a symlink, or an entry of a type the listing did not say: lstat first, as the
   * walk always did. real: its real path when known (an entry of a walked directory).
   */
  const visit = (abs: string, depth: number, real?: string): void => {
    // The first root starts the walk; anything else may lead where the walk has been.
    if (stopped) return;
    if (depth > 0 || files.length > 0 || plainDirs.length > 0) endPlain();
    if (files.length >= maxFiles) {
      capped = true;
      return;
    }
    let st: Stats;
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
      real = target;
    }
    if (!st.isDirectory() && !st.isFile()) {
      special(abs, st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'special file');
      return;
    }
    if (real === undefined) {
      try {
        real = realpathSync(abs);
      } catch {
        real = abs;
      }
    }
    if (st.isDirectory()) enterDir(abs, real, depth, path.basename(abs));
    else addFile(abs, real);
  };

  for (const root of roots) {
    if (stopped) break;
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
  return { files, diagnostics, stopped };
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A read done ahead, on the read-ahead thread, with what classify.ts sniff() said of it. */
export type PrefetchedRead = ReadOutcome & { sniffed?: Sniffed };

export interface ReadOutcome {
  content?: Buffer;
  size: number;
  mode: number;
  diagnostic?: Diagnostic;
}

/**
 * Reads at most maxBytes (+1 to detect overflow) through a file descriptor opened with
 * O_NONBLOCK and checked with fstat, so a file swapped for a FIFO after the walk cannot
 * block the scan. room(size): where to read the bytes to (default: a buffer of their own;
 * the read-ahead thread reads into the chunk it sends).
 */
export function readCapped(file: FoundFile, maxBytes: number, room: (size: number) => Buffer = Buffer.allocUnsafe): ReadOutcome {
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
    const buf = room(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return { content: off === buf.length ? buf : buf.subarray(0, off), size: off, mode: st.mode };
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
