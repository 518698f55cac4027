import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ArtifactSummary, ScanReport } from '../model/report.js';
import type { Result } from '../model/result.js';

/**
 * Code scanning rejects results without a file location, and a probe result only names an
 * endpoint. When the endpoints came from a targets file, each probe result is anchored on the
 * line that named its endpoint (the endpoint stays as its logical location), and the targets
 * file becomes an artifact of the report. The probe command wires it in one line:
 *
 *   report = anchorTargetsFile(report, { file: flags.targets, text, endpointsOf: (spec) => parseTarget(spec).map(endpointUrl) });
 */
export interface EndpointAnchor {
  /** ftps://host:port as results name it. */
  endpoint: string;
  /** Report path of the file (relative to the working directory when below it). */
  file: string;
  line: number;
  column: number;
}

export interface TargetsFileSource {
  /** The targets file as given on the command line. */
  file: string;
  /** Its content. */
  text: string;
  /** The endpoints one target line names (a host without port names two). Throw on bad lines. */
  endpointsOf: (spec: string) => string[];
  /** Default process.cwd(): paths below it are reported relative, like discovery does. */
  cwd?: string;
}

/** Path as reports show it: relative to cwd (POSIX) when below it, else absolute. */
export function reportPathOf(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/** Same comment and blank-line rules as the probe's targets-file reader: "#" to end of line. */
export function targetsFileAnchors(source: TargetsFileSource): EndpointAnchor[] {
  const file = reportPathOf(source.file, source.cwd ?? process.cwd());
  const anchors: EndpointAnchor[] = [];
  source.text.split(/\r?\n/).forEach((raw, i) => {
    const spec = raw.replace(/#.*$/, '').trim();
    if (!spec) return;
    let endpoints: string[];
    try {
      endpoints = source.endpointsOf(spec);
    } catch {
      return; // the probe reports bad lines itself
    }
    const column = raw.length - raw.trimStart().length + 1;
    for (const endpoint of endpoints) anchors.push({ endpoint, file, line: i + 1, column });
  });
  return anchors;
}

function endpointKey(e: string): string {
  return e.trim().toLowerCase().replace(/\/+$/, '');
}

/**
 * Gives every result that names only an endpoint the first anchor for that endpoint. Results
 * that already have a file are left alone. Returns a new report.
 */
export function anchorEndpoints(report: ScanReport, anchors: readonly EndpointAnchor[], artifact?: ArtifactSummary): ScanReport {
  const first = new Map<string, EndpointAnchor>();
  for (const a of anchors) if (!first.has(endpointKey(a.endpoint))) first.set(endpointKey(a.endpoint), a);
  let changed = false;
  const results = report.results.map((r): Result => {
    if (!r.location?.endpoint || r.location.file) return r;
    const a = first.get(endpointKey(r.location.endpoint));
    if (!a) return r;
    changed = true;
    return { ...r, location: { ...r.location, file: a.file, line: a.line, column: a.column } };
  });
  const artifacts = artifact && !report.artifacts.some((x) => x.path === artifact.path) ? [...report.artifacts, artifact] : report.artifacts;
  return changed || artifacts !== report.artifacts ? { ...report, results, artifacts } : report;
}

/** anchorEndpoints for a targets file, which is added to the report's artifacts with its SHA-256. */
export function anchorTargetsFile(report: ScanReport, source: TargetsFileSource): ScanReport {
  const anchors = targetsFileAnchors(source);
  const bytes = Buffer.from(source.text, 'utf8');
  const artifact: ArtifactSummary = {
    path: reportPathOf(source.file, source.cwd ?? process.cwd()),
    kind: 'probe-targets',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  };
  return anchorEndpoints(report, anchors, artifact);
}
