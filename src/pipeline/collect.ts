import * as crypto from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Artifact } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { InventoryModels, ScanSettings } from '../model/inventory.js';
import { classify } from '../discover/classify.js';
import { readCapped, type FoundFile } from '../discover/walk.js';
import { parserFor } from '../parsers/registry.js';

export interface Collected {
  artifacts: Artifact[];
  models: Partial<InventoryModels>;
  diagnostics: Diagnostic[];
  /** Files read but not recognised as any kind (not an error: most of a repo is not FTPS config). */
  unrecognised: number;
}

const SNIFF_BYTES = 16 * 1024;

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
  for (const [kind, list] of Object.entries(add as Record<string, unknown[]>)) {
    (target[kind] ??= []).push(...list);
  }
}

/**
 * read → classify → parse, one file at a time so that memory stays flat on large trees: a
 * file's bytes are dropped as soon as its parser has run.
 */
export async function collectFiles(files: readonly FoundFile[], settings: ScanSettings, maxFileBytes: number, opts: { hashes?: boolean } = {}): Promise<Collected> {
  // Only reports list an artifact's hash; a scan that prints text skips it ('').
  const hash = opts.hashes === false ? () => '' : sha256Hex;
  const diagnostics: Diagnostic[] = [];
  const artifacts: Artifact[] = [];
  const models: Partial<InventoryModels> = {};
  let unrecognised = 0;
  for (const file of files) {
    const read = readCapped(file, maxFileBytes);
    if (read.diagnostic) diagnostics.push(read.diagnostic);
    if (!read.content) continue;
    const content = read.content;
    const head = content.subarray(0, SNIFF_BYTES);
    const isText = !head.includes(0);
    const found = classify(file.relPath, head, isText);
    if (!found) {
      unrecognised++;
      continue;
    }
    if (content.length === 0) {
      diagnostics.push({ level: 'info', code: 'discover/empty', message: `empty ${found.kind} file: every setting takes its default`, location: { file: file.relPath } });
    }
    if (isText) {
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
    const parser = await parserFor(found.kind);
    if (!parser) {
      diagnostics.push({
        level: 'info',
        code: 'discover/no-parser',
        message: `recognised as ${found.kind}; this version has no rules for it yet, so it is listed but not evaluated`,
        location: { file: file.relPath },
      });
      continue;
    }
    try {
      const out = parser.parse({ artifact, content, settings });
      appendModels(models, out.models);
      diagnostics.push(...out.diagnostics);
    } catch (err) {
      // Parsers must not throw; if one does, that file is lost but the scan goes on.
      diagnostics.push({ level: 'error', code: 'parse/crash', message: `${found.kind} parser failed: ${(err as Error).message}`, location: { file: file.relPath } });
    }
  }
  return { artifacts, models, diagnostics, unrecognised };
}
