import type { Diagnostic } from '../../model/diagnostic.js';
import type { FaillockFile, IgnoredLine, SystemSetting } from '../../model/system.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';

/** Keys pam_faillock knows; flags take no value. */
const VALUED = new Set(['dir', 'deny', 'fail_interval', 'unlock_time', 'root_unlock_time', 'admin_group']);
const FLAGS = new Set(['audit', 'silent', 'no_log_info', 'local_users_only', 'nodelay', 'even_deny_root']);

/**
 * faillock.conf(5): `name = value` or a bare flag; `#` starts a comment anywhere on the line
 * (pam_faillock cuts the line at the first `#`); unknown names are logged by the module and
 * skipped, so they set nothing.
 */
export function parseFaillock(file: string, text: string): { model: FaillockFile; diagnostics: Diagnostic[] } {
  const settings: SystemSetting[] = [];
  const ignored: IgnoredLine[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.split('#')[0]!.trim();
    if (!body) return;
    const column = raw.indexOf(body) + 1;
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).trim();
    const value = eq < 0 ? null : body.slice(eq + 1).trim();
    const known = value === null ? FLAGS.has(name) : VALUED.has(name);
    if (!known) {
      const reason = VALUED.has(name) ? `${name} needs a value` : FLAGS.has(name) ? `${name} is a flag and takes no value` : `unknown option ${name}`;
      ignored.push({ line, column, text: raw, meant: name, reason });
      diagnostics.push({ level: 'warning', code: 'faillock/ignored-line', message: `pam_faillock ignores this line: ${reason}`, location: { file, line, column } });
      return;
    }
    settings.push({ name, value, line, column, text: raw });
  });
  return { model: { file, settings, ignored }, diagnostics };
}

export const parser: ArtifactParser = {
  kind: 'faillock',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseFaillock(input.artifact.path, input.content.toString('utf8'));
    return { models: { faillock: [model] }, diagnostics };
  },
};
