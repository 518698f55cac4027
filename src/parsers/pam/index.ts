import type { Diagnostic } from '../../model/diagnostic.js';
import type { PamFile, PamRule } from '../../model/system.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';

const TYPES = new Set(['auth', 'account', 'password', 'session']);

/** Splits a PAM line into words, keeping a `[...]` group (control or argument) as one word. */
function words(body: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    while (i < body.length && /\s/.test(body[i]!)) i++;
    if (i >= body.length) break;
    let j = i;
    while (j < body.length && !/\s/.test(body[j]!)) {
      if (body[j] === '[') {
        const close = body.indexOf(']', j);
        j = close < 0 ? body.length : close + 1;
      } else j++;
    }
    out.push(body.slice(i, j));
    i = j;
  }
  return out;
}

/**
 * pam.d(5) service files: `type control module-path args`, `#` to end of line is a comment,
 * a trailing backslash continues the line, controls may be `[value=action ...]`, and
 * Debian's `@include service` pulls in another file. A malformed line is skipped by libpam
 * (it logs an error), so it is a diagnostic here, not a rule.
 */
export function parsePam(file: string, text: string): { model: PamFile; diagnostics: Diagnostic[] } {
  const rules: PamRule[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i]!;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++i]!;
    const body = raw.split('#')[0]!.trim();
    if (!body) continue;
    const w = words(body);
    if (w[0] === '@include') {
      if (w[1]) rules.push({ type: '@include', control: 'include', module: w[1], args: [], line, text: raw });
      continue;
    }
    const type = (w[0] ?? '').replace(/^-/, '').toLowerCase();
    if (!TYPES.has(type) || w.length < 3) {
      diagnostics.push({ level: 'warning', code: 'pam/bad-line', message: `libpam skips this line: expected "type control module [args]"`, location: { file, line } });
      continue;
    }
    rules.push({ type, control: w[1]!, module: w[2]!, args: w.slice(3), line, text: raw });
  }
  const service = file.split('/').pop() ?? file;
  return { model: { file, service, rules }, diagnostics };
}

export const parser: ArtifactParser = {
  kind: 'pam',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parsePam(input.artifact.path, input.content.toString('utf8'));
    return { models: { pam: [model] }, diagnostics };
  },
};
