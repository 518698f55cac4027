import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package version, printed in every generated file's header. */
export function generatorVersion(): string {
  cached ??= (JSON.parse(readFileSync(path.resolve(fileURLToPath(new URL('../../package.json', import.meta.url))), 'utf8')) as { version: string }).version;
  return cached;
}
