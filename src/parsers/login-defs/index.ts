import type { Diagnostic } from '../../model/diagnostic.js';
import type { IgnoredLine, LoginDefsFile, SystemSetting } from '../../model/system.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';

/** Numeric items whose value shadow's getlong() must parse entirely. */
export const NUMERIC_ITEMS = new Set(['PASS_MAX_DAYS', 'PASS_MIN_DAYS', 'PASS_WARN_AGE', 'LOGIN_RETRIES', 'LOGIN_TIMEOUT', 'UID_MIN', 'UID_MAX', 'GID_MIN', 'GID_MAX', 'SYS_UID_MIN', 'SYS_UID_MAX', 'SYS_GID_MIN', 'SYS_GID_MAX', 'UMASK', 'SHA_CRYPT_MIN_ROUNDS', 'SHA_CRYPT_MAX_ROUNDS', 'YESCRYPT_COST_FACTOR', 'ERASECHAR', 'KILLCHAR', 'FAIL_DELAY', 'MAX_MEMBERS_PER_GROUP', 'HOME_MODE', 'PASS_MIN_LEN', 'SUB_UID_MIN', 'SUB_UID_MAX', 'SUB_UID_COUNT', 'SUB_GID_MIN', 'SUB_GID_MAX', 'SUB_GID_COUNT']);

/**
 * strtol(value, base 0) that must consume the whole string, as shadow's getlong():
 * decimal, octal with a leading 0 (so `090` fails), hex with 0x. Returns undefined on error.
 */
export function parseLoginDefsNumber(value: string): number | undefined {
  const v = value.trim();
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(v)) return parseInt(v, 16);
  if (/^[+-]?0[0-7]*$/.test(v)) return parseInt(v, 8);
  if (/^[+-]?[1-9]\d*$/.test(v)) return parseInt(v, 10);
  return undefined;
}

/**
 * login.defs(5) as shadow 4.13 reads it: `NAME<whitespace>value`, no `=`, names
 * case-sensitive, `#` only as the first non-blank character, one pair of double quotes
 * stripped. A line with a single field (`PASS_MAX_DAYS=90`) is silently ignored by shadow;
 * an unparsable number (`90 # comment`) makes the item unset. Both are recorded as ignored.
 */
export function parseLoginDefs(file: string, text: string): { model: LoginDefsFile; diagnostics: Diagnostic[] } {
  const settings: SystemSetting[] = [];
  const ignored: IgnoredLine[] = [];
  const diagnostics: Diagnostic[] = [];
  const ignore = (entry: IgnoredLine): void => {
    ignored.push(entry);
    diagnostics.push({ level: 'warning', code: 'login-defs/ignored-line', message: `login.defs: ${entry.reason}`, location: { file, line: entry.line, column: entry.column } });
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.trim();
    if (!body || body.startsWith('#')) return;
    const column = raw.indexOf(body) + 1;
    const m = /^(\S+)\s+(.*)$/.exec(body);
    if (!m) {
      const meant = /^([A-Za-z_]+)\s*[=:]/.exec(body)?.[1];
      ignore({ line, column, text: raw, ...(meant ? { meant: meant.toUpperCase() } : {}), reason: `"${body}" has no value separated by whitespace; shadow silently ignores it` });
      return;
    }
    const name = m[1]!;
    let value = m[2]!.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== name.toUpperCase() && NUMERIC_ITEMS.has(name.toUpperCase())) {
      ignore({ line, column, text: raw, meant: name.toUpperCase(), reason: `unknown item "${name}" (names are case-sensitive; ${name.toUpperCase()} stays unset)` });
      return;
    }
    if (NUMERIC_ITEMS.has(name) && parseLoginDefsNumber(value) === undefined) {
      ignore({ line, column, text: raw, meant: name, reason: `cannot parse ${name} value: '${value}' (the item stays unset)` });
      return;
    }
    settings.push({ name, value, line, column, text: raw });
  });
  return { model: { file, settings, ignored }, diagnostics };
}

export const parser: ArtifactParser = {
  kind: 'login-defs',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseLoginDefs(input.artifact.path, input.content.toString('utf8'));
    return { models: { 'login-defs': [model] }, diagnostics };
  },
};
