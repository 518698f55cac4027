import type { Diagnostic } from '../../model/diagnostic.js';
import type { Fail2banFile, Fail2banSection } from '../../model/system.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';

/**
 * Where a file sits in fail2ban's read order: jail.conf, jail.d/*.conf, jail.local,
 * jail.d/*.local (later wins). Filter files are looked up by name, not merged with jails.
 */
export function roleOf(file: string): { role: Fail2banFile['role']; layer: number } {
  if (/(^|\/)filter\.d\//.test(file)) return { role: 'filter', layer: 0 };
  if (/(^|\/)jail\.d\/[^/]+\.conf$/.test(file)) return { role: 'jail', layer: 1 };
  if (/(^|\/)jail\.d\/[^/]+\.local$/.test(file)) return { role: 'jail', layer: 3 };
  if (/(^|\/)jail\.local$/.test(file)) return { role: 'jail', layer: 2 };
  if (/(^|\/)jail\.conf$/.test(file)) return { role: 'jail', layer: 0 };
  return { role: 'other', layer: 0 };
}

/**
 * fail2ban's configparser dialect (Python ConfigParser as fail2ban configures it): `[section]`,
 * `key = value` or `key: value`, keys lower-cased, `#` or `;` at the start of a line is a
 * comment, `;` after whitespace starts an inline comment (`a;b` is kept), and an indented
 * line continues the previous value (failregex lists). `%(name)s` is resolved later, by the
 * reader of the merged jail, because a value may refer to keys of another file.
 *
 * The `ini` package was tried first and rejected: it cuts values at `;`/`#` anywhere, turns
 * continuation lines into keys, does not accept `key: value`, and keeps no line numbers.
 */
export function parseFail2ban(file: string, text: string): { model: Fail2banFile; diagnostics: Diagnostic[] } {
  const sections: Fail2banSection[] = [];
  const diagnostics: Diagnostic[] = [];
  let current: Fail2banSection | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*$/.test(raw) || /^\s*[#;]/.test(raw)) { return; }
    const noComment = raw.replace(/\s;.*$/, '');
    if (/^\s/.test(raw) && current && lastKey) {
      const entry = current.entries[lastKey]!;
      entry.value = entry.value ? `${entry.value}\n${noComment.trim()}` : noComment.trim();
      entry.lines.push(line);
      return;
    }
    lastKey = undefined;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      current = { name: header[1]!, line, entries: {} };
      sections.push(current);
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(noComment);
    if (!kv || !current) {
      diagnostics.push({ level: 'warning', code: 'fail2ban/bad-line', message: current ? 'fail2ban cannot parse this line (expected "key = value")' : 'setting outside any [section]', location: { file, line } });
      return;
    }
    const key = kv[1]!.trim().toLowerCase();
    const value = kv[2]!.trim();
    current.entries[key] = { key, value, line, lines: value ? [line] : [], text: raw };
    lastKey = key;
  });
  return { model: { file, ...roleOf(file), sections }, diagnostics };
}

export const parser: ArtifactParser = {
  kind: 'fail2ban',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseFail2ban(input.artifact.path, input.content.toString('utf8'));
    return { models: { fail2ban: [model] }, diagnostics };
  },
};
