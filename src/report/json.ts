import { closeSync, openSync, writeSync } from 'node:fs';
import type { ScanReport } from '../model/report.js';

/** The canonical form: every other format can be rendered again from this text. */
export function renderJson(report: ScanReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

// Pieces are gathered up to about this many characters before they are handed out, so a
// writer makes a few hundred writes for a large report instead of one per result.
const CHUNK_CHARS = 1 << 20;

/**
 * The same text as renderJson, in pieces: a report of a large tree (tens of thousands of
 * files, hundreds of thousands of results) is longer than the longest string V8 can hold,
 * so it cannot be one JSON.stringify. Each top-level value is stringified on its own, and
 * each top-level array element by element; with JSON.stringify's own rules for what is left
 * out (undefined, functions, symbols) and what becomes null (the same inside arrays), and
 * the nesting shown by re-indenting (a JSON text never holds a raw newline, so every "\n"
 * in a piece is a line break of the layout).
 *
 *   for (const piece of renderJsonChunks(report)) out.write(piece);
 */
export function* renderJsonChunks(report: ScanReport): Generator<string> {
  const source = report as unknown as Record<string, unknown>;
  if (typeof (source as { toJSON?: unknown }).toJSON === 'function') {
    // Not a plain report object: let JSON.stringify apply toJSON as it would.
    yield renderJson(report);
    return;
  }
  // Parts are joined when a chunk is handed out: one flat string, where += would leave a
  // deep tree of concatenations for the writer to flatten before it can encode it.
  let parts: string[] = [];
  let size = 0;
  const add = (text: string): void => {
    parts.push(text);
    size += text.length;
  };
  const take = (): string => {
    const chunk = parts.join('');
    parts = [];
    size = 0;
    return chunk;
  };
  let first = true;
  for (const key of Object.keys(source)) {
    const value = source[key];
    const head = `${first ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `;
    if (isStreamableArray(value)) {
      add(`${head}[`);
      for (let i = 0; i < value.length; i++) {
        add(i === 0 ? '\n    ' : ',\n    ');
        add(elementAtDepthTwo(value[i]));
        if (size >= CHUNK_CHARS) yield take();
      }
      add('\n  ]');
    } else {
      const text = JSON.stringify(value, null, 2);
      if (text === undefined) continue; // left out, as JSON.stringify leaves out the key
      add(head + reindent(text, '  '));
    }
    first = false;
    if (size >= CHUNK_CHARS) yield take();
  }
  add(first ? '{}\n' : '\n}\n');
  yield take();
}

// An element of a top-level array, laid out as it sits in the report: two levels deep.
// Stringified inside two wrapping arrays, JSON.stringify indents each of its lines itself
// (and turns undefined, functions and symbols into null, as in any array); the wrappers'
// fixed text around it is cut off — no second pass over the text to re-indent it.
const WRAP_HEAD = '[\n  [\n    '.length;
const WRAP_TAIL = '\n  ]\n]'.length;
function elementAtDepthTwo(value: unknown): string {
  return JSON.stringify([[value]], null, 2).slice(WRAP_HEAD, -WRAP_TAIL);
}

/** A non-empty plain array (no toJSON of its own): streamed element by element. */
function isStreamableArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function reindent(text: string, prefix: string): string {
  return text.includes('\n') ? text.replace(/\n/g, '\n' + prefix) : text;
}

/**
 * Writes the JSON report to a file (or an open fd) piece by piece: byte for byte what
 * renderJson gives, without ever holding it as one string.
 */
export function writeJsonReport(report: ScanReport, target: string | number): void {
  const fd = typeof target === 'number' ? target : openSync(target, 'w');
  try {
    for (const piece of renderJsonChunks(report)) writeAll(fd, piece);
  } finally {
    if (typeof target !== 'number') closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  let waits = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
      waits = 0;
    } catch (err) {
      // stdout as a non-blocking pipe: wait for the reader (bounded: about a minute of no progress).
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > 6000) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
