import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { RULES_DIR } from './paths.js';

// ajv is loaded on first use: commands such as --version never need it.
let validators: Map<string, ValidateFunction> | undefined;

async function compile(): Promise<Map<string, ValidateFunction>> {
  const { Ajv } = await import('ajv');
  const addFormats = (await import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default ? addFormats.default(ajv) : (addFormats as unknown as (a: unknown) => void)(ajv);
  const schema = JSON.parse(readFileSync(path.join(RULES_DIR, 'schema.json'), 'utf8')) as { $id: string };
  ajv.addSchema(schema);
  const map = new Map<string, ValidateFunction>();
  for (const def of ['rule', 'packHeader', 'packFragment', 'userPack']) {
    map.set(def, ajv.getSchema(`${schema.$id}#/definitions/${def}`)!);
  }
  return map;
}

export type SchemaDefinition = 'rule' | 'packHeader' | 'packFragment' | 'userPack';

export async function validateAgainst(def: SchemaDefinition, value: unknown): Promise<ErrorObject[]> {
  validators ??= await compile();
  const validate = validators.get(def)!;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
