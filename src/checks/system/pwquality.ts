import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { PwqualityFile } from '../../model/system.js';
import { intOf, lastSetting } from './common.js';

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

export function effectivePwquality(files: PwqualityFile[], name: string): Effective {
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
  appliesTo: hasPwquality,
  run: ({ inventory, params }): CheckOutcome[] => {
    const need = (params['min_length'] as number | undefined) ?? 12;
    const files = modelsOf(inventory, 'pwquality');
    const minlen = effectivePwquality(files, 'minlen');
    const credits = ['dcredit', 'ucredit', 'lcredit', 'ocredit'].map((n) => effectivePwquality(files, n).value);
    const shortest = shortestAccepted(minlen.value, credits);
    const data = { minlen: minlen.value, where: minlen.where, shortest, need };
    if (shortest >= need) return [{ status: 'pass', messageId: 'pass', key: 'minlen', ...locate(files, minlen), data }];
    return [{ status: 'fail', messageId: minlen.value >= need ? 'creditsLower' : 'fail', key: 'minlen', ...locate(files, minlen), data }];
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
  appliesTo: hasPwquality,
  run: ({ inventory }): CheckOutcome[] => {
    const files = modelsOf(inventory, 'pwquality');
    const d = effectivePwquality(files, 'dcredit');
    const l = effectivePwquality(files, 'lcredit');
    const u = effectivePwquality(files, 'ucredit');
    const minclass = effectivePwquality(files, 'minclass').value;
    const missing = [d.value <= -1 ? '' : 'a digit (dcredit <= -1)', l.value <= -1 || u.value <= -1 ? '' : 'a letter (lcredit or ucredit <= -1)'].filter(Boolean);
    const data = { dcredit: d.value, lcredit: l.value, ucredit: u.value, minclass, missing: missing.join(' and ') };
    const at = d.value > -1 ? d : l.value > -1 && u.value > -1 ? l : d;
    return [{ status: missing.length ? 'fail' : 'pass', messageId: missing.length ? 'fail' : 'pass', key: 'classes', ...locate(files, at), data }];
  },
};

/** enforcing=0: pam_pwquality only prints a warning and lets the weak password through. */
export const pwqualityNotEnforcing: Check = {
  name: 'system.pwquality-not-enforcing',
  target: 'system',
  description: 'pwquality enforcing is not 0 (0 makes pam_pwquality warn but accept).',
  messageIds: ['pass', 'fail'],
  appliesTo: hasPwquality,
  run: ({ inventory }): CheckOutcome[] => {
    const files = modelsOf(inventory, 'pwquality');
    const e = effectivePwquality(files, 'enforcing');
    const ok = e.value !== 0;
    return [{ status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', key: 'enforcing', ...locate(files, e), data: { value: e.value, where: e.where } }];
  },
};
