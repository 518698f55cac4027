import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ScanReport } from '../model/report.js';
import { GateInputError } from '../gate/errors.js';

/**
 * Reads a saved JSON result (`scan --format json`) for `ftps-audit report` and
 * `baseline create`, validated against schemas/report.schema.json so that a SARIF file or a
 * truncated download is refused with the field that is wrong, not rendered as nonsense.
 */
const SCHEMA_FILE = path.resolve(fileURLToPath(new URL('../../schemas/report.schema.json', import.meta.url)));

let validate: ValidateFunction | undefined;

async function validator(): Promise<ValidateFunction> {
  if (validate) return validate;
  const { Ajv } = await import('ajv');
  const formats = (await import('ajv-formats')).default as unknown as { default?: (a: unknown) => void } & ((a: unknown) => void);
  const ajv = new Ajv({ allErrors: true, strict: false });
  (formats.default ?? formats)(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  return validate;
}

export async function loadReport(file: string): Promise<ScanReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GateInputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GateInputError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const v = await validator();
  if (!v(data)) {
    const errs = (v.errors ?? []).slice(0, 10);
    throw new GateInputError(
      `${file} is not an ftps-audit JSON result (schemas/report.schema.json)`,
      errs.map((e: ErrorObject) => `${file}: ${e.instancePath || '(top level)'} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : ''}`),
    );
  }
  return data as ScanReport;
}

export async function loadReports(files: readonly string[]): Promise<ScanReport[]> {
  return Promise.all(files.map((f) => loadReport(f)));
}
