import { describe, expect, it } from 'vitest';
import { parseFaillock } from '../src/parsers/faillock/index.js';
import { parseLoginDefs, parseLoginDefsNumber } from '../src/parsers/login-defs/index.js';
import { parsePwquality } from '../src/parsers/pwquality/index.js';
import { parsePam } from '../src/parsers/pam/index.js';
import { parseFail2ban, roleOf } from '../src/parsers/fail2ban/index.js';
import { readFileSync } from 'node:fs';

describe('login.defs grammar (shadow 4.13, as verified with useradd)', () => {
  it('reads NAME value pairs, case-sensitive, quotes stripped', () => {
    const { model, diagnostics } = parseLoginDefs('etc/login.defs', '# c\n  PASS_MAX_DAYS   90  \nPASS_MIN_DAYS "1"\nENCRYPT_METHOD SHA512\n');
    expect(model.settings.map((s) => [s.name, s.value, s.line])).toEqual([['PASS_MAX_DAYS', '90', 2], ['PASS_MIN_DAYS', '1', 3], ['ENCRYPT_METHOD', 'SHA512', 4]]);
    expect(diagnostics).toEqual([]);
  });

  it('ignores NAME=value, lower-case names, trailing comments and bad octal, each located', () => {
    const { model, diagnostics } = parseLoginDefs('l', 'PASS_MAX_DAYS=90\npass_max_days 90\nPASS_MAX_DAYS 90 # ninety\nPASS_MIN_DAYS 090\n');
    expect(model.settings).toEqual([]);
    expect(model.ignored.map((g) => [g.line, g.meant])).toEqual([[1, 'PASS_MAX_DAYS'], [2, 'PASS_MAX_DAYS'], [3, 'PASS_MAX_DAYS'], [4, 'PASS_MIN_DAYS']]);
    expect(model.ignored[2]!.reason).toContain("cannot parse PASS_MAX_DAYS value: '90 # ninety'");
    expect(diagnostics).toHaveLength(4);
  });

  it('numbers: decimal, octal with leading 0, hex with 0x', () => {
    expect([parseLoginDefsNumber('90'), parseLoginDefsNumber('0x5A'), parseLoginDefsNumber('022'), parseLoginDefsNumber('090'), parseLoginDefsNumber('-1'), parseLoginDefsNumber('9 0')]).toEqual([90, 90, 18, undefined, -1, undefined]);
  });
});

describe('pwquality.conf grammar (libpwquality 1.4.5)', () => {
  it('keys case-insensitive, inline # comments, flags without values', () => {
    const { model } = parsePwquality('etc/security/pwquality.conf', 'MINLEN = 14 # long\n dcredit=-1\nenforce_for_root\n');
    expect(model.settings.map((s) => [s.name, s.value])).toEqual([['minlen', '14'], ['dcredit', '-1'], ['enforce_for_root', null]]);
    expect(model.dropIn).toBe(false);
  });

  it('unknown keys and bad integers are located and set nothing', () => {
    const { model, diagnostics } = parsePwquality('p', 'minlen = twelve\nfoo = 1\n');
    expect(model.settings).toEqual([]);
    expect(model.ignored.map((g) => g.reason)).toEqual(['Bad integer value of setting - minlen', 'Unknown setting - foo']);
    expect(diagnostics.map((d) => d.location?.line)).toEqual([1, 2]);
  });

  it('knows a drop-in by its directory', () => {
    expect(parsePwquality('etc/security/pwquality.conf.d/50-x.conf', 'minlen = 9').model.dropIn).toBe(true);
  });
});

describe('faillock.conf grammar', () => {
  it('values, flags, comments; a flag with a value or unknown name is ignored', () => {
    const { model } = parseFaillock('f', '# x\ndeny = 4 # four\naudit\neven_deny_root\nunlock_time=0\nsilent = 1\nbogus = 2\n');
    expect(model.settings.map((s) => [s.name, s.value])).toEqual([['deny', '4'], ['audit', null], ['even_deny_root', null], ['unlock_time', '0']]);
    expect(model.ignored.map((g) => g.line)).toEqual([6, 7]);
  });
});

describe('pam.d grammar', () => {
  it('bracketed controls, continuation, includes, comments, -type', () => {
    const { model, diagnostics } = parsePam('etc/pam.d/vsftpd', [
      'auth [success=1 default=ignore] pam_unix.so nullok # comment',
      '@include common-auth',
      '-session optional pam_systemd.so',
      'password required pam_pwhistory.so \\',
      '  remember=5 use_authtok',
      'account include system-auth',
      'nonsense line here',
    ].join('\n'));
    expect(model.service).toBe('vsftpd');
    expect(model.rules.map((r) => [r.type, r.control, r.module, r.args, r.line])).toEqual([
      ['auth', '[success=1 default=ignore]', 'pam_unix.so', ['nullok'], 1],
      ['@include', 'include', 'common-auth', [], 2],
      ['session', 'optional', 'pam_systemd.so', [], 3],
      ['password', 'required', 'pam_pwhistory.so', ['remember=5', 'use_authtok'], 4],
      ['account', 'include', 'system-auth', [], 6],
    ]);
    expect(diagnostics).toMatchObject([{ code: 'pam/bad-line', location: { line: 7 } }]);
  });
});

describe('fail2ban configparser dialect', () => {
  it('sections, ; after whitespace is a comment, a;b is kept, continuation lines, key: value, lower-cased keys', () => {
    const { model } = parseFail2ban('etc/fail2ban/jail.local', '# top\n[DEFAULT]\nbantime = 1h ; one hour\n[vsftpd]\nEnabled: true\nignoreip = a;b\nfailregex = ^one\n            ^two\n; comment\n');
    const [dflt, jail] = model.sections;
    expect(dflt!.entries['bantime']!.value).toBe('1h');
    expect(jail!.entries['enabled']).toMatchObject({ value: 'true', line: 5 });
    expect(jail!.entries['ignoreip']!.value).toBe('a;b');
    expect(jail!.entries['failregex']!).toMatchObject({ value: '^one\n^two', lines: [7, 8] });
    expect(model).toMatchObject({ role: 'jail', layer: 2 });
  });

  it('read order: jail.conf < jail.d/*.conf < jail.local < jail.d/*.local; filters apart', () => {
    expect(['etc/fail2ban/jail.conf', 'etc/fail2ban/jail.d/a.conf', 'etc/fail2ban/jail.local', 'etc/fail2ban/jail.d/a.local', 'etc/fail2ban/filter.d/vsftpd.conf'].map((f) => [roleOf(f).role, roleOf(f).layer]))
      .toEqual([['jail', 0], ['jail', 1], ['jail', 2], ['jail', 3], ['filter', 0]]);
  });

  it("parses Debian 12's real jail.conf without a diagnostic and finds [vsftpd]", () => {
    const { model, diagnostics } = parseFail2ban('etc/fail2ban/jail.conf', readFileSync('/etc/fail2ban/jail.conf', 'utf8'));
    expect(diagnostics).toEqual([]);
    const vsftpd = model.sections.find((s) => s.name === 'vsftpd')!;
    expect(vsftpd.entries['logpath']!.value).toBe('%(vsftpd_log)s');
    expect(model.sections.find((s) => s.name === 'DEFAULT')!.entries['enabled']!.value).toBe('false');
  });
});
