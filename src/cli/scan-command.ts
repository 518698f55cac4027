import { lstatSync } from 'node:fs';
import path from 'node:path';
import { modelsOf, type ScanSettings } from '../model/inventory.js';
import type { WaiverReport } from '../model/report.js';
import type { VsftpdFlavor } from '../model/vsftpd.js';
import { runScan } from '../pipeline/scan.js';
import { applyGates, exitCodeFor, gateNotes, type FailOn } from '../gate/index.js';
import { resolveWaiversFile } from '../gate/waivers.js';
import { emit, outputRequests, useColor, writeText, type OutputRequest } from './output.js';
import { userFacingMessage } from './errors.js';
import type { LiveProbeFlagValues, ReportingFlags } from './flags.js';

export interface ScanFlags extends ReportingFlags, LiveProbeFlagValues {
  'vsftpd-flavor': string;
  root?: string;
  live?: boolean;
  hostname?: string[];
  'ca-file'?: string;
  'expiry-warning-days': number;
  'p12-password-env'?: string;
  'max-file-size': number;
  probe?: string[];
  jobs?: number;
}

/**
 * The scan command's work, kept out of the oclif class so the command stays thin and
 * this can be tested without spawning a process. Returns the exit code.
 */
export async function runScanCommand(paths: string[], flags: ScanFlags, warn: (line: string) => void): Promise<number> {
  try {
    const outputs = outputRequests(flags.format, flags.output);
    // Nothing at all to read is a usage error (exit 2), not a clean scan; a missing path
    // beside others is only a located diagnostic and the rest is scanned.
    const missing = paths.filter((p) => !exists(p));
    if (paths.length > 0 && missing.length === paths.length) {
      warn(`ftps-audit: nothing to scan: no such file or directory: ${missing.join(', ')}`);
      return 2;
    }
    let p12Password: string | undefined;
    if (flags['p12-password-env']) {
      p12Password = process.env[flags['p12-password-env']];
      if (p12Password === undefined) warn(`--p12-password-env: environment variable ${flags['p12-password-env']} is not set; PKCS#12 files are detected but not opened`);
    }
    let probe: import('../model/probe.js').ProbeObservation[] | undefined;
    if (flags.probe?.length) {
      const { collectTargets, observe, probedAny, unreachableSummary } = await import('./probe-command.js');
      const { targets } = await collectTargets(flags.probe, undefined, warn);
      probe = await observe(targets, { ...flags, hostname: flags.hostname?.[0] });
      if (!probedAny(probe)) warn(`ftps-audit: no --probe target could be probed (${unreachableSummary(probe)}); their results say why`);
    }
    const settings = {
      flavor: flags['vsftpd-flavor'] as VsftpdFlavor,
      rootDir: flags.root,
      live: Boolean(flags.live),
      hostnames: flags.hostname ?? [],
      caFile: flags['ca-file'],
      expiryWarningDays: flags['expiry-warning-days'],
      p12Password,
    };
    if (streamable(outputs, flags)) {
      const streamed = await streamTextScan(paths, flags, settings, outputs[0]!);
      if (streamed !== undefined) return finishStreamed(streamed, warn);
    }
    const { report, inventory } = await runScan({
      paths,
      packs: flags.pack,
      maxFileBytes: flags['max-file-size'],
      args: process.argv.slice(2),
      settings,
      ...(probe ? { extraModels: { probe } } : {}),
    });
    if (probe) report.inventory.probe = probe;
    const anchored = probe ? await anchorProbesOnConfig(report, inventory, probe) : report;
    const gated = await applyGates(anchored, { waiversFile: flags.waivers, baselineFile: flags.baseline, inline: modelsOf(inventory, 'vsftpd') });
    const code = exitCodeFor(gated, flags['fail-on'] as FailOn);
    gated.invocation.exitCode = code;
    await emit(outputs, gated, { color: useColor(flags.color), showPasses: Boolean(flags['show-passes']), sarifCategory: flags['sarif-category'] });
    for (const line of gateNotes(gated)) warn(line);
    return code;
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    warn(`ftps-audit: ${message}`);
    return 2;
  }
}

/**
 * Live results need a file line for code scanning. When the scan holds exactly one vsftpd
 * config, the probed endpoints are that server: anchor them on its listen_port line (or
 * line 1), keeping the endpoint as their logical location. With several configs which one
 * an endpoint runs is unknown, and the results stay endpoint-only.
 */
async function anchorProbesOnConfig(
  report: import('../model/report.js').ScanReport,
  inventory: import('../model/inventory.js').Inventory,
  probe: import('../model/probe.js').ProbeObservation[],
): Promise<import('../model/report.js').ScanReport> {
  const configs = modelsOf(inventory, 'vsftpd');
  if (configs.length !== 1) return report;
  const config = configs[0]!;
  const port = config.effective('listen_port');
  const line = port?.source === 'explicit' && port.directive ? port.directive.location.line ?? 1 : 1;
  const { anchorEndpoints } = await import('../report/anchor.js');
  return anchorEndpoints(report, probe.map((o) => ({ endpoint: o.endpoint, file: config.file, line, column: 1 })));
}

/**
 * One text output and no gate that needs the whole report (baseline, waiver file) or a live
 * probe: the scan can stream (src/pipeline/streamed-text.ts) and never hold every result.
 */
function streamable(outputs: OutputRequest[], flags: ScanFlags): boolean {
  return outputs.length === 1 && outputs[0]!.format === 'text' && !flags.baseline && !flags.probe?.length && resolveWaiversFile(flags.waivers) === undefined;
}

async function streamTextScan(paths: string[], flags: ScanFlags, settings: Partial<ScanSettings>, output: OutputRequest) {
  const { runStreamedTextScan } = await import('../pipeline/stream-scan.js');
  const { defaultSettings } = await import('../pipeline/scan.js');
  const streamed = await runStreamedTextScan(paths, flags.pack, {
    settings: defaultSettings({ ...settings, roots: paths.map((p) => path.resolve(p)) }),
    maxFileBytes: flags['max-file-size'],
    failOn: flags['fail-on'] as FailOn,
    color: output.file ? false : useColor(flags.color),
    showPasses: Boolean(flags['show-passes']),
  }, { jobs: flags.jobs });
  if (streamed === undefined) return undefined;
  writeText(output, streamed.text);
  return streamed;
}

function finishStreamed(streamed: { exitCode: 0 | 1; waivers?: WaiverReport }, warn: (line: string) => void): number {
  for (const line of gateNotes({ waivers: streamed.waivers })) warn(line);
  return streamed.exitCode;
}

/** As the walk sees it: a path is there when lstat finds it (a dangling symlink is). */
function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
