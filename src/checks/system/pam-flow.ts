import type { StackRule } from './common.js';
import { moduleName } from './common.js';

/** Modules that check the password itself (the one whose failure pam_faillock authfail must see). */
export const PASSWORD_MODULES = new Set(['pam_unix', 'pam_sss', 'pam_ldap', 'pam_krb5', 'pam_winbind', 'pam_userdb', 'pam_pwdfile']);

type Action = 'ok' | 'ignore' | 'bad' | 'die' | 'done' | 'reset' | number;

/** The keyword controls as pam.conf(5) defines them in the bracket syntax. */
const KEYWORDS: Record<string, Record<string, Action>> = {
  required: { success: 'ok', new_authtok_reqd: 'ok', ignore: 'ignore', default: 'bad' },
  requisite: { success: 'ok', new_authtok_reqd: 'ok', ignore: 'ignore', default: 'die' },
  sufficient: { success: 'done', new_authtok_reqd: 'done', default: 'ignore' },
  optional: { success: 'ok', new_authtok_reqd: 'ok', default: 'ignore' },
};

function actions(control: string): Record<string, Action> | undefined {
  const kw = KEYWORDS[control];
  if (kw) return kw;
  const m = /^\[(.*)\]$/.exec(control.trim());
  if (!m) return undefined;
  const out: Record<string, Action> = {};
  for (const pair of m[1]!.trim().split(/\s+/)) {
    const [k, v] = pair.split('=');
    if (!k || v === undefined) continue;
    out[k.toLowerCase()] = /^\d+$/.test(v) ? parseInt(v, 10) : (v.toLowerCase() as Action);
  }
  return out;
}

export interface AuthWalk {
  /** Indices (into the auth rules) that ran, in order. */
  visited: number[];
  /** The line whose control ended the walk early, if one did. */
  stoppedBy?: StackRule;
}

/**
 * Walks the auth stack as libpam would for a login with a WRONG password: the password
 * module returns auth_err, pam_deny fails, every other module succeeds. Jumps (`success=1`)
 * skip lines; `die` and `done` end the stack. Lines whose control cannot be read end the walk.
 */
export function walkWrongPassword(auth: StackRule[]): AuthWalk {
  const visited: number[] = [];
  let i = 0;
  for (let steps = 0; i < auth.length && steps < 1000; steps++) {
    visited.push(i);
    const r = auth[i]!.rule;
    const mod = moduleName(r);
    const result = PASSWORD_MODULES.has(mod) || mod === 'pam_deny' ? 'auth_err' : 'success';
    const table = actions(r.control);
    if (!table) return { visited, stoppedBy: auth[i]! };
    const action = table[result] ?? table['default'] ?? 'bad';
    if (action === 'die' || action === 'done') return { visited, stoppedBy: auth[i]! };
    i += typeof action === 'number' ? action + 1 : 1;
  }
  return { visited };
}
