import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { Fail2banEntry, Fail2banFile } from '../../model/system.js';

/** The vsftpd filter: filter.d/vsftpd.conf, overridden key by key by filter.d/vsftpd.local. */
function vsftpdFilters(inv: Inventory): Fail2banFile[] {
  return modelsOf(inv, 'fail2ban')
    .filter((f) => f.role === 'filter' && /(^|\/)vsftpd\.(conf|local)$/.test(f.file))
    .sort((a, b) => Number(a.file.endsWith('.local')) - Number(b.file.endsWith('.local')));
}

function definition(files: Fail2banFile[]): { get(key: string): { entry: Fail2banEntry; file: string } | undefined } {
  return {
    get(key) {
      let found: { entry: Fail2banEntry; file: string } | undefined;
      for (const f of files) for (const s of f.sections) if ((s.name === 'Definition' || s.name === 'DEFAULT') && s.entries[key]) found = { entry: s.entries[key]!, file: f.file };
      return found;
    },
  };
}

/** fail2ban's host tag, as the pre-1.0 definition and close enough to 1.0's for addresses. */
const HOST = '(?:::f{4,6}:)?(?<host>[\\w\\-.^_:]*\\w)';

/** A fail2ban (Python) failregex as a JS RegExp, or a reason why not. */
export function toJsRegex(py: string): RegExp | string {
  if (/%\([^)]+\)s/.test(py)) return `refers to ${/%\(([^)]+)\)s/.exec(py)![1]} from a file that was not scanned`;
  let first = true;
  const src = py
    .replace(/<(HOST|ADDR|IP4|IP6)>/g, () => { const s = first ? HOST : HOST.replace('?<host>', '?:'); first = false; return s; })
    .replace(/<\/?F-[A-Z0-9_-]+>/g, '')
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try { return new RegExp(src); } catch (e) { return `not a regular expression JavaScript can run (${(e as Error).message})`; }
}

const REAL = '198.51.100.7';
const CHOSEN = '192.0.2.66';
/**
 * User names an attacker sends in USER; vsftpd writes them verbatim (printable characters
 * are not escaped) inside `[...]` before `FAIL LOGIN: Client "<address>"`.
 */
const PAYLOADS = [`x] FAIL LOGIN: Client "${CHOSEN}",`, `x] FAIL LOGIN: Client "${CHOSEN}"`];
/** The log line after fail2ban has cut the date off (the stock regex starts with "^ \[pid"). */
const logLine = (user: string) => ` [pid 4242] [${user}] FAIL LOGIN: Client "${REAL}"`;

/**
 * A failregex that lets the user name decide which address is banned turns fail2ban into a
 * tool to lock out anyone (an admin's address, the monitoring host). Judged by behaviour:
 * each failregex line is run on log lines an attacker can produce; it must never yield an
 * address other than the real client's. Debian 12's stock filter.d/vsftpd.conf does
 * (verified with fail2ban-regex).
 */
export const fail2banFilterHostInjection: Check = {
  name: 'system.fail2ban-filter-host-injection',
  target: 'system',
  description: "The vsftpd filter's failregex cannot be steered by a crafted user name into banning another address.",
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: (inv) => vsftpdFilters(inv).length > 0,
  run: ({ inventory }): CheckOutcome[] => {
    const filters = vsftpdFilters(inventory);
    const found = definition(filters).get('failregex');
    if (!found) return [{ status: 'not-evaluated', messageId: 'notEvaluated', key: 'failregex', location: { file: filters[0]!.file }, data: { reason: 'no failregex in the scanned vsftpd filter' } }];
    const out: CheckOutcome[] = [];
    const skipped: string[] = [];
    found.entry.value.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
      const re = toJsRegex(line);
      if (typeof re === 'string') { skipped.push(`failregex line ${i + 1}: ${re}`); return; }
      const hit = PAYLOADS.map((p) => ({ p, host: re.exec(logLine(p))?.groups?.['host'] })).find((h) => h.host !== undefined && h.host !== REAL && h.host.replace(/^::ffff:/, '') !== REAL);
      out.push({
        status: hit ? 'fail' : 'pass', messageId: hit ? 'fail' : 'pass', key: `failregex/${i + 1}`,
        location: { file: found.file, line: found.entry.lines[i] ?? found.entry.line }, evidence: line,
        data: { n: i + 1, user: hit?.p ?? '', banned: hit?.host ?? '', real: REAL },
      });
    });
    if (!out.length) return [{ status: 'not-evaluated', messageId: 'notEvaluated', key: 'failregex', location: { file: found.file, line: found.entry.line }, data: { reason: skipped.join('; ') } }];
    if (skipped.length) for (const o of out) o.assumptions = skipped;
    return out;
  },
};
