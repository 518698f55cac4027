import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import { intOf, lastSetting, moduleName } from './common.js';

/**
 * pam_faillock lines that set the option as a module argument (`deny=20`): the argument
 * overrides faillock.conf for that line, so each is judged on its own.
 */
function argOverrides(inv: Inventory, option: string): { file: string; line: number; text: string; value: string }[] {
  return modelsOf(inv, 'pam').flatMap((f) => f.rules
    .filter((r) => moduleName(r) === 'pam_faillock')
    .flatMap((r) => r.args.filter((a) => a.startsWith(`${option}=`)).map((a) => ({ file: f.file, line: r.line, text: r.text.trim(), value: a.slice(option.length + 1) }))));
}

/** pam_faillock's compiled-in defaults (faillock.conf(5), Debian 12). */
const DEFAULT_DENY = 3;
const DEFAULT_UNLOCK = 600;
const hasFaillock = (inv: Inventory): boolean => modelsOf(inv, 'faillock').length > 0;
const judges = (option: string) => (inv: Inventory): boolean => hasFaillock(inv) || argOverrides(inv, option).length > 0;

/**
 * PCI DSS 8.3.4: lock the user ID after at most N invalid attempts. deny=0 turns the
 * lockout off; an unset deny is the default 3, which is fine.
 */
export const faillockDeny: Check = {
  name: 'system.faillock-deny',
  target: 'system',
  description: 'pam_faillock deny (faillock.conf) is 1..max_attempts; unset means the default 3.',
  paramsSchema: { type: 'object', properties: { max_attempts: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  messageIds: ['pass', 'fail', 'disabled'],
  appliesTo: judges('deny'),
  run: ({ inventory, params }): CheckOutcome[] => {
    const max = (params['max_attempts'] as number | undefined) ?? 10;
    const overrides: CheckOutcome[] = argOverrides(inventory, 'deny').map((o): CheckOutcome => {
      const deny = /^\d+$/.test(o.value) ? parseInt(o.value, 10) : undefined;
      const ok = deny !== undefined && deny >= 1 && deny <= max;
      const base = { key: `${o.file}:deny`, location: { file: o.file, line: o.line }, evidence: o.text };
      const source = `argument on ${o.file}:${o.line}, overriding faillock.conf`;
      return deny === 0 ? { ...base, status: 'fail', messageId: 'disabled', data: { source, max } } : { ...base, status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', data: { deny: deny ?? o.value, source, max } };
    });
    const files = modelsOf(inventory, 'faillock');
    if (!files.length) return overrides;
    const found = lastSetting(files, 'deny');
    const deny = found ? intOf(found.setting) : DEFAULT_DENY;
    const source = found ? `${found.file}:${found.setting.line}` : `pam_faillock default, nothing set in ${files.map((f) => f.file).join(', ')}`;
    const location = found ? { file: found.file, line: found.setting.line, column: found.setting.column } : { file: files[files.length - 1]!.file };
    const evidence = found?.setting.text.trim();
    const base = { key: 'deny', location, ...(evidence ? { evidence } : {}), assumptions: modelsOf(inventory, 'pam').length ? [] : ['no pam.d files were scanned: a deny= argument on a pam_faillock line would override this file'] };
    if (deny === 0) return [{ ...base, status: 'fail', messageId: 'disabled', data: { source, max } }, ...overrides];
    const ok = deny !== undefined && deny >= 1 && deny <= max;
    return [...overrides, { ...base, status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', data: { deny: deny ?? String(found?.setting.value), source, max } }];
  },
};

/** PCI DSS 8.3.4: lock for at least 30 minutes or until an administrator unlocks (unlock_time=0/never). */
export const faillockUnlockTime: Check = {
  name: 'system.faillock-unlock-time',
  target: 'system',
  description: 'pam_faillock unlock_time is 0 (administrator unlock) or at least min_seconds; unset means the default 600.',
  paramsSchema: { type: 'object', properties: { min_seconds: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  messageIds: ['pass', 'passNever', 'fail'],
  appliesTo: judges('unlock_time'),
  run: ({ inventory, params }): CheckOutcome[] => {
    const min = (params['min_seconds'] as number | undefined) ?? 1800;
    const overrides: CheckOutcome[] = argOverrides(inventory, 'unlock_time').map((o): CheckOutcome => {
      const unlock = o.value === 'never' ? 0 : /^\d+$/.test(o.value) ? parseInt(o.value, 10) : undefined;
      const base = { key: `${o.file}:unlock_time`, location: { file: o.file, line: o.line }, evidence: o.text };
      const source = `argument on ${o.file}:${o.line}, overriding faillock.conf`;
      if (unlock === 0) return { ...base, status: 'pass', messageId: 'passNever', data: { source } };
      const ok = unlock !== undefined && unlock >= min;
      return { ...base, status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', data: { unlock: unlock ?? o.value, minutes: unlock === undefined ? '?' : Math.round(unlock / 60), source, min, minMinutes: Math.round(min / 60) } };
    });
    const files = modelsOf(inventory, 'faillock');
    if (!files.length) return overrides;
    const found = lastSetting(files, 'unlock_time');
    const unlock = !found ? DEFAULT_UNLOCK : found.setting.value === 'never' ? 0 : intOf(found.setting);
    const source = found ? `${found.file}:${found.setting.line}` : `pam_faillock default, nothing set in ${files.map((f) => f.file).join(', ')}`;
    const location = found ? { file: found.file, line: found.setting.line, column: found.setting.column } : { file: files[files.length - 1]!.file };
    const evidence = found?.setting.text.trim();
    const base = { key: 'unlock_time', location, ...(evidence ? { evidence } : {}), assumptions: modelsOf(inventory, 'pam').length ? [] : ['no pam.d files were scanned: a unlock_time= argument on a pam_faillock line would override this file'] };
    if (unlock === 0) return [{ ...base, status: 'pass', messageId: 'passNever', data: { source } }, ...overrides];
    const ok = unlock !== undefined && unlock >= min;
    return [...overrides, { ...base, status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', data: { unlock: unlock ?? String(found?.setting.value), minutes: unlock === undefined ? '?' : Math.round(unlock / 60), source, min, minMinutes: Math.round(min / 60) } }];
  },
};
