import { describe, expect, it } from 'vitest';
import type { CheckOutcome, RuleDefinition } from '../src/engine/types.js';
import type { Inventory, InventoryModels } from '../src/model/inventory.js';
import { checks } from '../src/checks/system/index.js';
import { buildConfig } from '../src/parsers/vsftpd/config.js';
import { parseFaillock } from '../src/parsers/faillock/index.js';
import { parseLoginDefs } from '../src/parsers/login-defs/index.js';
import { parsePwquality } from '../src/parsers/pwquality/index.js';
import { parsePam } from '../src/parsers/pam/index.js';
import { parseFail2ban } from '../src/parsers/fail2ban/index.js';
import { shortestAccepted } from '../src/checks/system/pwquality.js';
import { f2bSeconds } from '../src/checks/system/fail2ban-jail.js';

/** Each system check run directly on inputs that trip it and inputs that do not. */
const byName = new Map(checks.map((c) => [c.name, c]));
const rule = { id: 'system/test', messages: {} } as unknown as RuleDefinition;

interface Files { vsftpd?: string; faillock?: string; login?: string; pwquality?: Record<string, string>; pam?: Record<string, string>; f2b?: Record<string, string> }

function inventory(f: Files): Inventory {
  const models: Partial<InventoryModels> = {
    vsftpd: f.vsftpd === undefined ? [] : [buildConfig(Buffer.from(f.vsftpd), 'etc/vsftpd.conf', 'debian').config],
    faillock: f.faillock === undefined ? [] : [parseFaillock('etc/security/faillock.conf', f.faillock).model],
    'login-defs': f.login === undefined ? [] : [parseLoginDefs('etc/login.defs', f.login).model],
    pwquality: Object.entries(f.pwquality ?? {}).map(([p, t]) => parsePwquality(p, t).model),
    pam: Object.entries(f.pam ?? {}).map(([p, t]) => parsePam(`etc/pam.d/${p}`, t).model),
    fail2ban: Object.entries(f.f2b ?? {}).map(([p, t]) => parseFail2ban(`etc/fail2ban/${p}`, t).model),
  };
  return { settings: { flavor: 'debian', now: new Date(), roots: [], hostnames: [], expiryWarningDays: 30, live: false }, artifacts: [], models, diagnostics: [] };
}

function run(name: string, f: Files, params: Record<string, unknown> = {}): CheckOutcome[] {
  const check = byName.get(name);
  expect(check, name).toBeDefined();
  if (!check!.appliesTo(inventory(f))) return [{ status: 'not-applicable', messageId: 'notApplicable', key: 'na' }];
  return check!.run({ inventory: inventory(f), params, rule });
}
const one = (name: string, f: Files, params: Record<string, unknown> = {}) => { const o = run(name, f, params); expect(o).toHaveLength(1); return o[0]!; };

const VSFTPD_PAM_OK = 'auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\nauth required pam_permit.so\naccount required pam_faillock.so\n';
const DEBIAN_VSFTPD_PAM = 'auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed\n@include common-account\n@include common-session\n@include common-auth\nauth required pam_shells.so\n';
const DEBIAN_COMMON_AUTH = 'auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n';

describe('system checks, run directly', () => {
  it('every check has a system target and declared message ids', () => {
    for (const c of checks) { expect(c.target).toBe('system'); expect(c.messageIds?.length).toBeGreaterThan(0); }
  });

  it('system.faillock-deny: unset = default 3 passes; 20 and 0 fail, located', () => {
    expect(one('system.faillock-deny', { faillock: '# nothing\n' })).toMatchObject({ status: 'pass', data: { deny: 3 } });
    expect(one('system.faillock-deny', { faillock: 'deny = 10\n' }, { max_attempts: 10 }).status).toBe('pass');
    expect(one('system.faillock-deny', { faillock: 'audit\ndeny = 20\n' }, { max_attempts: 10 })).toMatchObject({ status: 'fail', messageId: 'fail', location: { file: 'etc/security/faillock.conf', line: 2 }, evidence: 'deny = 20' });
    expect(one('system.faillock-deny', { faillock: 'deny = 0\n' })).toMatchObject({ status: 'fail', messageId: 'disabled' });
    expect(run('system.faillock-deny', {})[0]!.status).toBe('not-applicable');
  });

  it('system.faillock-unlock-time: default 600 fails, 1800 passes, 0 and never pass as admin unlock', () => {
    expect(one('system.faillock-unlock-time', { faillock: 'deny = 3\n' }, { min_seconds: 1800 })).toMatchObject({ status: 'fail', data: { unlock: 600, minutes: 10 } });
    expect(one('system.faillock-unlock-time', { faillock: 'unlock_time = 1799\n' }, { min_seconds: 1800 }).status).toBe('fail');
    expect(one('system.faillock-unlock-time', { faillock: 'unlock_time = 1800\n' }, { min_seconds: 1800 }).status).toBe('pass');
    expect(one('system.faillock-unlock-time', { faillock: 'unlock_time = 0\n' })).toMatchObject({ status: 'pass', messageId: 'passNever' });
    expect(one('system.faillock-unlock-time', { faillock: 'unlock_time = never\n' })).toMatchObject({ status: 'pass', messageId: 'passNever' });
  });

  it('faillock: deny=/unlock_time= arguments on a pam_faillock line are judged on their own', () => {
    const pam = { vsftpd: 'auth required pam_faillock.so preauth deny=20 unlock_time=0\nauth [default=die] pam_faillock.so authfail deny=5 unlock_time=900\n' };
    expect(run('system.faillock-deny', { faillock: 'deny = 3\n', pam }, { max_attempts: 10 }).map((o) => [o.status, o.location?.file, o.location?.line])).toEqual([
      ['fail', 'etc/pam.d/vsftpd', 1], ['pass', 'etc/pam.d/vsftpd', 2], ['pass', 'etc/security/faillock.conf', 1],
    ]);
    // No faillock.conf scanned: only the explicit arguments are judged, never a guessed default.
    expect(run('system.faillock-unlock-time', { pam }, { min_seconds: 1800 }).map((o) => [o.status, o.messageId, o.location?.line])).toEqual([['pass', 'passNever', 1], ['fail', 'fail', 2]]);
    expect(run('system.faillock-unlock-time', { pam: { vsftpd: VSFTPD_PAM_OK } })[0]!.status).toBe('not-applicable');
  });

  it('system.pam-faillock-missing: follows pam_service_name and @include; needs preauth and authfail', () => {
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: VSFTPD_PAM_OK } })).toMatchObject({ status: 'pass', location: { file: 'etc/pam.d/vsftpd', line: 1 } });
    const authfailOnly = 'auth [default=die] pam_faillock.so authfail\n';
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: authfailOnly } })).toMatchObject({ status: 'fail', data: { missing: 'pam_faillock.so preauth' } });
    // Debian's stock stack with common-auth scanned: no faillock anywhere.
    const all = { vsftpd: DEBIAN_VSFTPD_PAM, 'common-auth': DEBIAN_COMMON_AUTH, 'common-account': 'account required pam_unix.so\n', 'common-session': 'session required pam_unix.so\n' };
    expect(one('system.pam-faillock-missing', { pam: all })).toMatchObject({ status: 'fail', data: { missing: 'pam_faillock.so preauth and pam_faillock.so authfail' } });
    // Faillock in an included file counts.
    expect(one('system.pam-faillock-missing', { pam: { ...all, 'common-auth': VSFTPD_PAM_OK } }).status).toBe('pass');
    // Unscanned includes: not a guess.
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: DEBIAN_VSFTPD_PAM } }).status).toBe('not-evaluated');
    // The service vsftpd uses is pam_service_name: "ftp" is the compiled-in default without the Debian file.
    expect(one('system.pam-faillock-missing', { vsftpd: 'pam_service_name=ftp\n', pam: { vsftpd: VSFTPD_PAM_OK, ftp: DEBIAN_COMMON_AUTH } })).toMatchObject({ status: 'fail', key: 'ftp' });
  });

  it('system.pam-faillock-missing: walks the stack for a wrong password; authfail behind a requisite pam_unix never runs', () => {
    const requisite = 'auth required pam_faillock.so preauth\nauth requisite pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth required pam_permit.so\n';
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: requisite } })).toMatchObject({ status: 'fail', messageId: 'unreachable', location: { line: 2 }, data: { skipped: 'pam_faillock.so authfail', cause: 'etc/pam.d/vsftpd:2 (requisite pam_unix) ends the stack' } });
    // A failure jump over authfail skips it too.
    const jump = 'auth required pam_faillock.so preauth\nauth [success=ok default=1] pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\n';
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: jump } }).messageId).toBe('unreachable');
    // preauth after the password module is too late.
    const late = 'auth [success=1 default=ignore] pam_unix.so\nauth required pam_faillock.so preauth\nauth [default=die] pam_faillock.so authfail\n';
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: late } })).toMatchObject({ messageId: 'unreachable', data: { skipped: 'pam_faillock.so preauth' } });
    // The Debian recipe (sufficient pam_unix, then authfail) is fine.
    const sufficient = 'auth required pam_faillock.so preauth\nauth sufficient pam_unix.so\nauth [default=die] pam_faillock.so authfail\n';
    expect(one('system.pam-faillock-missing', { pam: { vsftpd: sufficient } }).status).toBe('pass');
  });

  it('system.pwquality-minlen: default 8 fails; positive credits lower the real minimum', () => {
    expect(one('system.pwquality-minlen', { pwquality: { 'etc/security/pwquality.conf': '# all commented\n' } }, { min_length: 12 })).toMatchObject({ status: 'fail', messageId: 'fail', data: { minlen: 8, shortest: 8 } });
    expect(one('system.pwquality-minlen', { pwquality: { 'etc/security/pwquality.conf': 'minlen = 12\n' } }, { min_length: 12 }).status).toBe('pass');
    expect(one('system.pwquality-minlen', { pwquality: { 'etc/security/pwquality.conf': 'minlen = 12\ndcredit = 1\nucredit = 1\nlcredit = 1\nocredit = 1\n' } }, { min_length: 12 }))
      .toMatchObject({ status: 'fail', messageId: 'creditsLower', data: { shortest: 8 }, location: { line: 1 } });
  });

  it('system.pwquality-minlen: drop-ins first, main file last (the main file wins)', () => {
    const files = { 'etc/security/pwquality.conf': 'minlen = 9\n', 'etc/security/pwquality.conf.d/99-strong.conf': 'minlen = 14\n' };
    expect(one('system.pwquality-minlen', { pwquality: files }, { min_length: 12 })).toMatchObject({ status: 'fail', data: { minlen: 9 }, location: { file: 'etc/security/pwquality.conf' } });
    const onlyDropIn = { 'etc/security/pwquality.conf': '# commented\n', 'etc/security/pwquality.conf.d/99-strong.conf': 'minlen = 14\n' };
    expect(one('system.pwquality-minlen', { pwquality: onlyDropIn }, { min_length: 12 }).status).toBe('pass');
  });

  it('system.pwquality-letter-digit: needs dcredit <= -1 and a letter credit <= -1; minclass does not count', () => {
    const p = (t: string) => ({ pwquality: { 'etc/security/pwquality.conf': t } });
    expect(one('system.pwquality-letter-digit', p('dcredit = -1\nucredit = -1\n')).status).toBe('pass');
    expect(one('system.pwquality-letter-digit', p('minclass = 3\n'))).toMatchObject({ status: 'fail', data: { missing: 'a digit (dcredit <= -1) and a letter (lcredit or ucredit <= -1)' } });
    expect(one('system.pwquality-letter-digit', p('DCREDIT = -2\n'))).toMatchObject({ status: 'fail', data: { missing: 'a letter (lcredit or ucredit <= -1)' } });
  });

  it('pwquality: arguments on a pam_pwquality line override the file and are judged at that line', () => {
    const conf = { 'etc/security/pwquality.conf': 'minlen = 12\ndcredit = -1\nlcredit = -1\n' };
    const pam = { 'common-password': 'password requisite pam_pwquality.so retry=3 minlen=8 dcredit=0 enforcing=0\n' };
    expect(run('system.pwquality-minlen', { pwquality: conf, pam }, { min_length: 12 }).map((o) => [o.status, o.location?.file, o.data?.['where']])).toEqual([
      ['pass', 'etc/security/pwquality.conf', 'etc/security/pwquality.conf:1'],
      ['fail', 'etc/pam.d/common-password', 'argument on etc/pam.d/common-password:1'],
    ]);
    expect(run('system.pwquality-letter-digit', { pwquality: conf, pam }).map((o) => o.status)).toEqual(['pass', 'fail']);
    expect(run('system.pwquality-not-enforcing', { pwquality: conf, pam }).map((o) => o.status)).toEqual(['pass', 'fail']);
    // Arguments that change nothing the rule judges add no outcome.
    expect(run('system.pwquality-minlen', { pwquality: conf, pam: { 'common-password': 'password requisite pam_pwquality.so retry=3\n' } })).toHaveLength(1);
  });

  it('system.pwquality-not-enforcing: enforcing = 0 only warns; the default 1 passes', () => {
    const p = (t: string) => ({ pwquality: { 'etc/security/pwquality.conf': t } });
    expect(one('system.pwquality-not-enforcing', p('minlen = 12\n'))).toMatchObject({ status: 'pass', data: { value: 1, where: 'default' } });
    expect(one('system.pwquality-not-enforcing', p('minlen = 12\nEnforcing = 0\n'))).toMatchObject({ status: 'fail', location: { line: 2 } });
  });

  it('system.pwquality-not-in-pam: pwquality without pam_pwquality has no effect', () => {
    const conf = { 'etc/security/pwquality.conf': 'minlen = 12\n' };
    expect(one('system.pwquality-not-in-pam', { pwquality: conf, pam: { 'common-password': 'password [success=1 default=ignore] pam_unix.so obscure yescrypt\n' } }).status).toBe('fail');
    expect(one('system.pwquality-not-in-pam', { pwquality: conf, pam: { 'common-password': 'password requisite pam_pwquality.so retry=3\n' } })).toMatchObject({ status: 'pass', location: { file: 'etc/pam.d/common-password', line: 1 } });
    expect(one('system.pwquality-not-in-pam', { pwquality: conf }).status).toBe('not-evaluated');
  });

  it('system.pwhistory-remember: remember < 4 fails, default 10 passes, absent fails, pam_unix remember counts', () => {
    const pw = (t: string) => ({ pam: { 'common-password': t } });
    expect(one('system.pwhistory-remember', pw('password required pam_pwhistory.so remember=3\n'), { min_remember: 4 })).toMatchObject({ status: 'fail', data: { remember: 3 }, location: { line: 1 } });
    expect(one('system.pwhistory-remember', pw('password required pam_pwhistory.so use_authtok\n')).status).toBe('pass');
    expect(one('system.pwhistory-remember', pw('password sufficient pam_unix.so remember=5\n')).status).toBe('pass');
    expect(one('system.pwhistory-remember', pw('password sufficient pam_unix.so yescrypt\n'))).toMatchObject({ status: 'fail', messageId: 'absent', location: { file: 'etc/pam.d/common-password' } });
  });

  it('system.login-defs-max-days: > 90 and unset fail, the new-accounts-only caveat is attached', () => {
    expect(one('system.login-defs-max-days', { login: 'PASS_MAX_DAYS 99999\n' }, { max_days: 90 })).toMatchObject({ status: 'fail', data: { days: 99999 }, location: { line: 1 } });
    expect(one('system.login-defs-max-days', { login: 'PASS_MAX_DAYS 0x5A\n' }, { max_days: 90 })).toMatchObject({ status: 'pass', data: { days: 90 } });
    const trap = one('system.login-defs-max-days', { login: 'PASS_MAX_DAYS=90\n' });
    expect(trap).toMatchObject({ status: 'fail', messageId: 'unset' });
    expect(trap.assumptions?.[0]).toMatch(/only to accounts created after/);
  });

  it('system.login-defs-ignored-line: the silent PASS_MAX_DAYS=90 trap is located', () => {
    expect(run('system.login-defs-ignored-line', { login: 'PASS_MAX_DAYS 90\n' }).map((o) => o.status)).toEqual(['pass']);
    expect(run('system.login-defs-ignored-line', { login: '# x\nPASS_MAX_DAYS=90\nPASS_MIN_DAYS 1 # one\n' })).toMatchObject([
      { status: 'fail', location: { line: 2, column: 1 }, data: { meant: 'PASS_MAX_DAYS' } },
      { status: 'fail', location: { line: 3 }, data: { meant: 'PASS_MIN_DAYS' } },
    ]);
  });

  const JAIL_CONF = '[DEFAULT]\nenabled = false\nbantime = 10m\n[vsftpd]\nport = ftp\nlogpath = %(vsftpd_log)s\n';

  it('system.fail2ban-vsftpd-jail: disabled by default, enabled by jail.local / jail.d, absent fails', () => {
    expect(one('system.fail2ban-vsftpd-jail', { f2b: { 'jail.conf': JAIL_CONF } })).toMatchObject({ status: 'fail', messageId: 'disabled', location: { file: 'etc/fail2ban/jail.conf', line: 2 } });
    expect(one('system.fail2ban-vsftpd-jail', { f2b: { 'jail.conf': JAIL_CONF, 'jail.local': '[vsftpd]\nenabled = true\n' } }).status).toBe('pass');
    // jail.d/*.local is read after jail.local
    expect(one('system.fail2ban-vsftpd-jail', { f2b: { 'jail.conf': JAIL_CONF, 'jail.local': '[vsftpd]\nenabled = true\n', 'jail.d/zz.local': '[vsftpd]\nenabled = no\n' } })).toMatchObject({ status: 'fail', location: { file: 'etc/fail2ban/jail.d/zz.local' } });
    expect(one('system.fail2ban-vsftpd-jail', { f2b: { 'jail.local': '[sshd]\nenabled = true\n' } })).toMatchObject({ status: 'fail', messageId: 'absent' });
  });

  it('system.fail2ban-bantime: 10m fails with "not a lockout anyway", 30m and -1 pass, disabled jail n/a', () => {
    const on = (extra: string) => ({ f2b: { 'jail.conf': JAIL_CONF, 'jail.local': `[vsftpd]\nenabled = true\n${extra}` } });
    expect(one('system.fail2ban-bantime', on(''), { min_seconds: 1800 })).toMatchObject({ status: 'fail', data: { minutes: 10 }, location: { file: 'etc/fail2ban/jail.conf', line: 3 } });
    expect(one('system.fail2ban-bantime', on('bantime = 30m ; half an hour\n'), { min_seconds: 1800 }).status).toBe('pass');
    expect(one('system.fail2ban-bantime', on('bantime = -1\n')).status).toBe('pass');
    expect(one('system.fail2ban-bantime', { f2b: { 'jail.conf': JAIL_CONF } }).status).toBe('not-applicable');
    expect([f2bSeconds('10m'), f2bSeconds('1h 30m'), f2bSeconds('600'), f2bSeconds('1d'), f2bSeconds('soon')]).toEqual([600, 5400, 600, 86400, undefined]);
  });

  it('system.fail2ban-logpath: compares the resolved logpath with the log vsftpd writes FAIL LOGIN to', () => {
    const on = { 'jail.conf': JAIL_CONF, 'jail.local': '[vsftpd]\nenabled = true\n' };
    // dual_log_enable writes vsftpd_log_file; %(vsftpd_log)s resolves to the Debian default (an assumption).
    const ok = one('system.fail2ban-logpath', { vsftpd: 'xferlog_enable=YES\ndual_log_enable=YES\n', f2b: on });
    expect(ok).toMatchObject({ status: 'pass', data: { vsftpdLog: '/var/log/vsftpd.log' } });
    expect(ok.assumptions?.join()).toMatch(/vsftpd_log = \/var\/log\/vsftpd.log/);
    // xferlog_std_format=YES alone: no FAIL LOGIN lines at all.
    expect(one('system.fail2ban-logpath', { vsftpd: 'xferlog_enable=YES\nxferlog_std_format=YES\n', f2b: on })).toMatchObject({ status: 'fail', messageId: 'noVsftpdLog' });
    // A moved vsftpd log the jail does not follow.
    expect(one('system.fail2ban-logpath', { vsftpd: 'xferlog_enable=YES\nvsftpd_log_file=/srv/log/ftp.log\n', f2b: on })).toMatchObject({ status: 'fail', messageId: 'fail', data: { vsftpdLog: '/srv/log/ftp.log' } });
    // ... unless it does, through interpolation of a DEFAULT key.
    const follows = { ...on, 'jail.local': '[DEFAULT]\nftplog = /srv/log/ftp.log\n[vsftpd]\nenabled = true\nlogpath = %(ftplog)s\n' };
    expect(one('system.fail2ban-logpath', { vsftpd: 'xferlog_enable=YES\nvsftpd_log_file=/srv/log/ftp.log\n', f2b: follows })).toMatchObject({ status: 'pass', location: { file: 'etc/fail2ban/jail.local', line: 5 } });
    // PAM's auth.log is the filter's other source.
    expect(one('system.fail2ban-logpath', { vsftpd: 'xferlog_enable=NO\n', f2b: { ...on, 'jail.local': '[vsftpd]\nenabled = true\nlogpath = %(syslog_authpriv)s\n' } }).messageId).toBe('passPam');
    expect(one('system.fail2ban-logpath', { vsftpd: 'syslog_enable=YES\n', f2b: on }).status).toBe('not-evaluated');
    expect(one('system.fail2ban-logpath', { vsftpd: 'dual_log_enable=YES\n', f2b: { ...on, 'jail.d/journal.local': '[vsftpd]\nbackend = systemd\n' } })).toMatchObject({ status: 'not-evaluated', location: { file: 'etc/fail2ban/jail.d/journal.local', line: 2 } });
  });

  it('system.fail2ban-filter-host-injection: the stock vsftpd regex bans a chosen address, an end-anchored one does not', () => {
    const stock = '[Definition]\nfailregex = ^%(__prefix_line)s%(__pam_re)s\\s+authentication failure; rhost=<HOST>\n            ^ \\[pid \\d+\\] \\[[^\\]]+\\] FAIL LOGIN: Client "<HOST>"(?:\\s*$|,)\n';
    const out = run('system.fail2ban-filter-host-injection', { f2b: { 'filter.d/vsftpd.conf': stock } });
    expect(out).toMatchObject([{ status: 'fail', location: { file: 'etc/fail2ban/filter.d/vsftpd.conf', line: 3 }, data: { n: 2, banned: '192.0.2.66' } }]);
    expect(out[0]!.assumptions?.[0]).toMatch(/__prefix_line/);
    // A .local override replaces the failregex of the .conf.
    const fixed = '[Definition]\nfailregex = ^ \\[pid \\d+\\] \\[.*\\] FAIL LOGIN: Client "<HOST>"\\s*$\n';
    expect(run('system.fail2ban-filter-host-injection', { f2b: { 'filter.d/vsftpd.conf': stock, 'filter.d/vsftpd.local': fixed } })).toMatchObject([{ status: 'pass', location: { file: 'etc/fail2ban/filter.d/vsftpd.local', line: 2 } }]);
    expect(run('system.fail2ban-filter-host-injection', { f2b: { 'jail.local': '[vsftpd]\nenabled = true\n' } })[0]!.status).toBe('not-applicable');
  });

  it('shortestAccepted follows the credit arithmetic', () => {
    expect([shortestAccepted(12, [0, 0, 0, 0]), shortestAccepted(12, [1, 1, 1, 1]), shortestAccepted(12, [-1, 1, 0, 0]), shortestAccepted(8, [0, 0, 0, 0]), shortestAccepted(6, [3, 3, 3, 3])]).toEqual([12, 8, 11, 8, 6]);
  });
});
