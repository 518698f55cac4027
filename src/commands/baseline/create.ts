import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';

export interface BaselineCreateFlags {
  output: string;
}

/** Writes the failures of saved JSON results as a baseline file. Returns the exit code. */
export async function runBaselineCreate(files: string[], flags: BaselineCreateFlags, say: (line: string) => void): Promise<number> {
  const { writeFileSync } = await import('node:fs');
  const { userFacingMessage } = await import('../../cli/errors.js');
  try {
    const { loadReports } = await import('../../report/load.js');
    const { mergeReports } = await import('../../report/merge.js');
    const { createBaseline } = await import('../../gate/index.js');
    const baseline = createBaseline(mergeReports(await loadReports(files)));
    writeFileSync(flags.output, JSON.stringify(baseline, null, 2) + '\n');
    say(`baseline ${flags.output}: ${baseline.results.length} failure(s) from ${files.join(', ')}`);
    return 0;
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    say(`ftps-audit: ${message}`);
    return 2;
  }
}

export default class BaselineCreate extends Command {
  static override summary = 'Record the current failures as a baseline, so CI fails only on new ones.';
  static override description =
    'Reads results saved by `scan --format json` and writes their failures (a smaller JSON result) to --output. Later runs with `--baseline FILE` fail only on findings whose fingerprints are not in it, and list the fixed ones. Fingerprints hash rule, artifact and subject, not line numbers, so unrelated edits keep findings matched.';
  static override examples = [
    '<%= config.bin %> scan infra/ --format json --output results.json --fail-on none && <%= config.bin %> baseline create results.json',
    '<%= config.bin %> baseline create results.json --output .ftps-audit-baseline.json',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'Saved JSON results (scan --format json).', required: true }) };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'Baseline file to write.', default: '.ftps-audit-baseline.json' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BaselineCreate);
    const code = await runBaselineCreate(argv as string[], flags, (line) => process.stderr.write(line + '\n'));
    // Not this.exit(): it ends the process at once, and a report piped to another program
    // (`| less`, `| tee`) lost everything not yet written. Node exits with this code once
    // stdout is flushed.
    process.exitCode = code;
  }
}
