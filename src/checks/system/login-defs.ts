import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import { parseLoginDefsNumber } from '../../parsers/login-defs/index.js';
import { lastSetting } from './common.js';

const hasLoginDefs = (inv: Inventory): boolean => modelsOf(inv, 'login-defs').length > 0;

/**
 * PCI DSS 8.3.9: passwords (as the only factor) changed at least every 90 days. login.defs
 * sets the maximum age only for accounts created afterwards, so every message says so.
 */
export const loginDefsMaxDays: Check = {
  name: 'system.login-defs-max-days',
  target: 'system',
  description: 'login.defs PASS_MAX_DAYS is set and at most max_days (applies to new accounts only).',
  paramsSchema: { type: 'object', properties: { max_days: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  messageIds: ['pass', 'fail', 'unset'],
  appliesTo: hasLoginDefs,
  run: ({ inventory, params }): CheckOutcome[] => {
    const max = (params['max_days'] as number | undefined) ?? 90;
    return modelsOf(inventory, 'login-defs').map((f): CheckOutcome => {
      const found = lastSetting([f], 'PASS_MAX_DAYS');
      const assumptions = ['PASS_MAX_DAYS applies only to accounts created after it is set; existing accounts keep their /etc/shadow maximum (chage -M)'];
      if (!found) return { status: 'fail', messageId: 'unset', key: 'PASS_MAX_DAYS', location: { file: f.file }, data: { file: f.file, max }, assumptions };
      const days = parseLoginDefsNumber(found.setting.value ?? '')!;
      const ok = days >= 0 && days <= max;
      return {
        status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', key: 'PASS_MAX_DAYS',
        location: { file: f.file, line: found.setting.line, column: found.setting.column },
        evidence: found.setting.text.trim(), data: { days, max }, assumptions,
      };
    });
  },
};

/** Lines shadow silently ignores or cannot parse: the setting the author wrote does not exist. */
export const loginDefsIgnoredLine: Check = {
  name: 'system.login-defs-ignored-line',
  target: 'system',
  description: 'login.defs lines that shadow ignores (NAME=value, lower-case names, unparsable numbers).',
  messageIds: ['pass', 'fail'],
  appliesTo: hasLoginDefs,
  run: ({ inventory }): CheckOutcome[] =>
    modelsOf(inventory, 'login-defs').flatMap((f): CheckOutcome[] => {
      if (!f.ignored.length) return [{ status: 'pass', messageId: 'pass', key: 'file', location: { file: f.file }, data: { file: f.file } }];
      return f.ignored.map((g) => ({
        status: 'fail', messageId: 'fail', key: g.meant ?? `line:${g.text.trim()}`,
        location: { file: f.file, line: g.line, column: g.column }, evidence: g.text.trim(),
        data: { reason: g.reason, meant: g.meant ?? 'the item' },
      }));
    }),
};
