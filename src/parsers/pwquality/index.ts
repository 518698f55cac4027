import type { Diagnostic } from '../../model/diagnostic.js';
import type { IgnoredLine, PwqualityFile, SystemSetting } from '../../model/system.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';

/** libpwquality 1.4.5 settings; the last two are flags without a value. */
const INTEGER = new Set(['difok', 'minlen', 'dcredit', 'ucredit', 'lcredit', 'ocredit', 'minclass', 'maxrepeat', 'maxsequence', 'maxclassrepeat', 'gecoscheck', 'dictcheck', 'usercheck', 'usersubstr', 'enforcing', 'retry']);
const STRING = new Set(['badwords', 'dictpath']);
const FLAGS = new Set(['enforce_for_root', 'local_users_only']);

/**
 * pwquality.conf(5) as libpwquality reads it (verified with pwscore): `name = value`, names
 * case-insensitive, `#` starts a comment anywhere, the last duplicate wins. A bad integer or
 * an unknown name is an error libpwquality reports; the line sets nothing.
 */
export function parsePwquality(file: string, text: string): { model: PwqualityFile; diagnostics: Diagnostic[] } {
  const settings: SystemSetting[] = [];
  const ignored: IgnoredLine[] = [];
  const diagnostics: Diagnostic[] = [];
  const dropIn = /(^|\/)pwquality\.conf\.d\//.test(file);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.split('#')[0]!.trim();
    if (!body) return;
    const column = raw.indexOf(body) + 1;
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? null : body.slice(eq + 1).trim();
    let reason: string | undefined;
    if (FLAGS.has(name)) { if (value !== null) reason = `${name} is a flag and takes no value`; }
    else if (INTEGER.has(name)) { if (value === null || !/^[+-]?\d+$/.test(value)) reason = `Bad integer value of setting - ${name}`; }
    else if (STRING.has(name)) { if (value === null) reason = `${name} needs a value`; }
    else reason = `Unknown setting - ${name}`;
    if (reason) {
      ignored.push({ line, column, text: raw, meant: name, reason });
      diagnostics.push({ level: 'warning', code: 'pwquality/ignored-line', message: `libpwquality rejects this line: ${reason}`, location: { file, line, column } });
      return;
    }
    settings.push({ name, value, line, column, text: raw });
  });
  return { model: { file, dropIn, settings, ignored }, diagnostics };
}

export const parser: ArtifactParser = {
  kind: 'pwquality',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parsePwquality(input.artifact.path, input.content.toString('utf8'));
    return { models: { pwquality: [model] }, diagnostics };
  },
};
