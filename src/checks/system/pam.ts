import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import { moduleName, notEvaluated, pamStack, vsftpdPamService } from './common.js';
import { PASSWORD_MODULES, walkWrongPassword } from './pam-flow.js';

const hasPam = (inv: Inventory): boolean => modelsOf(inv, 'pam').length > 0;

/**
 * Passwords are changed through passwd's stack (Debian's common-password, Red Hat's
 * system-auth/password-auth), not through a service such as vsftpd's that has no password
 * lines. Password-history and -quality rules judge only a tree that holds such a stack:
 * with vsftpd's file alone there is nothing to judge, not a failure.
 */
const PASSWORD_CHANGE_SERVICES = new Set(['common-password', 'system-auth', 'password-auth', 'passwd']);
const hasPasswordStack = (inv: Inventory): boolean =>
  modelsOf(inv, 'pam').some((f) => PASSWORD_CHANGE_SERVICES.has(f.service) || f.rules.some((r) => r.type === 'password'));

/**
 * PCI DSS 8.3.4 needs the *account* locked: pam_faillock in vsftpd's auth stack, once with
 * `preauth` (refuses a locked account before the password is checked) and once with
 * `authfail` (counts the failure). fail2ban bans addresses, not user IDs, so it does not count.
 */
export const pamFaillockMissing: Check = {
  name: 'system.pam-faillock-missing',
  target: 'system',
  description: "vsftpd's PAM auth stack (includes expanded) has pam_faillock preauth and authfail.",
  messageIds: ['pass', 'fail', 'unreachable', 'notEvaluated'],
  appliesTo: hasPam,
  run: ({ inventory }): CheckOutcome[] => {
    const { service, source } = vsftpdPamService(inventory);
    const files = modelsOf(inventory, 'pam');
    const stack = pamStack(files, service);
    if (!stack) return [notEvaluated(service, `no pam.d/${service} among the scanned files (service from ${source})`)];
    const root = files.find((f) => f.service === service)!;
    const faillock = stack.rules.filter((r) => r.rule.type === 'auth' && moduleName(r.rule) === 'pam_faillock');
    const has = (arg: string) => faillock.find((r) => r.rule.args.includes(arg));
    const missing = ['preauth', 'authfail'].filter((a) => !has(a));
    const assumptions = stack.missing.length ? [`included files not scanned: ${stack.missing.join(', ')}`] : [];
    // An unscanned include could hold the missing lines: say so rather than guess.
    if (missing.length && stack.missing.length) return [notEvaluated(service, `pam.d/${service} lacks ${missing.map((m) => `pam_faillock.so ${m}`).join(' and ')} but includes files that were not scanned (${stack.missing.join(', ')})`, root.file)];
    const where = has('preauth') ?? faillock[0];
    const location = where ? { file: where.file, line: where.rule.line } : { file: root.file };
    if (!missing.length) {
      // Present is not enough: on a wrong password, preauth must run before the password
      // module and authfail after it (a `requisite` pam_unix or a jump can skip it).
      const auth = stack.rules.filter((r) => r.rule.type === 'auth');
      const pw = auth.findIndex((r) => PASSWORD_MODULES.has(moduleName(r.rule)));
      if (pw < 0) assumptions.push('no known password module (pam_unix, pam_sss, ...) in the auth stack, so the order was not checked');
      else {
        const walk = walkWrongPassword(auth);
        const ran = (arg: string) => auth.some((r, i) => r.rule.args.includes(arg) && moduleName(r.rule) === 'pam_faillock' && walk.visited.includes(i) && (arg === 'preauth' ? i < pw : i > pw));
        const skipped = ['preauth', 'authfail'].filter((a) => !ran(a));
        if (skipped.length) {
          const stop = walk.stoppedBy;
          const cause = stop ? `${stop.file}:${stop.rule.line} (${stop.rule.control} ${moduleName(stop.rule)}) ends the stack` : 'jumps skip it';
          const line = auth[pw]!;
          return [{ status: 'fail', messageId: 'unreachable', key: service, location: { file: line.file, line: line.rule.line }, evidence: line.rule.text.trim(), assumptions,
            data: { service, source, skipped: skipped.map((m) => `pam_faillock.so ${m}`).join(' and '), module: moduleName(line.rule), cause } }];
        }
      }
    }
    return [{
      status: missing.length ? 'fail' : 'pass', messageId: missing.length ? 'fail' : 'pass', key: service, location,
      ...(where ? { evidence: where.rule.text.trim() } : {}), assumptions,
      data: { service, source, missing: missing.map((m) => `pam_faillock.so ${m}`).join(' and ') },
    }];
  },
};

/** pwquality.conf only matters if pam_pwquality is in a password stack that PAM runs. */
export const pwqualityNotInPam: Check = {
  name: 'system.pwquality-not-in-pam',
  target: 'system',
  description: 'pwquality.conf is scanned but no scanned PAM password stack calls pam_pwquality.',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: (inv) => modelsOf(inv, 'pwquality').length > 0,
  run: ({ inventory }): CheckOutcome[] => {
    const conf = modelsOf(inventory, 'pwquality').find((f) => !f.dropIn) ?? modelsOf(inventory, 'pwquality')[0]!;
    const pam = modelsOf(inventory, 'pam');
    if (!pam.length) return [notEvaluated('pam_pwquality', 'no pam.d files were scanned, so it is unknown whether pam_pwquality reads this file', conf.file)];
    for (const f of pam) {
      const r = f.rules.find((x) => x.type === 'password' && moduleName(x) === 'pam_pwquality');
      if (r) return [{ status: 'pass', messageId: 'pass', key: 'pam_pwquality', location: { file: f.file, line: r.line }, evidence: r.text.trim(), data: { pamFile: f.file, conf: conf.file } }];
    }
    return [{ status: 'fail', messageId: 'fail', key: 'pam_pwquality', location: { file: conf.file }, data: { conf: conf.file, pamFiles: pam.length } }];
  },
};

/** pam_pwhistory's default when no remember= is given (pam_pwhistory(8)). */
const PWHISTORY_DEFAULT = 10;

/** PCI DSS 8.3.7: a new password differs from the last 4 (pam_pwhistory or pam_unix remember=). */
export const pwhistoryRemember: Check = {
  name: 'system.pwhistory-remember',
  target: 'system',
  description: 'A PAM password stack remembers at least min_remember old passwords (pam_pwhistory or pam_unix remember=).',
  paramsSchema: { type: 'object', properties: { min_remember: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  messageIds: ['pass', 'fail', 'absent'],
  appliesTo: hasPasswordStack,
  run: ({ inventory, params }): CheckOutcome[] => {
    const need = (params['min_remember'] as number | undefined) ?? 4;
    const out: CheckOutcome[] = [];
    const pam = modelsOf(inventory, 'pam');
    for (const f of pam) {
      for (const r of f.rules) {
        const mod = moduleName(r);
        if (r.type !== 'password' || (mod !== 'pam_pwhistory' && mod !== 'pam_unix')) continue;
        const arg = r.args.find((a) => a.startsWith('remember='));
        if (mod === 'pam_unix' && !arg) continue;
        const remember = arg ? parseInt(arg.slice('remember='.length), 10) : PWHISTORY_DEFAULT;
        const ok = Number.isFinite(remember) && remember >= need;
        out.push({
          status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', key: `${f.service}/${mod}`,
          location: { file: f.file, line: r.line }, evidence: r.text.trim(),
          data: { module: mod, remember: arg ? remember : `${remember} (default)`, need },
        });
      }
    }
    // Point at the shared password stack where the line belongs (Debian, then Red Hat names).
    const home = ['common-password', 'system-auth', 'password-auth'].map((n) => pam.find((f) => f.service === n)).find(Boolean) ?? pam[0]!;
    if (!out.length) out.push({ status: 'fail', messageId: 'absent', key: 'absent', location: { file: home.file }, data: { need, pamFiles: pam.length } });
    return out;
  },
};
