import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../model/artifact.js';
import type { ScanSettings } from '../../model/inventory.js';
import type { VsftpdSyntaxCode } from '../../model/vsftpd.js';
import { parserFor } from '../registry.js';
import { firstStartupFailure, optionTable, parseVsftpdConf, vsftpdOptionNumber } from './index.js';

const parse = (text: string | Buffer, flavor: 'debian' | 'upstream' | 'rhel' = 'debian') => parseVsftpdConf(text, 'etc/vsftpd.conf', flavor);
const codes = (text: string | Buffer, flavor: 'debian' | 'upstream' | 'rhel' = 'debian'): VsftpdSyntaxCode[] =>
  parse(text, flavor).issues.map((i) => i.code);

describe('directives', () => {
  it('keeps every setting line with file, line, column and the raw text', () => {
    const c = parse('# comment\n\n  ssl_enable=NO\r\nftpd_banner=a=b\nftpd_banner\n');
    expect(c.directives.map((d) => [d.name, d.rawValue, d.text, d.location.line, d.location.column, d.valueColumn])).toEqual([
      ['ssl_enable', 'NO\r', '  ssl_enable=NO\r', 3, 3, 14],
      ['ftpd_banner', 'a=b', 'ftpd_banner=a=b', 4, 1, 13],
      ['ftpd_banner', undefined, 'ftpd_banner', 5, 1, undefined],
    ]);
    expect(c.directives[0]!.location.file).toBe('etc/vsftpd.conf');
  });

  it('never throws, whatever the bytes', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['=', '#', ' ', '\t', '\r', '\n', '\0', ';', '[', 'ssl_enable', 'YES', '0', '9', 'listen', '\xff', '\xc3'];
    for (let i = 0; i < 300; i += 1) {
      const parts: string[] = [];
      for (let j = 0; j < 30; j += 1) parts.push(alphabet[Math.floor(rand() * alphabet.length)]!);
      const buf = Buffer.from(parts.join(''), 'latin1');
      for (const flavor of ['debian', 'upstream', 'rhel'] as const) expect(() => parse(buf, flavor)).not.toThrow();
    }
  });
});

describe('effective values', () => {
  it('takes the last occurrence, or the flavor default with source "default"', () => {
    const c = parse('ssl_enable=YES\nssl_enable=no\n');
    expect(c.effective('ssl_enable')).toMatchObject({ value: false, source: 'explicit', flavor: 'debian', type: 'bool' });
    expect(c.effective('ssl_enable')!.directive!.location.line).toBe(2);
    expect(c.effective('listen')).toMatchObject({ value: false, source: 'default', type: 'bool' });
    expect(c.effective('listen')!.directive).toBeUndefined();
    expect(c.effective('no_such_option')).toBeUndefined();
  });

  it('uses each build’s own defaults', () => {
    const d = parse('', 'debian');
    const u = parse('', 'upstream');
    const r = parse('', 'rhel');
    expect([d, u, r].map((c) => c.effective('listen')!.value)).toEqual([false, true, true]);
    expect([d, u, r].map((c) => c.effective('seccomp_sandbox')!.value)).toEqual([false, true, false]);
    expect([d, u, r].map((c) => c.effective('anonymous_enable')!.value)).toEqual([true, true, true]);
    expect([d, u, r].map((c) => c.effective('pam_service_name')!.value)).toEqual(['vsftpd', 'ftp', 'ftp']);
    expect([d, u, r].map((c) => c.effective('secure_chroot_dir')!.value)).toEqual(['/var/run/vsftpd/empty', '/usr/share/empty', '/usr/share/empty']);
    expect([d, u, r].map((c) => c.effective('ssl_ciphers')!.value)).toEqual([
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'PROFILE=SYSTEM',
    ]);
    expect([d, u, r].map((c) => c.effective('ssl_tlsv1')!.value)).toEqual([true, true, false]);
    expect([d, u, r].map((c) => c.effective('background')!.value)).toEqual([false, false, true]);
    expect([d, u, r].map((c) => [c.effective('max_clients')!.value, c.effective('max_per_ip')!.value])).toEqual([
      [2000, 50],
      [2000, 50],
      [2000, 50],
    ]);
    expect(d.effective('pasv_min_port')!.value).toBe(5001);
    expect(d.effective('local_umask')!.value).toBe(0o77);
    expect(d.effective('file_open_mode')!.value).toBe(0o666);
    expect(d.effective('ftpd_banner')!.value).toBeNull();
    expect(r.effective('ssl_tlsv1_2')).toMatchObject({ value: true, source: 'default' });
    expect(r.effective('chroot_list_file')!.value).toBe('/etc/vsftpd/chroot_list');
    expect(d.effective('ssl_tlsv1_2')).toBeUndefined();
    expect(d.effective('utf8_filesystem')).toMatchObject({ value: false });
    expect(u.effective('utf8_filesystem')).toBeUndefined();
  });

  it('an empty or bare string option is explicitly unset', () => {
    const c = parse('rsa_cert_file=\nbanner_file\n');
    expect(c.effective('rsa_cert_file')).toMatchObject({ value: null, source: 'explicit' });
    expect(c.effective('banner_file')).toMatchObject({ value: null, source: 'explicit' });
    expect(c.issues).toEqual([]);
  });

  it('trims string values on debian and rhel, keeps them verbatim upstream', () => {
    const text = 'ftpd_banner=  padded  \nrsa_cert_file=/etc/cert.pem\r\nbanner_file=   \n';
    for (const flavor of ['debian', 'rhel'] as const) {
      const c = parse(text, flavor);
      expect(c.effective('ftpd_banner')!.value).toBe('padded');
      expect(c.effective('rsa_cert_file')!.value).toBe('/etc/cert.pem');
    }
    // An all-blank value: unset on RHEL, a crash on Debian.
    const r = parse(text, 'rhel');
    expect(r.effective('banner_file')).toMatchObject({ value: null, source: 'explicit' });
    expect(r.issues).toEqual([]);
    const d = parse(text, 'debian');
    expect(d.effective('banner_file')).toMatchObject({ value: null, source: 'default' });
    expect(d.issues).toMatchObject([{ code: 'space-around-equals', fatal: true, location: { line: 3, column: 13 } }]);
    expect(d.issues[0]!.daemonMessage).toBeUndefined();
    expect(d.issues[0]!.message).toContain('SIGSEGV');
    expect(parse('ftpd_banner=\r\n', 'debian').issues[0]).toMatchObject({ code: 'crlf', fatal: true });
    const u = parse(text, 'upstream');
    expect(u.effective('ftpd_banner')!.value).toBe('  padded  ');
    expect(u.effective('rsa_cert_file')!.value).toBe('/etc/cert.pem\r');
    expect(u.effective('banner_file')!.value).toBe('   ');
    expect(u.issues.map((i) => [i.code, i.fatal, i.location.line])).toEqual([
      ['space-around-equals', false, 1],
      ['crlf', false, 2],
      ['space-around-equals', false, 3],
    ]);
  });

  it('does not let a refused line change the value', () => {
    const c = parse('ssl_enable=YES\nssl_enable=NO \n');
    expect(c.effective('ssl_enable')).toMatchObject({ value: true });
    expect(c.effective('ssl_enable')!.directive!.location.line).toBe(1);
  });
});

describe('syntax issues', () => {
  it('unknown options per flavor', () => {
    expect(codes('ssl_tlsv1_2=YES\n', 'debian')).toEqual(['unknown-option']);
    expect(codes('ssl_tlsv1_2=YES\n', 'upstream')).toEqual(['unknown-option']);
    expect(codes('ssl_tlsv1_2=YES\n', 'rhel')).toEqual([]);
    expect(codes('utf8_filesystem=YES\n', 'debian')).toEqual([]);
    expect(codes('utf8_filesystem=YES\n', 'rhel')).toEqual(['unknown-option']);
    expect(codes('ssl_ciphersuites=TLS_AES_128_GCM_SHA256\n', 'rhel')).toEqual(['unknown-option']);
    const [issue] = parse('ssl_tlsv1_2=YES\n').issues;
    expect(issue).toMatchObject({
      fatal: true,
      option: 'ssl_tlsv1_2',
      daemonMessage: 'unrecognised variable in config file: ssl_tlsv1_2',
      location: { file: 'etc/vsftpd.conf', line: 1, column: 1 },
    });
    expect(issue!.message).toContain('debian build');
    expect(issue!.message).toContain('only in the rhel build');
  });

  it('explains invisible bytes stuck to a name', () => {
    const bom = parse('\ufefflisten=YES\n').issues[0]!;
    expect(bom).toMatchObject({ code: 'unknown-option', option: '\ufefflisten', daemonMessage: 'unrecognised variable in config file: \ufefflisten' });
    expect(bom.message).toContain('byte-order mark');
    expect(parse('ssl_enable\u00a0=NO\n').issues[0]!.message).toContain('no-break space');
  });

  it('explains case mistakes', () => {
    const [issue] = parse('SSL_ENABLE=YES\n').issues;
    expect(issue).toMatchObject({ code: 'unknown-option', fatal: true });
    expect(issue!.message).toContain('did you mean ssl_enable');
  });

  it('spaces around = : unknown name or bad bool (fatal), atoi skips the blank (not fatal)', () => {
    const before = parse('ssl_enable =YES\n').issues[0]!;
    expect(before).toMatchObject({ code: 'space-around-equals', fatal: true, option: 'ssl_enable', daemonMessage: 'unrecognised variable in config file: ssl_enable ' });
    const both = parse('ssl_enable = YES\n').issues[0]!;
    expect(both).toMatchObject({ code: 'space-around-equals', fatal: true, daemonMessage: 'unrecognised variable in config file: ssl_enable ' });
    const after = parse('ssl_enable= YES\n').issues[0]!;
    expect(after).toMatchObject({ code: 'space-around-equals', fatal: true, daemonMessage: 'bad bool value in config file for: ssl_enable' });
    expect(after.location.column).toBe(12);
    const uint = parse('max_per_ip= 5\n');
    expect(uint.issues.map((i) => [i.code, i.fatal])).toEqual([['space-around-equals', false]]);
    expect(uint.effective('max_per_ip')!.value).toBe(5);
    expect(parse('ftpd_banner = x\n').issues[0]).toMatchObject({ code: 'space-around-equals', fatal: true });
  });

  it('bad booleans, with the reason in the message', () => {
    const cases: Array<[string, RegExp]> = [
      ['ssl_enable=NO \n', /trailing blank/],
      ['ssl_enable=NO\t\n', /trailing tab/],
      ['ssl_enable=NO # off\n', /inline comments/],
      ['ssl_enable="NO"\n', /quotes/],
      ['ssl_enable=off\n', /not a vsftpd boolean/],
      ['ssl_enable=2\n', /only YES\/TRUE\/1/],
    ];
    for (const [text, why] of cases) {
      const [issue] = parse(text).issues;
      expect(issue, text).toMatchObject({ code: 'bad-bool', fatal: true, option: 'ssl_enable', daemonMessage: 'bad bool value in config file for: ssl_enable' });
      expect(issue!.message, text).toMatch(why);
    }
  });

  it('CRLF: fatal for booleans, harmless for numbers and trimmed strings', () => {
    const c = parse('listen=YES\r\nmax_per_ip=5\r\nftpd_banner=hi\r\n');
    expect(c.issues.map((i) => [i.code, i.fatal, i.location.line])).toEqual([['crlf', true, 1]]);
    expect(c.refusesToStart).toBe(true);
    expect(c.effective('max_per_ip')!.value).toBe(5);
    expect(c.effective('ftpd_banner')!.value).toBe('hi');
    expect(parse('banner_file\r\n').issues[0]).toMatchObject({ code: 'crlf', fatal: true, daemonMessage: 'missing value in config file for: banner_file\r' });
  });

  it('missing values: fatal for bool/uint, fine for strings', () => {
    for (const text of ['ssl_enable=\n', 'ssl_enable\n', 'max_per_ip=\n', 'max_per_ip\n']) {
      expect(parse(text).issues[0], text).toMatchObject({ code: 'missing-value', fatal: true });
    }
    expect(parse('ssl_enable\n').issues[0]!.daemonMessage).toBe('missing value in config file for: ssl_enable');
    expect(codes('ftpd_banner=\nftpd_banner\n')).toEqual(['duplicate']);
  });

  it('comments that are settings', () => {
    expect(parse('  # indented\n').issues[0]).toMatchObject({
      code: 'indented-comment',
      fatal: true,
      daemonMessage: 'missing value in config file for: # indented',
      location: { line: 1, column: 3 },
    });
    expect(parse(';ssl_enable=NO\n').issues[0]).toMatchObject({ code: 'other-comment-style', fatal: true, daemonMessage: 'unrecognised variable in config file: ;ssl_enable' });
    expect(parse('[vsftpd]\n').issues[0]).toMatchObject({ code: 'other-comment-style', fatal: true, daemonMessage: 'missing value in config file for: [vsftpd]' });
  });

  it('numbers: junk and octal traps are located, not fatal, and say the effective number', () => {
    const junk = parse('max_per_ip=abc\nmax_clients=5 # c\nlisten_port=2123abc\ntrans_chunk_size=-1\n');
    expect(junk.issues.map((i) => [i.code, i.fatal, i.location.line, i.location.column])).toEqual([
      ['numeric-junk', false, 1, 12],
      ['numeric-junk', false, 2, 13],
      ['numeric-junk', false, 3, 13],
      ['numeric-junk', false, 4, 18],
    ]);
    expect(junk.issues[0]!.message).toContain('0');
    expect(junk.issues[3]!.message).toContain('4294967295');
    expect(junk.refusesToStart).toBe(false);

    const umask = parse('local_umask=22\n');
    expect(umask.issues[0]).toMatchObject({ code: 'octal-trap', fatal: false });
    expect(umask.issues[0]!.message).toContain('026');
    expect(umask.effective('local_umask')!.value).toBe(22);
    expect(parse('local_umask=089\n').issues[0]).toMatchObject({ code: 'octal-trap' });
    expect(parse('local_umask=089\n').effective('local_umask')!.value).toBe(0);
    expect(parse('listen_port=04041\n').issues[0]!.message).toContain('2081');
    expect(parse('listen_port=04041\n').effective('listen_port')!.value).toBe(2081);
    // Clean numbers: no issue.
    expect(codes('local_umask=022\nlocal_umask=7\nlisten_port=2121\nanon_umask=0\nfile_open_mode=0640\n')).toEqual(['duplicate']);
  });

  it('duplicates cite every earlier line; the last one wins', () => {
    const c = parse('listen_port=2121\nssl_enable=NO\nlisten_port=2122\nlisten_port=2123\n');
    const dups = c.issues.filter((i) => i.code === 'duplicate');
    expect(dups.map((i) => [i.location.line, i.related?.map((r) => r.line), i.fatal])).toEqual([
      [3, [1], false],
      [4, [1, 3], false],
    ]);
    expect(dups[0]!.message).toContain('line 4');
    expect(c.effective('listen_port')!.value).toBe(2123);
  });

  it('listen and listen_ipv6 both effective is fatal, defaults included', () => {
    expect(parse('listen=YES\nlisten_ipv6=YES\n').issues).toMatchObject([
      { code: 'listen-both', fatal: true, location: { line: 2 }, daemonMessage: 'run two copies of vsftpd for IPv4 and IPv6' },
    ]);
    // Debian's listen default is NO: listen_ipv6 alone is its stock setup.
    expect(parse('listen_ipv6=YES\n', 'debian').refusesToStart).toBe(false);
    // Upstream and RHEL default listen=YES: listen_ipv6=YES alone is both.
    const up = parse('listen_ipv6=YES\n', 'upstream');
    expect(up.issues[0]).toMatchObject({ code: 'listen-both', fatal: true });
    expect(up.issues[0]!.message).toContain('listen by default of the upstream build');
    expect(parse('listen_ipv6=YES\n', 'rhel').refusesToStart).toBe(true);
  });

  it('the 100,000-byte cap: located at the cut, lists what is lost, and hides what follows', () => {
    const head = `listen=YES\n${`#${'x'.repeat(98)}\n`.repeat(999)}`; // 100,000 - 89 bytes
    const pad = '#'.repeat(100_000 - Buffer.byteLength(head) - 1) + '\n';
    const c = parse(`${head}${pad}foo_bar=YES\nssl_enable=YES\n`);
    const cut = c.issues.find((i) => i.code === 'truncated')!;
    expect(cut).toMatchObject({ fatal: false, location: { line: 1002, column: 1 } });
    expect(cut.message).toContain('foo_bar (line 1002)');
    expect(cut.message).toContain('ssl_enable (line 1003)');
    expect(c.refusesToStart).toBe(false);
    expect(c.effective('ssl_enable')!.source).toBe('default');

    const mid = parse(`${head}${pad.slice(0, -8)}\nssl_enable=NO\n`);
    expect(mid.issues.map((i) => [i.code, i.location.line])).toEqual([
      ['unknown-option', 1002],
      ['truncated', 1002],
    ]);
    expect(mid.issues.find((i) => i.code === 'truncated')!.location.column).toBe(8);
    expect(firstStartupFailure(mid)!.daemonMessage).toBe('missing value in config file for: ssl_ena');
  });

  it('firstStartupFailure follows the daemon: first fatal line, listen-both only after parsing', () => {
    const c = parse('listen=YES\nlisten_ipv6=YES\nfoo=1\nbar=2\n');
    expect(c.issues.map((i) => i.code)).toEqual(['listen-both', 'unknown-option', 'unknown-option']);
    expect(firstStartupFailure(c)!.daemonMessage).toBe('unrecognised variable in config file: foo');
    expect(firstStartupFailure(parse('listen=YES\n'))).toBeUndefined();
  });
});

describe('inline waivers', () => {
  it('attaches "#ftps-audit-ignore RULE reason" to the setting right below', () => {
    const c = parse('#ftps-audit-ignore vsftpd/anon-enabled public mirror\n#ftps-audit-ignore vsftpd/x second\nanonymous_enable=YES\n');
    expect(c.inlineWaivers).toEqual([
      { ruleId: 'vsftpd/anon-enabled', reason: 'public mirror', line: 1, appliesToLine: 3 },
      { ruleId: 'vsftpd/x', reason: 'second', line: 2, appliesToLine: 3 },
    ]);
  });

  it('reports a waiver that is not directly above a setting, or has no reason', async () => {
    const parser = (await parserFor('vsftpd-conf'))!;
    const text = '#ftps-audit-ignore vsftpd/a orphan\n\nssl_enable=NO\n#ftps-audit-ignore vsftpd/b\nlisten=YES\n';
    const artifact: Artifact = {
      path: 'etc/vsftpd.conf',
      absPath: '/x/etc/vsftpd.conf',
      kind: 'vsftpd-conf',
      size: text.length,
      sha256: '',
      mode: 0o644,
      classifiedBy: 'name',
    };
    const settings = { flavor: 'rhel', now: new Date(), roots: [], hostnames: [], expiryWarningDays: 30, live: false } as ScanSettings;
    const out = parser.parse({ artifact, content: Buffer.from(text), settings });
    const [config] = out.models.vsftpd!;
    expect(config!.flavor).toBe('rhel');
    expect(config!.inlineWaivers).toEqual([{ ruleId: 'vsftpd/b', reason: '', line: 4, appliesToLine: 5 }]);
    expect(out.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ['vsftpd/orphan-waiver', 1],
      ['vsftpd/waiver-without-reason', 4],
    ]);
  });

  it('reads the same from the text discovery decoded (ASCII files) as from the bytes', async () => {
    const parser = (await parserFor('vsftpd-conf'))!;
    const text = '#ftps-audit-ignore vsftpd/ssl-disabled lab\nssl_enable=NO\n  # indented\nlocal_umask=022\nmax_per_ip=5x\nssl_enable=YES\n';
    const artifact: Artifact = { path: 'etc/vsftpd.conf', absPath: '/x/etc/vsftpd.conf', kind: 'vsftpd-conf', size: text.length, sha256: '', mode: 0o644, classifiedBy: 'name' };
    const settings = { flavor: 'debian', now: new Date(), roots: [], hostnames: [], expiryWarningDays: 30, live: false } as ScanSettings;
    const fromBytes = parser.parse({ artifact, content: Buffer.from(text), settings });
    const fromText = parser.parse({ artifact, content: Buffer.from(text), asciiText: text, settings });
    expect(JSON.parse(JSON.stringify(fromText))).toEqual(JSON.parse(JSON.stringify(fromBytes)));
    expect(fromText.models.vsftpd![0]!.effective('local_umask')).toEqual(fromBytes.models.vsftpd![0]!.effective('local_umask'));
    expect(fromText.models.vsftpd![0]!.issues.length).toBeGreaterThan(2);
  });

  it('takes blanks between "#" and the word, and nothing else before it', () => {
    const c = parse('#\t ftps-audit-ignore vsftpd/a tabbed\n#  ftps-audit-ignore vsftpd/b spaced\n# see ftps-audit-ignore vsftpd/c\nssl_enable=NO\n#ftps-audit-ignore vsftpd/d\r\nlisten=YES\r\n');
    // The third comment is no waiver: it ends the two above it, which then apply to nothing.
    expect(c.inlineWaivers).toEqual([{ ruleId: 'vsftpd/d', reason: '', line: 5, appliesToLine: 6 }]);
    // Beyond ASCII, any Unicode blank the pattern's \s knows (here a no-break space).
    const u = parse('#\u00a0ftps-audit-ignore vsftpd/e café\nssl_enable=NO\n');
    expect(u.inlineWaivers).toEqual([{ ruleId: 'vsftpd/e', reason: 'café', line: 1, appliesToLine: 2 }]);
  });
});

describe('mode options', () => {
  it('a blank before an octal-looking umask hides the 0', () => {
    const c = parse('local_umask= 022\n');
    expect(c.issues.map((i) => i.code)).toEqual(['space-around-equals', 'octal-trap']);
    expect(c.issues[1]!.message).toContain('hides its leading 0');
    expect(c.effective('local_umask')!.value).toBe(22);
  });

  it('duplicates of a mode show the winner in octal', () => {
    const c = parse('local_umask=077\nlocal_umask=022\n');
    expect(c.issues[0]!.message).toContain('18 (octal 022)');
  });
});

describe('per-user files (user_config_dir, errs_fatal=0)', () => {
  it('reports the same problems, none of them fatal, and no listen-both', () => {
    const text = 'listen=YES\nlisten_ipv6=YES\nfoo_bar=1\nlocal_umask=22\nssl_enable=NO \n';
    const c = parseVsftpdConf(text, 'etc/vsftpd/users/bob', 'debian', 'per-user');
    expect(c.refusesToStart).toBe(false);
    expect(c.issues.map((i) => [i.code, i.fatal])).toEqual([
      ['unknown-option', false],
      ['octal-trap', false],
      ['bad-bool', false],
    ]);
    expect(c.issues[0]!.daemonMessage).toBeUndefined();
    expect(c.issues[0]!.message).toContain('skips this line silently');
    expect(firstStartupFailure(c)).toBeUndefined();
  });
});

describe('messages', () => {
  it('never carry raw control characters', () => {
    const c = parse('banner_file\r\n\u000bfoo\u0001=1\nssl_enable=NO\r\n');
    for (const i of c.issues) expect(i.message, i.message).not.toMatch(/[\u0000-\u001f]/);
    expect(c.issues[0]!.message).toContain('banner_file\\r');
    // daemonMessage stays byte-exact: it is what the daemon prints.
    expect(c.issues[0]!.daemonMessage).toBe('missing value in config file for: banner_file\r');
  });
});

describe('effectiveAt', () => {
  it('answers as effective() does, for every option of every build and for names no build has', () => {
    for (const flavor of ['upstream', 'debian', 'rhel'] as const) {
      const config = parseVsftpdConf('listen=YES\nssl_enable=YES\nlocal_umask=022\nssl_tlsv1_2=YES\n', 'vsftpd.conf', flavor);
      const names = new Set([...optionTable('upstream').keys(), ...optionTable('debian').keys(), ...optionTable('rhel').keys()]);
      for (const name of names) {
        const n = vsftpdOptionNumber(name);
        expect(n, name).toBeTypeOf('number');
        expect(config.effectiveAt!(n!), `${flavor} ${name}`).toBe(config.effective(name));
      }
      expect(vsftpdOptionNumber('no_such_option')).toBeUndefined();
    }
  });
});
