import { readFileSync } from 'node:fs';
import type { ProbeObservation } from '../model/probe.js';
import type { ProbeTarget } from '../probe/targets.js';
import { UsageError as ProbeUsageError } from './errors.js';
import type { LiveProbeFlagValues, ReportingFlags } from './flags.js';

export interface ProbeFlags extends ReportingFlags, LiveProbeFlagValues {
  targets?: string;
  hostname?: string;
  'ca-file'?: string;
}


/** Targets from HOST[:PORT] arguments and an optional --targets file (its text kept for SARIF anchoring). */
export async function collectTargets(args: string[], targetsFile: string | undefined, warn: (line: string) => void): Promise<{ targets: ProbeTarget[]; targetsText?: string }> {
  const { parseTarget, parseTargetsFile, TargetSyntaxError } = await import('../probe/targets.js');
  const targets: ProbeTarget[] = [];
  try {
    for (const a of args) targets.push(...parseTarget(a));
  } catch (err) {
    if (err instanceof TargetSyntaxError) throw new ProbeUsageError(err.message);
    throw err;
  }
  let targetsText: string | undefined;
  if (targetsFile) {
    try {
      targetsText = readFileSync(targetsFile, 'utf8');
    } catch (err) {
      throw new ProbeUsageError(`--targets ${targetsFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const parsed = parseTargetsFile(targetsText);
    for (const e of parsed.errors) warn(`ftps-audit: --targets ${targetsFile} ${e}`);
    targets.push(...parsed.targets);
  }
  return { targets, targetsText };
}

/** The password, only ever from the environment variable --password-env names. */
function passwordFrom(flags: Pick<ProbeFlags, 'user' | 'password-env'>): string | undefined {
  if (flags['password-env'] && !flags.user) throw new ProbeUsageError('--password-env needs --user');
  if (!flags.user) return undefined;
  if (!flags['password-env']) throw new ProbeUsageError('--user needs --password-env VAR (passwords are never taken on the command line)');
  const password = process.env[flags['password-env']];
  if (password === undefined) throw new ProbeUsageError(`--password-env: environment variable ${flags['password-env']} is not set`);
  return password;
}

export type LiveProbeFlags = LiveProbeFlagValues & Pick<ProbeFlags, 'hostname' | 'ca-file'>;

/** Probes the targets (progress on a TTY only) and returns the observations. */
export async function observe(targets: ProbeTarget[], flags: LiveProbeFlags): Promise<ProbeObservation[]> {
  const password = passwordFrom(flags);
  const { probeTargets } = await import('../probe/run.js');
  const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
  return probeTargets(
    targets,
    {
      mode: flags.mode as 'auto' | 'explicit' | 'implicit',
      timeoutMs: flags.timeout,
      concurrency: flags.concurrency,
      sni: flags.sni,
      hostname: flags.hostname,
      caFile: flags['ca-file'],
      user: flags.user,
      password,
      skipClientRenegotiation: flags['no-renegotiation'],
    },
    tty
      ? (done, total, last) => {
          process.stderr.write(`\r\x1b[2Kprobed ${done}/${total}  ${last.endpoint} ${last.reachability} (${last.durationMs} ms)${done === total ? '\n' : ''}`);
        }
      : undefined,
  );
}

/** Endpoints that answered at all: with none, the run could not probe anything (exit 2). */
export function probedAny(observations: ProbeObservation[]): boolean {
  return observations.some((o) => o.reachability === 'ok' || o.reachability === 'no-tls' || o.reachability === 'tls-failed');
}

export function unreachableSummary(observations: ProbeObservation[]): string {
  return observations.map((o) => `${o.endpoint}: ${o.reachability}`).join('; ');
}

/**
 * Anchors endpoint results on the --targets line that named them, so SARIF consumers that
 * need a physical location (GitHub code scanning) accept them.
 */
export async function anchorOnTargetsFile<R extends import('../model/report.js').ScanReport>(report: R, file: string | undefined, text: string | undefined): Promise<R> {
  if (!file || text === undefined) return report;
  const { anchorTargetsFile } = await import('../report/anchor.js');
  const { parseTarget, endpointUrl } = await import('../probe/targets.js');
  return anchorTargetsFile(report, { file, text, endpointsOf: (spec) => parseTarget(spec).map(endpointUrl) }) as R;
}

/**
 * The probe command's work, outside the oclif class so it can be tested in-process.
 * Targets → observations (src/probe) → engine → gates → reporters; returns the exit code.
 */
export async function runProbeCommand(args: string[], flags: ProbeFlags, warn: (line: string) => void): Promise<number> {
  const { userFacingMessage } = await import('./errors.js');
  try {
    const { targets, targetsText } = await collectTargets(args, flags.targets, warn);
    if (targets.length === 0) return usage(warn, 'no targets: give HOST[:PORT] arguments or --targets FILE');
    const { outputRequests, emit, useColor } = await import('./output.js');
    const outputs = outputRequests(flags.format, flags.output);
    const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
    const started = Date.now();
    const observations = await observe(targets, flags);

    const { loadRuleSet, judge, defaultSettings } = await import('../pipeline/scan.js');
    const { applyGates, exitCodeFor } = await import('../gate/index.js');
    const ruleSet = await loadRuleSet(flags.pack);
    const settings = defaultSettings({ hostnames: flags.hostname ? [flags.hostname] : [], caFile: flags['ca-file'] });
    const inventory = { settings, artifacts: [], models: { probe: observations }, diagnostics: [] };
    const endpoints = observations.map((o) => o.endpoint);
    const report = await judge(inventory, ruleSet, { command: 'probe', args: process.argv.slice(2), targets: endpoints });
    // The observations themselves are evidence and can be judged again later; strip nothing but
    // what is already redacted (no password is ever stored in them).
    report.inventory.probe = observations;
    const anchored = await anchorOnTargetsFile(report, flags.targets, targetsText);
    const gated = await applyGates(anchored, { waiversFile: flags.waivers, baselineFile: flags.baseline });
    let code: number = exitCodeFor(gated, flags['fail-on'] as Parameters<typeof exitCodeFor>[1]);
    if (!probedAny(observations)) {
      warn(`ftps-audit: no target could be probed (${unreachableSummary(observations)})`);
      code = 2;
    }
    gated.invocation.exitCode = code;
    await emit(outputs, gated, { color: useColor(flags.color), showPasses: Boolean(flags['show-passes']) });
    if (tty) warn(`probed ${observations.length} endpoint(s) in ${Date.now() - started} ms`);
    return code;
  } catch (err) {
    if (err instanceof ProbeUsageError) return usage(warn, err.message);
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    warn(`ftps-audit: ${message}`);
    return 2;
  }
}

function usage(warn: (line: string) => void, message: string): number {
  warn(`ftps-audit: ${message}`);
  return 2;
}
