import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import picomatch from 'picomatch';
import type { DeclaredWaiver, ScanReport, WaiverReport } from '../model/report.js';
import type { Result, Waiver } from '../model/result.js';
import { GateInputError } from './errors.js';

/**
 * Waivers are accepted risks. A waiver file (YAML or JSON, schemas/waivers.schema.json)
 * lists rule + path glob and/or endpoint + reason + approver + expiry; an inline
 * `#ftps-audit-ignore RULE reason` comment in column 1 directly above a vsftpd.conf
 * directive waives that rule on that directive. A waived failure keeps status `fail` and
 * gains `waived`; it stays visible everywhere and stops counting for --fail-on.
 */

/** File name looked up in the working directory when --waivers is not given. */
export const DEFAULT_WAIVERS_FILES = ['.ftps-audit-waivers.yml', '.ftps-audit-waivers.yaml', '.ftps-audit-waivers.json'];

const SCHEMA_FILE = path.resolve(fileURLToPath(new URL('../../schemas/waivers.schema.json', import.meta.url)));

/** One entry of a waiver file, as validated. */
export interface WaiverEntry {
  rule: string;
  path?: string;
  endpoint?: string;
  reason: string;
  approver: string;
  /** YYYY-MM-DD */
  expires: string;
}

export interface WaiverFile {
  source: string;
  waivers: WaiverEntry[];
}

/** The part of a parsed vsftpd.conf (VsftpdConfig) inline waivers come from. */
export interface InlineWaiverSource {
  file: string;
  inlineWaivers: readonly { ruleId: string; reason: string; line: number; appliesToLine: number }[];
}

/** The waiver file to use: the one given, else a default file in `cwd` if present. */
export function resolveWaiversFile(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit) return explicit;
  for (const name of DEFAULT_WAIVERS_FILES) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Reads and validates a waiver file; every problem is reported with file, line and field. */
export async function loadWaivers(file: string): Promise<WaiverFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GateInputError(`cannot read waivers ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseWaivers(text, file);
}

export async function parseWaivers(text: string, source: string): Promise<WaiverFile> {
  const { parseDocument, LineCounter } = await import('yaml');
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: an unquoted 2026-12-31 stays a string, as the schema wants.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new GateInputError(
      `waivers ${source} is not valid YAML/JSON`,
      doc.errors.map((e) => `${source}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]!.replace(/:$/, '')}`),
    );
  }
  const data: unknown = doc.toJS();
  const errors = await validateWaiverData(data);
  if (errors.length) {
    throw new GateInputError(
      `waivers ${source} does not match schemas/waivers.schema.json`,
      errors.map((e) => {
        const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        const node = doc.getIn(segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true) as { range?: [number, number, number] } | undefined;
        const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
        return `${source}${line ? `:${line}` : ''}: ${fieldName(segments)} ${describe(e)}`;
      }),
    );
  }
  const parsed = data as { waivers: WaiverEntry[] };
  return { source, waivers: parsed.waivers };
}

function fieldName(segments: string[]): string {
  if (!segments.length) return '(top level)';
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `has unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  if (e.keyword === 'required') return `is missing "${String((e.params as { missingProperty: string }).missingProperty)}"`;
  if (e.keyword === 'anyOf') return 'needs a "path" glob or an "endpoint"';
  if (e.keyword === 'format') return `must be a date YYYY-MM-DD`;
  return e.message ?? e.keyword;
}

let validator: ((data: unknown) => ErrorObject[]) | undefined;

async function validateWaiverData(data: unknown): Promise<ErrorObject[]> {
  if (!validator) {
    const { Ajv } = await import('ajv');
    const formats = (await import('ajv-formats')).default as unknown as { default?: (a: unknown) => void } & ((a: unknown) => void);
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    (formats.default ?? formats)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    // anyOf reports each failed branch's "required" too; keep only the anyOf line for those.
    validator = (d) => {
      if (validate(d)) return [];
      const errs = validate.errors ?? [];
      const anyOfPaths = new Set(errs.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
      return errs.filter((e) => !(e.keyword === 'required' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')));
    };
  }
  return validator(data);
}

/** A waiver holds through the end of its expiry day, UTC. */
export function isExpired(expires: string, now: Date): boolean {
  return now.getTime() > Date.parse(`${expires}T23:59:59.999Z`);
}

function normalizeEndpoint(e: string): string {
  return e.trim().toLowerCase().replace(/\/+$/, '');
}

interface CompiledWaiver {
  declared: DeclaredWaiver;
  matches(r: Result): boolean;
  expired: boolean;
  matched: number;
}

function compile(file: WaiverFile, now: Date): CompiledWaiver[] {
  return file.waivers.map((w, index) => {
    const glob = w.path ? picomatch(w.path, { dot: true }) : undefined;
    const endpoint = w.endpoint ? normalizeEndpoint(w.endpoint) : undefined;
    return {
      declared: { source: file.source, index, ruleId: w.rule, ...(w.path ? { path: w.path } : {}), ...(w.endpoint ? { endpoint: w.endpoint } : {}), reason: w.reason, approver: w.approver, expires: w.expires },
      // Both given: both must match (a config file *and* the endpoint it serves).
      matches: (r) =>
        r.ruleId === w.rule &&
        (!glob || (r.location?.file !== undefined && glob(r.location.file))) &&
        (!endpoint || (r.location?.endpoint !== undefined && normalizeEndpoint(r.location.endpoint) === endpoint)),
      expired: isExpired(w.expires, now),
      matched: 0,
    };
  });
}

/**
 * Marks failures matched by an unexpired waiver of the file. Already waived results (inline)
 * keep their first waiver but still count as a match, so the file waiver is not called stale.
 */
export function applyWaivers(report: ScanReport, file: WaiverFile, now: Date = new Date()): ScanReport {
  const compiled = compile(file, now);
  let applied = 0;
  const results = report.results.map((r): Result => {
    if (r.status !== 'fail') return r;
    let waiver: Waiver | undefined = r.waived;
    for (const c of compiled) {
      if (!c.matches(r)) continue;
      c.matched++;
      if (!waiver && !c.expired) {
        waiver = { source: file.source, reason: c.declared.reason, approver: c.declared.approver!, expires: c.declared.expires! };
        applied++;
        return { ...r, waived: waiver };
      }
    }
    return r;
  });
  const expired = compiled.filter((c) => c.expired && c.matched > 0).map((c) => ({ waiver: c.declared, matched: c.matched }));
  const stale = compiled.filter((c) => c.matched === 0).map((c) => c.declared);
  return { ...report, results, waivers: mergeWaiverReport(report.waivers, { sources: [file.source], applied, expired, stale }) };
}

/** Applies `#ftps-audit-ignore RULE reason` comments: same rule, same file, the directive's line. */
export function applyInlineWaivers(report: ScanReport, configs: readonly InlineWaiverSource[]): ScanReport {
  const waived = waiveInline(report.results, configs);
  if (!waived) return report;
  return { ...report, results: waived.results, waivers: mergeWaiverReport(report.waivers, waived.report) };
}

/**
 * The results with inline waivers applied, and what the waivers did; undefined when the
 * configs declare none. Inline waivers only ever match results in their own file, so a
 * scan judged in batches of whole hosts can apply them batch by batch.
 */
export function waiveInline(results: readonly Result[], configs: readonly InlineWaiverSource[]): { results: Result[]; report: WaiverReport } | undefined {
  const byKey = new Map<string, { declared: DeclaredWaiver; matched: number }>();
  for (const c of configs) {
    for (const w of c.inlineWaivers) {
      byKey.set(`${c.file}\0${w.appliesToLine}\0${w.ruleId}`, {
        declared: { source: 'inline', ruleId: w.ruleId, path: c.file, line: w.line, reason: w.reason },
        matched: 0,
      });
    }
  }
  if (byKey.size === 0) return undefined;
  let applied = 0;
  const out = results.map((r): Result => {
    if (r.status !== 'fail' || !r.location?.file || r.location.line === undefined) return r;
    const hit = byKey.get(`${r.location.file}\0${r.location.line}\0${r.ruleId}`);
    if (!hit) return r;
    hit.matched++;
    if (r.waived) return r;
    applied++;
    return { ...r, waived: { source: 'inline', reason: hit.declared.reason } };
  });
  const stale = [...byKey.values()].filter((w) => w.matched === 0).map((w) => w.declared);
  return { results: out, report: { sources: ['inline'], applied, expired: [], stale } };
}

/**
 * Adds one gate's findings to what the report already says. Applying the same waivers again
 * (`report` re-rendering a gated JSON with the default waiver file) changes nothing: a waiver
 * is listed once as expired or stale, and already waived results are not counted again.
 */
export function mergeWaiverReport(a: WaiverReport | undefined, b: WaiverReport): WaiverReport {
  if (!a) return b;
  const key = (w: DeclaredWaiver) => `${w.source}\0${w.index ?? ''}\0${w.path ?? ''}\0${w.line ?? ''}\0${w.ruleId}`;
  const expired = new Map([...a.expired, ...b.expired].map((e) => [key(e.waiver), e]));
  const stale = new Map([...a.stale, ...b.stale].map((w) => [key(w), w]));
  return {
    sources: [...new Set([...a.sources, ...b.sources])],
    applied: a.applied + b.applied,
    expired: [...expired.values()],
    stale: [...stale.values()],
  };
}
