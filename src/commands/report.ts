import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { baselineFlag, colorFlag, formatFlag, outputFlag, sarifCategoryFlag, showPassesFlag, waiversFlag, type ReportingFlags } from '../cli/flags.js';
import { SEVERITIES } from '../model/result.js';

export type ReportFlags = Omit<ReportingFlags, 'pack'>;

/**
 * Re-renders saved JSON results (one or many, merged) in any format, optionally gating them
 * again. Returns the exit code: 0, 1 (findings at or above --fail-on), 2 (bad input).
 */
export async function runReport(files: string[], flags: ReportFlags, warn: (line: string) => void): Promise<number> {
  const { outputRequests, emit, useColor } = await import('../cli/output.js');
  const { userFacingMessage } = await import('../cli/errors.js');
  try {
    const outputs = outputRequests(flags.format, flags.output);
    const { loadReports } = await import('../report/load.js');
    const { mergeReports } = await import('../report/merge.js');
    const { applyGates, exitCodeFor, gateNotes } = await import('../gate/index.js');
    const merged = mergeReports(await loadReports(files));
    const gated = await applyGates(merged, { waiversFile: flags.waivers, baselineFile: flags.baseline });
    const failOn = flags['fail-on'] as import('../gate/index.js').FailOn;
    const code = exitCodeFor(gated, failOn);
    // Without a gate of its own, a re-rendering keeps the exit status the scan recorded.
    const recorded = failOn === 'none' ? gated.invocation.exitCode : code;
    const report = { ...gated, invocation: { ...gated.invocation, ...(recorded === undefined ? {} : { exitCode: recorded }) } };
    const ctx = { color: useColor(flags.color), showPasses: Boolean(flags['show-passes']), sarifCategory: flags['sarif-category'] };
    await emit(outputs, report, ctx);
    for (const line of gateNotes(report)) warn(line);
    return code;
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    warn(`ftps-audit: ${message}`);
    return 2;
  }
}

export default class Report extends Command {
  static override summary = 'Render saved JSON results again, in any format; several files are merged into one report.';
  static override description =
    'Reads results written by `scan --format json` (many hosts or repos at once), merges them, optionally applies waivers and a baseline, and writes text, json, sarif, html or junit. Exit 0, or 1 when --fail-on is given and a finding at or above it is open; 2 on unreadable input.';
  static override examples = [
    '<%= config.bin %> report results.json --format html --output report.html',
    '<%= config.bin %> report host1.json host2.json --output sarif=all.sarif --output junit=all.xml',
    '<%= config.bin %> report results.json --baseline baseline.json --fail-on high --format sarif -o results.sarif',
    '<%= config.bin %> report results.json --output sarif=results.sarif --sarif-category ftps-audit/hosts',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'Saved JSON results (scan --format json).', required: true }) };
  static override flags = {
    format: formatFlag,
    output: outputFlag,
    'fail-on': Flags.string({
      description: 'Exit 1 when a failure (not waived, and new against --baseline) is at or above this severity. Default none: re-rendering does not gate.',
      options: [...SEVERITIES, 'none'],
      default: 'none',
    }),
    color: colorFlag,
    'show-passes': showPassesFlag,
    baseline: baselineFlag,
    waivers: waiversFlag,
    'sarif-category': sarifCategoryFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report);
    const code = await runReport(argv as string[], flags, (line) => process.stderr.write(line + '\n'));
    // Not this.exit(): it ends the process at once, and a report piped to another program
    // (`| less`, `| tee`) lost everything not yet written. Node exits with this code once
    // stdout is flushed.
    process.exitCode = code;
  }
}
