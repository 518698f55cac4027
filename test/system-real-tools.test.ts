import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFail2ban } from '../src/parsers/fail2ban/index.js';
import { parsePwquality } from '../src/parsers/pwquality/index.js';
import { JailView, f2bBoolean } from '../src/checks/system/fail2ban-jail.js';
import { effectivePwquality, shortestAccepted } from '../src/checks/system/pwquality.js';
import { fail2banFilterHostInjection } from '../src/checks/system/fail2ban-filter.js';
import type { Inventory } from '../src/model/inventory.js';
import type { RuleDefinition } from '../src/engine/types.js';
import { parsePam } from '../src/parsers/pam/index.js';
import { walkWrongPassword } from '../src/checks/system/pam-flow.js';
import { parseLoginDefs, parseLoginDefsNumber } from '../src/parsers/login-defs/index.js';
import { parseFaillock } from '../src/parsers/faillock/index.js';
import { faillockDeny } from '../src/checks/system/faillock.js';
import { lastSetting } from '../src/checks/system/common.js';
import { mkdirSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'ftps-audit-system-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/**
 * libpwquality reads only /etc/security/pwquality.conf, so each case bind-mounts its config
 * there inside a private mount namespace (root only); the host's file is never touched.
 */
const canPwscore = process.getuid?.() === 0 && has('pwscore') && has('unshare');

function pwscore(conf: string, password: string): boolean {
  const file = join(dir, `pwq-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(file, conf);
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind '${file}' /etc/security/pwquality.conf && exec pwscore`], { input: `${password}\n`, encoding: 'utf8', timeout: 10_000 });
  if (r.error || (r.status !== 0 && !/Password quality check failed/.test(r.stderr + r.stdout))) throw new Error(`pwscore did not run: ${r.stderr}`);
  return r.status === 0;
}

/** The password of a given length that earns the most credit (the hardest case for the check). */
function bestCase(length: number, credits: { d: number; u: number; l: number; o: number }): string {
  const pools = { d: '7295381640', u: 'QXZKJWVYHG', o: '!%&*;@+=?^', l: 'vbnmrtkwplqzxhgfjsdcy' };
  let pw = '';
  for (const k of ['d', 'u', 'o'] as const) pw += pools[k].slice(0, Math.max(0, Math.abs(credits[k])));
  pw += pools.l.repeat(3).slice(0, Math.max(0, length - pw.length));
  return pw.slice(0, length);
}

describe.skipIf(!canPwscore)('pwquality minimum length agrees with the real pwscore', () => {
  const cases: string[] = [
    'minlen = 12\n',
    '# nothing set: minlen 8\n',
    'minlen = 12\ndcredit = 1\nucredit = 1\nlcredit = 1\nocredit = 1\n',
    'MINLEN = 14 # inline comment\ndcredit = 2\nocredit = 2\n',
    'minlen = 12\ndcredit = -1\nlcredit = -1\n',
    'minlen = 10\ndcredit=3\n',
  ];
  for (const conf of cases) {
    it(JSON.stringify(conf), () => {
      const model = parsePwquality('etc/security/pwquality.conf', conf).model;
      const v = (n: string) => effectivePwquality([model], n).value;
      const credits = { d: v('dcredit'), u: v('ucredit'), l: v('lcredit'), o: v('ocredit') };
      const shortest = shortestAccepted(v('minlen'), [credits.d, credits.u, credits.l, credits.o]);
      expect(pwscore(conf, bestCase(shortest, credits)), `accepts ${bestCase(shortest, credits)}`).toBe(true);
      expect(pwscore(conf, bestCase(shortest - 1, credits)), `rejects ${bestCase(shortest - 1, credits)}`).toBe(false);
    });
  }
});

/**
 * Drop-ins: a tmpfs over /etc/security (inside the private mount namespace) holds a
 * pwquality.conf.d the host does not have. libpwquality reads the drop-ins first and the main
 * file last, so the main file's minlen wins; our read order must say the same.
 */
describe.skipIf(!canPwscore)('pwquality drop-in order agrees with the real pwscore', () => {
  const cases: { main: string; dropIns: Record<string, string> }[] = [
    { main: 'minlen = 9\n', dropIns: { '50-strict.conf': 'minlen = 14\n' } },
    { main: '# all commented\n', dropIns: { '10-a.conf': 'minlen = 14\n', '20-b.conf': 'minlen = 11\n' } },
  ];
  cases.forEach(({ main, dropIns }, i) => {
    it(`case ${i + 1}`, () => {
      const here = join(dir, `pwq-dropins-${i}`);
      mkdirSync(here, { recursive: true });
      writeFileSync(join(here, 'main.conf'), main);
      const script = ['mount -t tmpfs none /etc/security', 'mkdir /etc/security/pwquality.conf.d', `cp '${join(here, 'main.conf')}' /etc/security/pwquality.conf`];
      for (const [name, text] of Object.entries(dropIns)) {
        writeFileSync(join(here, name), text);
        script.push(`cp '${join(here, name)}' /etc/security/pwquality.conf.d/${name}`);
      }
      const score = (password: string) => spawnSync('unshare', ['-m', 'sh', '-c', `${script.join(' && ')} && exec pwscore`], { input: `${password}\n`, encoding: 'utf8', timeout: 10_000 }).status === 0;
      const models = [parsePwquality('etc/security/pwquality.conf', main).model, ...Object.entries(dropIns).map(([n, t]) => parsePwquality(`etc/security/pwquality.conf.d/${n}`, t).model)];
      const minlen = effectivePwquality(models, 'minlen').value;
      const pool = 'Qx7vbnmrtkwplzhgfjsd';
      expect(score(pool.slice(0, minlen)), `accepts ${minlen} characters`).toBe(true);
      expect(score(pool.slice(0, minlen - 1)), `rejects ${minlen - 1} characters`).toBe(false);
    });
  });
});

/**
 * fail2ban-client -d prints the jail configuration fail2ban would load (no server needed):
 * our merge of jail.conf / jail.d / jail.local must give the same enabled, bantime and logpath.
 */
const canFail2ban = has('fail2ban-client') && readdirSync('/etc/fail2ban').includes('jail.conf');

describe.skipIf(!canFail2ban)('fail2ban jail merge agrees with the real fail2ban-client -d', () => {
  const cases: { name: string; files: Record<string, string> }[] = [
    { name: 'jail.conf alone: disabled', files: {} },
    { name: 'jail.local enables, inline ; comment', files: { 'jail.local': '[vsftpd]\nenabled = true ; on\nbantime = 20m ; twenty\nlogpath = LOG\n' } },
    { name: 'DEFAULT bantime in jail.local, jail.d/*.local wins over jail.local', files: { 'jail.local': '[DEFAULT]\nbantime = 2h\n[vsftpd]\nenabled = yes\nlogpath = LOG\n', 'jail.d/z.local': '[vsftpd]\nbantime = 45m\n' } },
    { name: 'jail.local wins over jail.d/*.conf', files: { 'jail.d/a.conf': '[vsftpd]\nenabled = true\nbantime = 5m\nlogpath = LOG\n', 'jail.local': '[vsftpd]\nbantime = 15m\n' } },
    { name: 'interpolated logpath', files: { 'jail.local': '[DEFAULT]\nmylog = LOG\n[vsftpd]\nenabled = true\nlogpath = %(mylog)s\n' } },
    { name: 'jail.d/*.local disables again', files: { 'jail.local': '[vsftpd]\nenabled = true\nlogpath = LOG\n', 'jail.d/zz.local': '[vsftpd]\nenabled = false\n' } },
  ];
  cases.forEach(({ name, files }, i) => {
    it(name, () => {
      const conf = join(dir, `f2b-${i}`);
      cpSync('/etc/fail2ban', conf, { recursive: true });
      for (const f of readdirSync(join(conf, 'jail.d'))) rmSync(join(conf, 'jail.d', f));
      const log = join(dir, `vsftpd-${i}.log`);
      writeFileSync(log, '');
      for (const [f, t] of Object.entries(files)) writeFileSync(join(conf, f), t.replaceAll('LOG', log));
      const out = execFileSync('fail2ban-client', ['-c', conf, '-d'], { encoding: 'utf8', timeout: 30_000 });
      const real = {
        enabled: out.includes("['add', 'vsftpd',"),
        bantime: /\['set', 'vsftpd', 'bantime', '([^']+)'\]/.exec(out)?.[1],
        logpath: /\['set', 'vsftpd', 'addlogpath', '([^']+)'/.exec(out)?.[1],
      };
      const jailFiles = ['jail.conf', ...readdirSync(join(conf, 'jail.d')).map((f) => `jail.d/${f}`), ...('jail.local' in files ? ['jail.local'] : [])];
      const models = jailFiles.map((f) => parseFail2ban(`etc/fail2ban/${f}`, readFileSync(join(conf, f), 'utf8')).model);
      const jail = new JailView(models, 'vsftpd');
      const ours = { enabled: f2bBoolean(jail.get('enabled')!.value) === true, bantime: jail.get('bantime')?.value, logpath: jail.get('logpath')?.value };
      if (!real.enabled) { expect(ours.enabled).toBe(false); return; }
      expect(ours).toEqual(real);
    });
  });
});

/**
 * The injection the rule models, played against the real fail2ban-regex: the stock Debian
 * filter reports the address named in the user field; the override our remediation gives
 * reports the real client. The check's verdict must agree with fail2ban on both.
 */
describe.skipIf(!canFail2ban || !has('fail2ban-regex'))('failregex host injection agrees with the real fail2ban-regex', () => {
  const log = join(dir, 'inject.log');
  const fixed = join(dir, 'vsftpd-fixed.conf');
  const judge = (file: string, text: string) => {
    const inv = { settings: {}, artifacts: [], diagnostics: [], models: { fail2ban: [parseFail2ban(file, text).model] } } as unknown as Inventory;
    return fail2banFilterHostInjection.run({ inventory: inv, params: {}, rule: {} as RuleDefinition }).map((o) => o.status);
  };
  const bannedBy = (filter: string) => execFileSync('fail2ban-regex', ['--out', 'ip', log, filter], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n');

  it('stock filter: fail2ban bans the chosen address and the check fails', () => {
    writeFileSync(log, 'Tue Nov 25 17:00:00 2026 [pid 4242] [x] FAIL LOGIN: Client "192.0.2.66",] FAIL LOGIN: Client "198.51.100.7"\n');
    expect(bannedBy('/etc/fail2ban/filter.d/vsftpd.conf')).toEqual(['192.0.2.66']);
    expect(judge('etc/fail2ban/filter.d/vsftpd.conf', readFileSync('/etc/fail2ban/filter.d/vsftpd.conf', 'utf8'))).toEqual(['fail']);
  });

  it('remediated filter: fail2ban bans the real client and the check passes', () => {
    writeFileSync(log, 'Tue Nov 25 17:00:00 2026 [pid 4242] [x] FAIL LOGIN: Client "192.0.2.66",] FAIL LOGIN: Client "198.51.100.7"\nTue Nov 25 17:00:01 2026 [pid 4243] [bob] FAIL LOGIN: Client "198.51.100.8"\n');
    const text = '[Definition]\nfailregex = ^ \\[pid \\d+\\] \\[.*\\] FAIL LOGIN: Client "<HOST>"\\s*$\n';
    writeFileSync(fixed, text);
    expect(bannedBy(fixed)).toEqual(['198.51.100.7', '198.51.100.8']);
    expect(judge('etc/fail2ban/filter.d/vsftpd.local', text)).toEqual(['pass']);
  });
});

/**
 * The PAM walk against real libpam: in a private mount namespace, /etc/pam.d is a directory
 * holding one test service and /etc/shadow a one-line file with a root password we chose, so pamtester
 * can fail a login for real; pam_faillock writes its tally to a temp dir. authfail ran iff
 * the tally has an entry, which must be what walkWrongPassword predicts.
 */
const canPam = process.getuid?.() === 0 && has('pamtester') && has('faillock') && has('unshare') && has('openssl');

describe.skipIf(!canPam)('the wrong-password walk agrees with real libpam (pamtester + pam_faillock tally)', () => {
  const root = join(dir, 'pam');
  const tally = join(root, 'tally');
  const stacks: Record<string, string> = {
    'requisite pam_unix stops before authfail': 'auth required pam_faillock.so preauth DIR\nauth requisite pam_unix.so\nauth [default=die] pam_faillock.so authfail DIR\n',
    'Debian recipe: [success=1 default=ignore] pam_unix': 'auth required pam_faillock.so preauth DIR\nauth [success=1 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail DIR\nauth required pam_permit.so\n',
    'failure jump over authfail': 'auth required pam_faillock.so preauth DIR\nauth [success=ok default=1] pam_unix.so\nauth [default=die] pam_faillock.so authfail DIR\nauth requisite pam_deny.so\n',
    'sufficient pam_unix falls through to authfail': 'auth required pam_faillock.so preauth DIR\nauth sufficient pam_unix.so\nauth [default=die] pam_faillock.so authfail DIR\n',
    'required pam_unix continues to authfail': 'auth required pam_faillock.so preauth DIR\nauth required pam_unix.so\nauth [default=die] pam_faillock.so authfail DIR\n',
  };
  for (const [name, template] of Object.entries(stacks)) {
    it(name, () => {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(join(root, 'pam.d'), { recursive: true });
      mkdirSync(tally);
      const hash = execFileSync('openssl', ['passwd', '-6', '-salt', 'ftpsaudit', 'right-password'], { encoding: 'utf8' }).trim();
      // Only root's entry, with a password we chose: no real hash is ever copied.
      writeFileSync(join(root, 'shadow'), `root:${hash}:19000:0:99999:7:::\n`, { mode: 0o640 });
      const text = template.replaceAll('DIR', `dir=${tally}`);
      writeFileSync(join(root, 'pam.d', 'ftpsaudit'), text);
      spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind '${join(root, 'pam.d')}' /etc/pam.d && mount --bind '${join(root, 'shadow')}' /etc/shadow && exec pamtester ftpsaudit root authenticate`], { input: 'wrong-password\n', encoding: 'utf8', timeout: 15_000 });
      const counted = execFileSync('faillock', ['--dir', tally, '--user', 'root'], { encoding: 'utf8' }).trim().split('\n').length > 2;
      const auth = parsePam('etc/pam.d/ftpsaudit', text).model.rules.map((rule) => ({ rule, file: 'etc/pam.d/ftpsaudit' }));
      const walk = walkWrongPassword(auth);
      const predicted = walk.visited.some((i) => auth[i]!.rule.args.includes('authfail'));
      expect(predicted).toBe(counted);
    }, 30_000);
  }
});

/**
 * login.defs against shadow's own reader: useradd --prefix DIR reads DIR/etc/login.defs and
 * writes DIR/etc/shadow, so a throw-away tree shows which PASS_MAX_DAYS a new account gets
 * (field 5; empty when the item is unset or negative). Our parse must predict it.
 */
const canUseradd = process.getuid?.() === 0 && has('useradd');

describe.skipIf(!canUseradd)('login.defs PASS_MAX_DAYS agrees with the real useradd', () => {
  const cases = ['PASS_MAX_DAYS 90', 'PASS_MAX_DAYS=90', 'PASS_MAX_DAYS 90 # ninety', 'pass_max_days 90', 'PASS_MAX_DAYS 0x5A', 'PASS_MAX_DAYS "60"',
    'PASS_MAX_DAYS 090', '   PASS_MAX_DAYS\t45   ', 'PASS_MAX_DAYS 30\nPASS_MAX_DAYS 60', 'PASS_MAX_DAYS -1', '# PASS_MAX_DAYS 90', 'PASS_MAX_DAYS 99999'];
  cases.forEach((line, i) => {
    it(JSON.stringify(line), () => {
      const prefix = join(dir, `useradd-${i}`);
      mkdirSync(join(prefix, 'etc'), { recursive: true });
      writeFileSync(join(prefix, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      writeFileSync(join(prefix, 'etc', 'group'), 'root:x:0:\n');
      writeFileSync(join(prefix, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
      writeFileSync(join(prefix, 'etc', 'gshadow'), 'root:*::\n', { mode: 0o640 });
      const text = `${line}\nUID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\n`;
      writeFileSync(join(prefix, 'etc', 'login.defs'), text);
      spawnSync('useradd', ['--prefix', prefix, '-M', 'ftpsaudit'], { encoding: 'utf8', timeout: 15_000 });
      const entry = readFileSync(join(prefix, 'etc', 'shadow'), 'utf8').split('\n').find((l) => l.startsWith('ftpsaudit:'));
      expect(entry, 'useradd created the account').toBeDefined();
      const real = entry!.split(':')[4];
      const found = lastSetting([parseLoginDefs('etc/login.defs', text).model], 'PASS_MAX_DAYS');
      const days = found ? parseLoginDefsNumber(found.setting.value ?? '') : undefined;
      expect(days === undefined || days < 0 ? '' : String(days)).toBe(real);
    });
  });
});

/**
 * faillock.conf against real pam_faillock (conf= and dir= point at temp files): three wrong
 * passwords, then the right one. The account is locked iff the deny our parser reads is 1..3.
 * Each case tells two readings apart: a line pam_faillock ignored falls back to the default 3
 * (locked), so `deny = 5 # five` (not locked) shows inline comments are accepted, `DENY = 5`
 * (locked) that names are case-sensitive, and `deny = 0` (not locked) that 0 disables.
 */
describe.skipIf(!canPam)('faillock.conf deny agrees with real pam_faillock', () => {
  const root = join(dir, 'faillock');
  const cases = ['deny = 2', 'deny = 5 # five', 'deny=5', 'DENY = 5', 'deny', 'deny = 0'];
  cases.forEach((line, i) => {
    it(JSON.stringify(line), () => {
      const here = join(root, String(i));
      const tallyDir = join(here, 'tally');
      mkdirSync(join(here, 'pam.d'), { recursive: true });
      mkdirSync(tallyDir);
      const conf = join(here, 'faillock.conf');
      const text = `${line}\nunlock_time = 600\neven_deny_root\n`;
      writeFileSync(conf, text);
      const hash = execFileSync('openssl', ['passwd', '-6', '-salt', 'ftpsaudit', 'right-password'], { encoding: 'utf8' }).trim();
      writeFileSync(join(here, 'shadow'), `root:${hash}:19000:0:99999:7:::\n`, { mode: 0o640 });
      const args = `conf=${conf} dir=${tallyDir}`;
      writeFileSync(join(here, 'pam.d', 'ftpsaudit'), `auth required pam_faillock.so preauth ${args}\nauth [success=1 default=ignore] pam_unix.so nodelay\nauth [default=die] pam_faillock.so authfail ${args}\nauth sufficient pam_faillock.so authsucc ${args}\n`);
      const attempt = (password: string) => spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind '${join(here, 'pam.d')}' /etc/pam.d && mount --bind '${join(here, 'shadow')}' /etc/shadow && exec pamtester ftpsaudit root authenticate`], { input: `${password}\n`, encoding: 'utf8', timeout: 15_000 }).status;
      expect([attempt('wrong-password'), attempt('wrong-password'), attempt('wrong-password')]).toEqual([1, 1, 1]);
      const locked = attempt('right-password') !== 0;
      const inv = { settings: {}, artifacts: [], diagnostics: [], models: { faillock: [parseFaillock('etc/security/faillock.conf', text).model] } } as unknown as Inventory;
      const deny = faillockDeny.run({ inventory: inv, params: { max_attempts: 10 }, rule: {} as RuleDefinition })[0]!;
      const predictedDeny = deny.messageId === 'disabled' ? 0 : Number(deny.data?.['deny']);
      expect(locked).toBe(predictedDeny >= 1 && predictedDeny <= 3);
    }, 60_000);
  });
});
