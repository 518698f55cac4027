/**
 * The scan that only prints text, streamed: files are judged in batches of whole hosts, each
 * batch's findings are rendered and counted at once and then let go, so a tree of tens of
 * thousands of files never holds its few hundred thousand results (passes included) at the
 * same time. Every step is the canonical scan's own (judgeFiles, mergeHostResults' rule for
 * generic not-applicable results, inline waivers, the text report's pieces), so the text is
 * byte for byte what renderText prints for the canonical report; test/streamed-text.test.ts
 * holds the two side by side. Batches can run in worker threads (src/pipeline/batch-workers.ts).
 */
import type { Diagnostic } from '../model/diagnostic.js';
import type { ScanSettings } from '../model/inventory.js';
import { modelsOf } from '../model/inventory.js';
import type { PackSummary, ReportSummary, WaiverReport } from '../model/report.js';
import type { Result } from '../model/result.js';
import type { FoundFile } from '../discover/walk.js';
import type { PlannedRun, ResultDetail } from '../engine/evaluate.js';
import { addSummaries, NOT_APPLICABLE_FLAGS, packsFromFlags, statusFlagsOf, summarise } from '../engine/summary.js';
import { isBlocking, type FailOn } from '../gate/fail-on.js';
import { mergeWaiverReport, waiveInline } from '../gate/waivers.js';
import { compareGroupKeys, groupListed, isListedStatus, renderTextGroup, renderTextHeader, renderTextTail, textStyle, type TextFrame, type TextStyle } from '../report/text.js';
import { hostKeyOf, isGenericNotApplicable } from './hosts.js';
import { inventorySections } from './sections.js';
import { judgeFiles, toolInfo, unrecognisedDiagnostic, type RuleSet } from './scan.js';

/** What a streamed scan needs besides the files: the same for every batch. */
export interface StreamSettings {
  settings: ScanSettings;
  maxFileBytes: number;
  failOn: FailOn;
  color: boolean;
  showPasses: boolean;
}

/** A generic not-applicable result (no location): kept only if its rule judged nothing anywhere. */
interface Generic {
  ruleId: string;
  fingerprint: string;
  run: number;
}

/**
 * One batch, judged and rendered: plain data only (it crosses from a worker thread), and
 * small next to the results it stands for.
 */
export interface BatchDigest {
  /** [path, kind] of the batch's artifacts (headings of groups another batch may hold). */
  artifacts: [string, string][];
  /** Reading, parsing and per-user diagnostics, in the canonical order. */
  diagnostics: Diagnostic[];
  unrecognised: number;
  /**
   * Groups of this batch's own files, rendered and UTF-8 encoded back to back in `text`
   * (group i ends at byte ends[i]). Bytes, not strings: they live outside the JS heap, so
   * holding a large tree's report until it can be sorted costs the garbage collector
   * nothing, and a worker thread hands them over without a copy.
   */
  fileGroups: { keys: string[]; ends: number[]; text: Uint8Array };
  /** Listed results under any other heading (an endpoint, the run, a file of another batch). */
  looseResults: Result[];
  /** Counts of every result but the generic not-applicable ones. */
  summary: ReportSummary;
  /** Status flags per planned run (by index), for the control statuses. */
  flagsByRun: number[];
  /** Rules that judged something (a located or non-not-applicable result). */
  judgedRules: string[];
  generics: Generic[];
  /** A finding at or above --fail-on. */
  blocking: boolean;
  /** Inventory sections of the batch's hosts, in host order. */
  sections: Record<string, unknown[]>;
  waivers?: WaiverReport;
}

/**
 * Cuts the walk's files (in walk order) into batches of about `size` files, only where no
 * host has files on both sides, so every batch holds whole hosts and the batches in order
 * are the walk in order. A tree whose hosts interleave stays one batch; no files, one empty batch.
 */
export function planBatches(files: readonly FoundFile[], roots: readonly string[], size: number): FoundFile[][] {
  const hosts = files.map((f) => hostKeyOf(f.absPath, roots));
  const lastIndex = new Map<string, number>();
  hosts.forEach((h, i) => lastIndex.set(h, i));
  const batches: FoundFile[][] = [];
  let start = 0;
  let reach = -1; // the last index any host seen since `start` still has files at
  for (let i = 0; i < files.length; i++) {
    reach = Math.max(reach, lastIndex.get(hosts[i]!)!);
    if (reach === i && i + 1 - start >= size) {
      batches.push(files.slice(start, i + 1));
      start = i + 1;
    }
  }
  // Always one batch at least: the canonical scan judges even an empty inventory (every rule
  // then says not-applicable, and the summary counts it).
  if (start < files.length || batches.length === 0) batches.push(files.slice(start));
  return batches;
}

/**
 * The batches planBatches cuts, cut while the files still come (from the read-ahead thread,
 * in walk order), so the first batch is judged while the walk goes on.
 *
 * Why that is the same cut: under one root, the files of a host (all but '') are the files
 * below its `…/etc` directory, and the walk lists a directory's whole subtree before it goes
 * on (depth first, src/discover/walk.ts; a symlink's files take the symlink's path), so a
 * host's files come one after another. A run of a host ends where the next file has another
 * host, and planBatches cuts at the first such end at or after `size` files. Files outside any
 * `etc` (host '') can come anywhere, and under several roots one host's key can come again
 * under the next root: from such a file on, or with several roots, nothing is cut before
 * the walk is over, and the rest is planBatches' own work. Files held that long keep their
 * bytes only up to LOOSE_HOLD_BYTES in all; the rest are read again when judged.
 */
export async function* batchesAsFound(next: () => Promise<FoundFile[] | undefined>, roots: readonly string[], size: number): AsyncGenerator<FoundFile[]> {
  const contiguous = roots.length === 1;
  let pending: FoundFile[] = [];
  let keys: string[] = [];
  let checked = 0; // cuts after pending[0 .. checked) are decided
  let loose = !contiguous; // a file of host '' is pending, or several roots: cut at the end only
  let given = 0;
  // Bytes of pending files read ahead, counted once nothing can be cut before the end
  // (holding: the files pending then are counted already, later ones as they come).
  let held = 0;
  let holding = false;
  for (let got = await next(); got !== undefined; got = await next()) {
    for (const f of got) {
      pending.push(f);
      keys.push(f.hostKey ?? hostKeyOf(f.absPath, roots));
    }
    let start = 0;
    // A cut after i needs the key of file i + 1.
    for (; !loose && checked + 1 < pending.length; checked++) {
      const key = keys[checked]!;
      if (key === '') loose = true;
      else if (checked + 1 - start >= size && keys[checked + 1] !== key) {
        yield pending.slice(start, checked + 1);
        given += 1;
        start = checked + 1;
      }
    }
    if (start > 0) {
      pending = pending.slice(start);
      keys = keys.slice(start);
      checked -= start;
    }
    if (loose) {
      held = letGoBeyond(holding ? got : pending, held);
      holding = true;
    }
  }
  if (pending.length > 0 || given === 0) yield* planBatches(pending, roots, size);
}

/**
 * Bytes of read-ahead files batchesAsFound holds at most while it cannot cut before the walk
 * is over (a file outside any etc/, several roots): beyond them a file lets its bytes go and
 * is read again when its batch is judged, as without the read-ahead thread.
 */
const LOOSE_HOLD_BYTES = 64 << 20;

/** Lets the read-ahead bytes of `files` go once `held` (and theirs) pass LOOSE_HOLD_BYTES; the new total. */
function letGoBeyond(files: readonly FoundFile[], held: number): number {
  for (const f of files) {
    const n = f.prefetched?.content?.length ?? 0;
    if (held + n > LOOSE_HOLD_BYTES) f.prefetched = undefined;
    else held += n;
  }
  return held;
}

/**
 * vsftpd-only hosts are judged this many files at a time (see JudgeFilesContext): as many as
 * a batch holds (BATCH_FILES in stream-scan.ts), so a batch of such hosts is one group and
 * only a larger batch is cut. Each group pays for every rule once, but smaller groups let
 * less be alive at a time. Paired runs of the 10,000-file scan (21 pairs each) with 50-file
 * batches: groups of 50 took 30-40 ms less than groups of 25, and groups of 12 took 90 ms
 * more. (With judging alone timed, 100-file batches had favoured groups of 25.)
 */
const LONE_GROUP_FILES = 50;

/** Judges one batch of whole hosts and keeps only what the text report and its summary need. */
export async function digestBatch(files: readonly FoundFile[], ruleSet: RuleSet, runs: PlannedRun[], stream: StreamSettings): Promise<BatchDigest> {
  const detail = textDetail(stream);
  const judged = await judgeFiles(files, { settings: stream.settings, ruleSet, runs, maxFileBytes: stream.maxFileBytes, detail, artifactHashes: false, loneGroupFiles: LONE_GROUP_FILES });
  const counted = detail.counted;
  const runOf = runIndex(runs);
  const located: Result[] = [];
  const generics: Generic[] = [];
  for (const list of judged.perHost) {
    for (const r of list) {
      if (isGenericNotApplicable(r)) generics.push({ ruleId: r.ruleId, fingerprint: r.fingerprint, run: runOf.get(r.controls) ?? -1 });
      else located.push(r);
    }
  }
  const waived = waiveInline(located, modelsOf(judged.inventory, 'vsftpd'));
  const results = waived ? waived.results : located;

  const flagsByRun = new Array<number>(runs.length).fill(0);
  const judgedRules = new Set<string>();
  let blocking = false;
  // Counted results (passes and located not-applicable ones, see textDetail) weigh the same
  // however many there are: each shared result is looked at once.
  // (One function for both lists, not one spread array: the lists hold results of
  // different shapes, and a loop over their mix was re-optimised for each new one.)
  const note = (r: Result): void => {
    const run = runOf.get(r.controls);
    if (run !== undefined) flagsByRun[run]! |= statusFlagsOf(r);
    judgedRules.add(r.ruleId);
    if (!blocking && isBlocking(r, stream.failOn)) blocking = true;
  };
  for (const r of results) note(r);
  for (const [shared] of counted) note(shared);

  const style = styleOf(stream);
  const kinds = new Map(judged.inventory.artifacts.map((a) => [a.path, a.kind]));
  const keys: string[] = [];
  const texts: string[] = [];
  const looseResults: Result[] = [];
  for (const [key, list] of groupListed(results, style)) {
    if (!kinds.has(key)) {
      looseResults.push(...list);
      continue;
    }
    keys.push(key);
    texts.push(renderTextGroup(key, list, kinds.get(key), style));
  }
  const fileGroups = encodeGroups(keys, texts);

  const sections: Record<string, unknown[]> = {};
  for (const h of judged.hosts) for (const [name, list] of Object.entries(await inventorySections(h))) (sections[name] ??= []).push(...list);

  return {
    artifacts: judged.inventory.artifacts.map((a) => [a.path, a.kind]),
    diagnostics: judged.inventory.diagnostics,
    unrecognised: judged.unrecognised,
    fileGroups,
    looseResults,
    summary: summarise(results, counted),
    flagsByRun,
    judgedRules: [...judgedRules],
    generics,
    blocking,
    sections,
    ...(waived ? { waivers: waived.report } : {}),
  };
}

// One style per scan (its spelt-once lines are then spelt once per scan, not per batch).
const styles = new WeakMap<StreamSettings, TextStyle>();
function styleOf(stream: StreamSettings): TextStyle {
  let style = styles.get(stream);
  if (!style) styles.set(stream, (style = textStyle({ color: stream.color, showPasses: stream.showPasses, utf8Bytes: true })));
  return style;
}

// Stands for "some location" where only whether a result has one matters.
const SOMEWHERE = Object.freeze({});

/**
 * The text report words only the results it lists, and compares fingerprints only of
 * generic not-applicable results (unlocated; see mergeHostResults).
 */
function textDetail(stream: StreamSettings): ResultDetail {
  return {
    counted: [],
    // Groups are rendered and written as byte strings (see engine/utf8-text.ts).
    utf8Messages: true,
    worded: (status) => isListedStatus(status, stream.showPasses),
    fingerprinted: (status, located) => isGenericNotApplicable({ status, location: located ? SOMEWHERE : undefined }),
    // Only listed results and generic not-applicable ones are looked at one by one.
    distinct: (status, located) => isListedStatus(status, stream.showPasses) || isGenericNotApplicable({ status, location: located ? SOMEWHERE : undefined }),
  };
}

/**
 * A batch's groups (byte strings: their UTF-8 bytes, one per character) back to back, in a
 * buffer of exactly their size: its own memory (not Buffer's shared pool), so it can be kept
 * until the end and transferred from a worker thread. A byte string's length is its size,
 * and writing it is a copy.
 */
function encodeGroups(keys: string[], texts: string[]): BatchDigest['fileGroups'] {
  let size = 0;
  for (const t of texts) size += t.length;
  const text = Buffer.allocUnsafeSlow(size);
  const ends: number[] = [];
  let end = 0;
  for (const t of texts) ends.push((end += text.write(t, end, 'latin1')));
  return { keys, ends, text };
}

function runIndex(runs: PlannedRun[]): Map<Result['controls'], number> {
  // Every result of a run carries that run's own controls array.
  return new Map(runs.map((run, i) => [run.controls, i]));
}

/** The text report of a streamed scan, and what the command needs after printing it. */
export interface StreamedText {
  /** The report in pieces, in order (strings and UTF-8 bytes). */
  text: (string | Uint8Array)[];
  exitCode: 0 | 1;
  waivers?: WaiverReport;
}

/**
 * Puts the batches' digests together into the text report, in the canonical order. Returns
 * undefined when a file's findings were split over two batches (possible only when --root
 * maps one host's absolute paths into another's files): then only the canonical scan can
 * order them, and the caller runs it instead.
 */
export function finishStreamedText(
  digests: readonly BatchDigest[],
  walkDiagnostics: readonly Diagnostic[],
  ruleSet: RuleSet,
  runs: PlannedRun[],
  stream: StreamSettings,
): StreamedText | undefined {
  const style: TextStyle = styleOf(stream);
  const rendered = new Map<string, Uint8Array>();
  const loose = new Map<string, Result[]>();
  let summary = summarise([]);
  const flags = new Array<number>(runs.length).fill(0);
  const judged = new Set<string>();
  const diagnostics: Diagnostic[] = [...walkDiagnostics];
  const sections: Record<string, unknown[]> = {};
  let artifactCount = 0;
  let unrecognised = 0;
  let blocking = false;
  let waivers: WaiverReport | undefined;
  const kinds = new Map<string, string>();
  for (const d of digests) {
    const { keys, ends, text } = d.fileGroups;
    for (let i = 0; i < keys.length; i++) rendered.set(keys[i]!, text.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
    for (const [key, results] of groupListed(d.looseResults, style)) {
      const list = loose.get(key);
      if (list) list.push(...results);
      else loose.set(key, results);
    }
    summary = addSummaries(summary, d.summary);
    d.flagsByRun.forEach((f, i) => (flags[i]! |= f));
    for (const id of d.judgedRules) judged.add(id);
    diagnostics.push(...d.diagnostics);
    for (const [name, list] of Object.entries(d.sections)) (sections[name] ??= []).push(...list);
    artifactCount += d.artifacts.length;
    for (const [p, kind] of d.artifacts) kinds.set(p, kind);
    unrecognised += d.unrecognised;
    blocking ||= d.blocking;
    if (d.waivers) waivers = mergeWaiverReport(waivers, d.waivers);
  }
  for (const key of loose.keys()) if (rendered.has(key)) return undefined;
  diagnostics.push(...unrecognisedDiagnostic(unrecognised));

  // mergeHostResults' rule: a generic not-applicable result stays only for a rule that judged
  // nothing anywhere, once per fingerprint.
  const keptGenerics = new Set<string>();
  for (const d of digests) {
    for (const g of d.generics) {
      const key = `${g.ruleId}\0${g.fingerprint}`;
      if (judged.has(g.ruleId) || keptGenerics.has(key)) continue;
      keptGenerics.add(key);
      summary.byStatus['not-applicable']++;
      if (g.run >= 0) flags[g.run]! |= NOT_APPLICABLE_FLAGS;
    }
  }

  const packs: PackSummary[] = packsFromFlags(ruleSet.packs, new Map(runs.map((run, i) => [run.controls, flags[i]!])));
  const frame: TextFrame = {
    tool: toolInfo(),
    invocation: { command: 'scan', args: [], flavor: stream.settings.flavor, targets: stream.settings.roots },
    packs,
    diagnostics,
    inventory: sections,
    summary,
    artifactCount,
  };
  const text: (string | Uint8Array)[] = [renderTextHeader(frame, style)];
  for (const key of [...rendered.keys(), ...loose.keys()].sort(compareGroupKeys)) {
    text.push(rendered.get(key) ?? Buffer.from(renderTextGroup(key, loose.get(key)!, kinds.get(key), style), 'latin1'));
  }
  text.push(renderTextTail(frame, style));
  return { text, exitCode: blocking ? 1 : 0, ...(waivers ? { waivers } : {}) };
}
