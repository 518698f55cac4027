/**
 * Validation of SARIF logs with the two independent judges the issue names: the official
 * SARIF 2.1.0 JSON schema (draft-04, via ajv-draft-04) and Microsoft's SARIF multitool.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// Both are CommonJS with a `default` export; under NodeNext the default import is module.exports.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

const schema = JSON.parse(readFileSync(resolve('schemas/sarif-2.1.0.json'), 'utf8')) as object;
let validateFn: ValidateFunction | undefined;

export function schemaErrors(log: unknown): string[] {
  if (!validateFn) {
    const ajv = new Ajv04({ allErrors: true, strict: false, // The schema's language pattern is not a valid unicode-mode regexp.
      unicodeRegExp: false });
    addFormats(ajv);
    validateFn = ajv.compile(schema);
  }
  if (validateFn(log)) return [];
  return (validateFn.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export const MULTITOOL = resolve('node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

/** npm here does not run install scripts, so the binary may arrive without its run bit. */
function ensureExecutable(): void {
  if (!existsSync(MULTITOOL)) throw new Error(`SARIF multitool not installed at ${MULTITOOL}`);
  const mode = statSync(MULTITOOL).mode;
  if ((mode & 0o111) === 0) chmodSync(MULTITOOL, mode | 0o755);
}

export interface MultitoolVerdict {
  errors: string[];
  warnings: string[];
  notes: string[];
}

/** Runs `Sarif.Multitool validate` and reads its own SARIF output. */
export function multitoolValidate(sarifText: string): MultitoolVerdict {
  ensureExecutable();
  const dir = mkdtempSync(join(tmpdir(), 'ftps-sarif-'));
  try {
    const input = join(dir, 'in.sarif');
    const output = join(dir, 'validation.sarif');
    const policy = join(dir, 'policy.xml');
    writeFileSync(input, sarifText);
    // SARIF2006 (UrisShouldBeReachable) fetches every URI in the log: tests never leave loopback.
    writeFileSync(
      policy,
      '<?xml version="1.0" encoding="utf-8"?>\n<Properties>\n  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">\n    <Property Key="RuleEnabled" Value="Disabled" />\n  </Properties>\n</Properties>\n',
    );
    try {
      execFileSync(MULTITOOL, ['validate', input, '--output', output, '--level', 'Error;Warning;Note', '--rule-kind', 'Sarif;Ghas', '--log', 'ForceOverwrite', '--config', policy], {
        stdio: 'pipe',
        timeout: 120_000,
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
      });
    } catch (err) {
      // validate exits non-zero when it finds errors; its output file still says which.
      if (!existsSync(output)) throw err;
    }
    const log = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: { results?: { ruleId: string; level?: string; message: { text?: string; arguments?: string[] } }[]; invocations?: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[];
    };
    const verdict: MultitoolVerdict = { errors: [], warnings: [], notes: [] };
    for (const run of log.runs) {
      for (const n of run.invocations?.[0]?.toolExecutionNotifications ?? []) verdict.errors.push(`tool: ${n.message.text}`);
      for (const r of run.results ?? []) {
        const text = `${r.ruleId}: ${r.message.text ?? ''} ${(r.message.arguments ?? []).join(' | ')}`.trim();
        const level = r.level ?? 'warning';
        if (level === 'error') verdict.errors.push(text);
        else if (level === 'warning') verdict.warnings.push(text);
        else verdict.notes.push(text);
      }
    }
    return verdict;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
