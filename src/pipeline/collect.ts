import * as crypto from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Artifact } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { InventoryModels, ScanSettings } from '../model/inventory.js';
import { sniff, type Classification } from '../discover/classify.js';
import { readCapped, type FoundFile, type PrefetchedRead, type ReadOutcome } from '../discover/walk.js';
import { loadedParser, parserFor } from '../parsers/registry.js';

export interface Collected {
  artifacts: Artifact[];
  models: Partial<InventoryModels>;
  diagnostics: Diagnostic[];
  /** Files read but not recognised as any kind (not an error: most of a repo is not FTPS config). */
  unrecognised: number;
}

/** The first byte offset that is not valid UTF-8, or -1. */
function firstInvalidUtf8(buf: Buffer): number {
  // buffer.isUtf8 (simdutf) answers the common case without building a decoder per file.
  if (isUtf8(buf)) return -1;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return -1;
  } catch {
    // Narrow it down only on failure (rare), by decoding growing prefixes at line breaks.
    let good = 0;
    for (let i = 0; i <= buf.length; i++) {
      if (i === buf.length || buf[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(good, i));
          good = i;
        } catch {
          return good;
        }
      }
    }
    return good;
  }
}

// crypto.hash (Node ≥ 20.12) is the one-shot form, cheaper than createHash per file.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: Buffer, enc: 'hex') => string }).hash;
const sha256Hex = oneShot ? (b: Buffer) => oneShot('sha256', b, 'hex') : (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

function lineOfOffset(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) line++;
  return line;
}

function appendModels(into: Partial<InventoryModels>, add: Partial<InventoryModels>): void {
  const target = into as Record<string, unknown[]>;
  const from = add as Record<string, unknown[]>;
  // Once per file: no entries array, and one model (the usual case) without a spread.
  for (const kind in from) {
    const list = from[kind]!;
    const to = (target[kind] ??= []);
    if (list.length === 1) to.push(list[0]);
    else to.push(...list);
  }
}

/**
 * Files are read a run at a time (see READ_AHEAD_BYTES), then classified and parsed one by
 * one, so that memory stays flat on large trees: a run's bytes are dropped once its files'
 * parsers have run.
 *
 * Why a run and not one file at a time: the same open/fstat/read/close calls cost more than
 * twice as much when each comes between two files' parsing (the kernel's path lookup and
 * page-cache data are no longer in the CPU's caches after a parse) as when they follow one
 * another.
 */
export async function collectFiles(files: readonly FoundFile[], settings: ScanSettings, maxFileBytes: number, opts: { hashes?: boolean } = {}): Promise<Collected> {
  // Only reports list an artifact's hash; a scan that prints text skips it ('').
  const hash = opts.hashes === false ? () => '' : sha256Hex;
  const diagnostics: Diagnostic[] = [];
  const artifacts: Artifact[] = [];
  const models: Partial<InventoryModels> = {};
  let unrecognised = 0;
  const reads: PrefetchedRead[] = [];
  for (let next = 0; next < files.length; ) {
    // At least one file per run, however large (it is capped at maxFileBytes).
    const first = next;
    let bytes = 0;
    reads.length = 0;
    do {
      const file = files[next]!;
      // Read ahead on another thread (src/discover/read-ahead.ts), or here; dropped from the
      // file either way, so the bytes go once parsed.
      const read = file.prefetched ?? readCapped(file, maxFileBytes);
      file.prefetched = undefined;
      reads.push(read);
      bytes += read.content?.length ?? 0;
      next += 1;
    } while (next < files.length && bytes < READ_AHEAD_BYTES);
    for (let r = 0; r < reads.length; r++) {
      const file = files[first + r]!;
      const read = reads[r]!;
      // Dropped here so that a parser's garbage does not find the run's bytes still held.
      reads[r] = NO_READ;
      if (read.diagnostic) diagnostics.push(read.diagnostic);
      if (!read.content) continue;
      // Sniffed on the read-ahead thread when it read the file (see FoundFile.prefetched).
      const sniffed = read.sniffed;
      let isText: boolean, found: Classification | undefined, asciiText: string | undefined;
      if (sniffed) {
        ({ isText, found } = sniffed);
        asciiText = sniffed.wholeAscii ? read.content.toString('latin1') : undefined;
      } else ({ isText, found, asciiText } = sniff(file.relPath, read.content));
      if (!found) {
        unrecognised++;
        continue;
      }
      // Known after the first file of its kind: no await (and its promises) per file.
      if (loadedParser(found.kind) === null) await parserFor(found.kind);
      collectOne(file, read, found, isText, asciiText, settings, hash, artifacts, models, diagnostics);
    }
  }
  return { artifacts, models, diagnostics, unrecognised };
}

/** Bytes read ahead before the first file of the run is parsed (one file may be larger). */
const READ_AHEAD_BYTES = 1 << 20;
const NO_READ: ReadOutcome = { size: 0, mode: 0 };

/** One classified file: its artifact, then its parser's models and diagnostics. Its parser is loaded. */
function collectOne(
  file: FoundFile,
  read: ReadOutcome,
  found: Classification,
  isText: boolean,
  asciiText: string | undefined,
  settings: ScanSettings,
  hash: (b: Buffer) => string,
  artifacts: Artifact[],
  models: Partial<InventoryModels>,
  diagnostics: Diagnostic[],
): void {
  const content = read.content!;
  if (content.length === 0) {
    diagnostics.push({ level: 'info', code: 'discover/empty', message: `empty ${found.kind} file: every setting takes its default`, location: { file: file.relPath } });
  }
  if (isText && asciiText === undefined) {
    const bad = firstInvalidUtf8(content);
    if (bad >= 0) {
      diagnostics.push({
        level: 'warning',
        code: 'discover/not-utf8',
        message: `not valid UTF-8 from byte ${bad}; read byte-for-byte as the daemon would`,
        location: { file: file.relPath, line: lineOfOffset(content, bad) },
      });
    }
  }
  const artifact: Artifact = {
    path: file.relPath,
    absPath: file.absPath,
    kind: found.kind,
    size: read.size,
    sha256: hash(content),
    mode: read.mode & 0o7777,
    classifiedBy: found.by,
  };
  artifacts.push(artifact);
  const parser = loadedParser(found.kind);
  if (!parser) {
    diagnostics.push({
      level: 'info',
      code: 'discover/no-parser',
      message: `recognised as ${found.kind}; this version has no rules for it yet, so it is listed but not evaluated`,
      location: { file: file.relPath },
    });
    return;
  }
  try {
    const out = parser.parse({ artifact, content, asciiText, settings });
    appendModels(models, out.models);
    diagnostics.push(...out.diagnostics);
  } catch (err) {
    // Parsers must not throw; if one does, that file is lost but the scan goes on.
    diagnostics.push({ level: 'error', code: 'parse/crash', message: `${found.kind} parser failed: ${(err as Error).message}`, location: { file: file.relPath } });
  }
}
