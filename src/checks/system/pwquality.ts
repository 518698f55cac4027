import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { PwqualityFile } from '../../model/system.js';
import { intOf, lastSetting, moduleName } from './common.js';

/** libpwquality 1.4.5 defaults (pwquality.conf(5)). */
const DEFAULTS: Record<string, number> = { enforcing: 1, minlen: 8, dcredit: 0, ucredit: 0, lcredit: 0, ocredit: 0, minclass: 0 };
/** libpwquality refuses any password shorter than this whatever minlen says. */
const HARD_FLOOR = 6;
const hasPwquality = (inv: Inventory): boolean => modelsOf(inv, 'pwquality').length > 0;

/** Drop-ins first (alphabetically), the main file last: the order libpwquality reads them. */
export function readOrder(files: PwqualityFile[]): PwqualityFile[] {
  return [...files].sort((a, b) => Number(a.dropIn === false) - Number(b.dropIn === false) || a.file.localeCompare(b.file));
}

interface Effective { value: number; where: string; line?: number; column?: number; file?: string; text?: string }

/** A pam_pwquality line and its `name=value` arguments (names lower-cased, as libpwquality reads them). */
interface PamPwqualityLine { file: string; line: number; text: string; args: Map<string, string> }

/**
 * pam_pwquality(8): "The module arguments override the settings in the configuration file."
 * Only lines that set one of `names` change the verdict; each is judged on its own.
 */
function overridingLines(inv: Inventory, names: string[]): PamPwqualityLine[] {
  return modelsOf(inv, 'pam').flatMap((f) => f.rules
    .filter((r) => r.type === 'password' && moduleName(r) === 'pam_pwquality')
    .map((r) => ({ file: f.file, line: r.line, text: r.text.trim(), args: new Map(r.args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')).toLowerCase(), a.slice(a.indexOf('=') + 1)])) }))
    .filter((l) => names.some((n) => l.args.has(n))));
}

export function effectivePwquality(files: PwqualityFile[], name: string, pamLine?: PamPwqualityLine): Effective {
  const arg = pamLine?.args.get(name);
  if (pamLine && arg !== undefined && /^[+-]?\d+$/.test(arg)) return { value: parseInt(arg, 10), where: `argument on ${pamLine.file}:${pamLine.line}`, line: pamLine.line, column: 1, file: pamLine.file, text: pamLine.text };
  const found = lastSetting(readOrder(files), name);
  const v = found ? intOf(found.setting) : undefined;
  if (!found || v === undefined) return { value: DEFAULTS[name]!, where: 'default' };
  return { value: v, where: `${found.file}:${found.setting.line}`, line: found.setting.line, column: found.setting.column, file: found.file, text: found.setting.text.trim() };
}

/**
 * The shortest password libpwquality can accept: each character of a class with a positive
 * credit counts twice (up to the credit), so positive credits lower the real minimum below minlen.
 */
export function shortestAccepted(minlen: number, credits: number[]): number {
  const bonus = credits.filter((c) => c > 0).reduce((a, b) => a + b, 0);
  let len = HARD_FLOOR;
  while (len + Math.min(len, bonus) < minlen) len++;
  return Math.max(len, HARD_FLOOR);
}

function locate(files: PwqualityFile[], e: Effective): Pick<CheckOutcome, 'location' | 'evidence'> {
  const main = readOrder(files).at(-1)!;
  return e.file ? { location: { file: e.file, line: e.line!, column: e.column! }, evidence: e.text! } : { location: { file: main.file } };
}

/** PCI DSS 8.3.6: at least 12 characters, counting what positive credits take away. */
export const pwqualityMinlen: Check = {
  name: 'system.pwquality-minlen',
  target: 'system',
  description: 'The shortest password pwquality accepts (minlen minus positive credits) is at least min_length.',
  paramsSchema: { type: 'object', properties: { min_length: { type: 'integer', minimum: 6 } }, additionalProperties: false },
  messageIds: ['pass', 'fail', 'creditsLower'],
  appliesTo: (inv) => hasPwquality(inv) || overridingLines(inv, ['minlen', 'dcredit', 'ucredit', 'lcredit', 'ocredit']).length > 0,
  run: ({ inventory, params }): CheckOutcome[] => {
    const need = (params['min_length'] as number | undefined) ?? 12;
    const files = modelsOf(inventory, 'pwquality');
    const NAMES = ['minlen', 'dcredit', 'ucredit', 'lcredit', 'ocredit'];
    const judge = (pamLine?: PamPwqualityLine): CheckOutcome => {
      const minlen = effectivePwquality(files, 'minlen', pamLine);
      const credits = NAMES.slice(1).map((n) => effectivePwquality(files, n, pamLine).value);
      const shortest = shortestAccepted(minlen.value, credits);
      const data = { minlen: minlen.value, where: minlen.where, shortest, need };
      const at = pamLine ? { location: { file: pamLine.file, line: pamLine.line }, evidence: pamLine.text } : locate(files, minlen);
      const key = pamLine ? `${pamLine.file}:minlen` : 'minlen';
      if (shortest >= need) return { status: 'pass', messageId: 'pass', key, ...at, data };
      return { status: 'fail', messageId: minlen.value >= need ? 'creditsLower' : 'fail', key, ...at, data };
    };
    return [...(files.length ? [judge()] : []), ...overridingLines(inventory, NAMES).map(judge)];
  },
};

/**
 * PCI DSS 8.3.6: alphabetic and numeric characters. Only negative credits make a class
 * mandatory; minclass=2 is satisfied by upper+lower case alone, so it does not count.
 */
export const pwqualityLetterDigit: Check = {
  name: 'system.pwquality-letter-digit',
  target: 'system',
  description: 'pwquality requires a digit (dcredit <= -1) and a letter (lcredit or ucredit <= -1).',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => hasPwquality(inv) || overridingLines(inv, ['dcredit', 'lcredit', 'ucredit']).length > 0,
  run: ({ inventory }): CheckOutcome[] => {
    const files = modelsOf(inventory, 'pwquality');
    const judge = (pamLine?: PamPwqualityLine): CheckOutcome => {
      const d = effectivePwquality(files, 'dcredit', pamLine);
      const l = effectivePwquality(files, 'lcredit', pamLine);
      const u = effectivePwquality(files, 'ucredit', pamLine);
      const minclass = effectivePwquality(files, 'minclass', pamLine).value;
      const missing = [d.value <= -1 ? '' : 'a digit (dcredit <= -1)', l.value <= -1 || u.value <= -1 ? '' : 'a letter (lcredit or ucredit <= -1)'].filter(Boolean);
      const data = { dcredit: d.value, lcredit: l.value, ucredit: u.value, minclass, missing: missing.join(' and ') };
      const at = d.value > -1 ? d : l.value > -1 && u.value > -1 ? l : d;
      const where = pamLine ? { location: { file: pamLine.file, line: pamLine.line }, evidence: pamLine.text } : locate(files, at);
      return { status: missing.length ? 'fail' : 'pass', messageId: missing.length ? 'fail' : 'pass', key: pamLine ? `${pamLine.file}:classes` : 'classes', ...where, data };
    };
    return [...(files.length ? [judge()] : []), ...overridingLines(inventory, ['dcredit', 'lcredit', 'ucredit']).map(judge)];
  },
};

/** enforcing=0: pam_pwquality only prints a warning and lets the weak password through. */
export const pwqualityNotEnforcing: Check = {
  name: 'system.pwquality-not-enforcing',
  target: 'system',
  description: 'pwquality enforcing is not 0 (0 makes pam_pwquality warn but accept).',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => hasPwquality(inv) || overridingLines(inv, ['enforcing']).length > 0,
  run: ({ inventory }): CheckOutcome[] => {
    const files = modelsOf(inventory, 'pwquality');
    const judge = (pamLine?: PamPwqualityLine): CheckOutcome => {
      const e = effectivePwquality(files, 'enforcing', pamLine);
      const ok = e.value !== 0;
      const where = pamLine ? { location: { file: pamLine.file, line: pamLine.line }, evidence: pamLine.text } : locate(files, e);
      return { status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', key: pamLine ? `${pamLine.file}:enforcing` : 'enforcing', ...where, data: { value: e.value, where: e.where } };
    };
    return [...(files.length ? [judge()] : []), ...overridingLines(inventory, ['enforcing']).map(judge)];
  },
};
