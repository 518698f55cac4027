import { closeSync, fstatSync, openSync, statSync, writeFileSync, writevSync } from 'node:fs';
import type { ScanReport } from '../model/report.js';

export interface OutputRequest {
  format: string;
  /** undefined: stdout. */
  file?: string;
}

// Kept here (not imported from report/formats) so flag parsing loads no renderer.
const FORMAT_NAMES = ['text', 'json', 'sarif', 'html', 'junit'];

/**
 * `--format F` alone prints F; `--output FILE` writes F to FILE; each `--output FMT=FILE`
 * adds one more file. Several formats come from one run, all rendered from one report.
 */
export function outputRequests(format: string, outputs: string[] | undefined): OutputRequest[] {
  const reqs: OutputRequest[] = [];
  let formatHasFile = false;
  for (const o of outputs ?? []) {
    const m = /^([a-z]+)=(.+)$/.exec(o);
    if (m && FORMAT_NAMES.includes(m[1])) reqs.push({ format: m[1], file: m[2] });
    else if (m && !FORMAT_NAMES.includes(m[1]) && !o.includes('/')) throw new Error(`unknown format "${m[1]}" in --output ${o} (known: ${FORMAT_NAMES.join(', ')})`);
    else {
      reqs.push({ format, file: o });
      formatHasFile = true;
    }
  }
  // stdout keeps the --format output unless it was redirected to a file.
  if (!formatHasFile) reqs.unshift({ format });
  return reqs;
}

export interface RenderContext {
  color: boolean;
  showPasses: boolean;
  /** SARIF runAutomationDetails category (code scanning keeps one alert set per category). */
  sarifCategory?: string;
}

export async function render(format: string, report: ScanReport, ctx: RenderContext): Promise<string> {
  const { renderFormat } = await import('../report/formats.js');
  return renderFormat(format, report, { color: ctx.color, showPasses: ctx.showPasses, ...(ctx.sarifCategory ? { sarifCategory: ctx.sarifCategory } : {}) });
}

export async function emit(reqs: OutputRequest[], report: ScanReport, ctx: RenderContext): Promise<void> {
  for (const req of reqs) {
    if (req.format === 'json') {
      // Written in pieces: a large tree's report is longer than V8's longest string.
      const { renderJsonChunks, writeJsonReport } = await import('../report/json.js');
      if (req.file) writeJsonReport(report, req.file);
      else for (const piece of renderJsonChunks(report)) process.stdout.write(piece);
      continue;
    }
    const text = await render(req.format, report, { ...ctx, color: req.file ? false : ctx.color });
    if (req.file) writeFileSync(req.file, text);
    else process.stdout.write(text);
  }
}

/** Writes a text output made of pieces (a large report is longer than one string can be). */
export function writeText(req: OutputRequest, pieces: readonly (string | Uint8Array)[]): void {
  if (req.file) {
    const fd = openSync(req.file, 'w');
    try {
      writeAllGathered(fd, pieces);
    } finally {
      closeSync(fd);
    }
  } else if (takesBlockingWrites(1)) {
    // Redirected to a file or to /dev/null (CI runs that want only the exit code): the same
    // gathered writes (nothing of ours is buffered on stdout). Node writes to these
    // synchronously, one system call per piece, without gathering them.
    writeAllGathered(1, pieces);
  } else {
    // A pipe or terminal: corked, the stream hands all pieces to one gathered write.
    process.stdout.cork();
    for (const piece of pieces) process.stdout.write(piece);
    process.stdout.uncork();
  }
}

/**
 * A regular file or /dev/null: written to directly, with blocking writes. Anything else goes
 * through the stream: a pipe or socket may be non-blocking, a terminal is the stream's, and
 * another device may refuse a write the stream knows how to report.
 */
export function takesBlockingWrites(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && st.rdev === devNull());
  } catch {
    return false;
  }
}

let devNullRdev: number | undefined;
function devNull(): number {
  try {
    devNullRdev ??= statSync('/dev/null').rdev;
  } catch {
    devNullRdev = -1;
  }
  return devNullRdev;
}

/** At most this many pieces per writev (Linux's IOV_MAX). */
const GATHER = 1024;

/**
 * Writes the pieces with gathered writes (writev): a streamed report is one piece per file,
 * and a write per piece was ten thousand system calls for a tree of ten thousand files,
 * while joining them first copied the whole report once more.
 */
function writeAllGathered(fd: number, pieces: readonly (string | Uint8Array)[]): void {
  const buffers = pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  for (let i = 0; i < buffers.length; i += GATHER) {
    const group = buffers.slice(i, i + GATHER);
    let written = writevSync(fd, group);
    // A short write (rare, but allowed): write what is left of the group piece by piece.
    for (const b of group) {
      if (written >= b.length) {
        written -= b.length;
        continue;
      }
      writeFileSync(fd, b.subarray(written));
      written = 0;
    }
  }
}

/** Colour only for a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return Boolean(process.stdout.isTTY);
}
