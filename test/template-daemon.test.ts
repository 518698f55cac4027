/**
 * Invariants 2 and 5 of issue 8, against the real programs:
 *  2. the real vsftpd starts with the generated config (debian and upstream flavors, every
 *     mode, RSA and ECDSA certificates from a test CA), real curl and lftp (certificate
 *     verification on, test CA) log in as a local account the test creates, upload and
 *     download over TLS on both channels; a clear-text login and a PROT C transfer are
 *     refused; TLS 1.0/1.1 are refused, TLS 1.3 ChaCha20 is refused through the generated
 *     OpenSSL config (and accepted without it: the config is what does it).
 *  5. fail2ban-regex with the generated filter matches every FAIL LOGIN the daemon wrote and
 *     nothing else (an injection attempt in the user name bans nobody else);
 *     fail2ban-client -t accepts the jail; pamtester with the generated PAM/faillock files
 *     locks the account after `deny` failures.
 * Needs root (useradd, vsftpd, /etc/pam.d). Everything created is removed in afterAll.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertKeyType } from '../src/generate/cert-info.js';
import { defaultOptions, generateSet, type GeneratedFile, type GenerateOptions, type TlsMode } from '../src/generate/index.js';
import { tls12CipherList } from '../src/generate/ciphers.js';
import { buildTemplate } from '../src/generate/command.js';
import { parseTarget, probeTargets } from '../src/probe/index.js';
import { defaultSettings, judge, loadRuleSet } from '../src/pipeline/scan.js';
import { BUILTIN_PACKS } from '../src/generate/index.js';
import { SEVERITY_RANK } from '../src/model/result.js';
import type { VsftpdFlavor } from '../src/model/vsftpd.js';
import { TestPki, type Issued } from './helpers/pki.js';
import { ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites, type VsftpdStartup } from './helpers/vsftpd-daemon.js';

const TOOLS = ['/usr/sbin/vsftpd', '/usr/bin/curl', '/usr/bin/lftp', '/usr/bin/openssl', '/usr/bin/fail2ban-regex', '/usr/bin/fail2ban-client', '/usr/bin/pamtester', '/usr/sbin/useradd'];
const missing = vsftpdPrerequisites() ?? TOOLS.filter((t) => !existsSync(t)).map((t) => `${t} missing`)[0];
if (missing) console.warn(`[template-daemon] SKIPPED: ${missing}`);

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a tool, never throw: the exit code is part of what the tests assert. Bounded in time. */
function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Speak plain FTP: read the greeting, send lines, collect the replies until close or `lines` replies. */
function plainDialogue(port: number, send: string[], maxReplies: number, sendFirst = false): Promise<string[]> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port }, () => {
      // Implicit FTPS sends no greeting before TLS: speak first, as a plain client would.
      if (sendFirst && sent < send.length) sock.write(send[sent++] + '\r\n');
    });
    const replies: string[] = [];
    let buf = '';
    let sent = 0;
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(replies);
    };
    const timer = setTimeout(done, 15_000);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (/^\d{3} /.test(line)) {
          replies.push(line);
          if (replies.length >= maxReplies) return done();
          if (sent < send.length) sock.write(send[sent++] + '\r\n');
        }
      }
    });
    sock.on('error', done);
    sock.on('close', () => {
      if (buf.trim()) replies.push(buf.trim());
      done();
    });
  });
}

/**
 * A minimal FTPS client on node:tls (verification on, test CA), to send exactly the commands
 * a test needs, e.g. PROT C before a transfer. Returns every reply line in order.
 */
async function ftpsDialogue(opts: { port: number; implicit: boolean; ca: string; commands: string[]; dataCommand?: string }): Promise<string[]> {
  const replies: string[] = [];
  let sock: net.Socket | tls.TLSSocket = opts.implicit
    ? tls.connect({ host: '127.0.0.1', port: opts.port, ca: readFileSync(opts.ca) })
    : net.connect({ host: '127.0.0.1', port: opts.port });
  let buf = '';
  let waiter: ((line: string | undefined) => void) | undefined;
  const queue: string[] = [];
  let closed = false;
  const attach = (s: net.Socket): void => {
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (!/^\d{3} /.test(line)) continue;
        replies.push(line);
        if (waiter) {
          const w = waiter;
          waiter = undefined;
          w(line);
        } else queue.push(line);
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      closed = true;
      if (waiter) waiter(undefined);
    });
  };
  const next = (): Promise<string | undefined> =>
    queue.length ? Promise.resolve(queue.shift()) : closed ? Promise.resolve(undefined) : new Promise((r) => { waiter = r; setTimeout(() => r(undefined), 15_000); });
  const send = async (cmd: string): Promise<string | undefined> => {
    sock.write(cmd + '\r\n');
    return next();
  };
  attach(sock);
  try {
    await next(); // 220
    if (!opts.implicit) {
      const r = await send('AUTH TLS');
      if (!r?.startsWith('234')) return replies;
      sock.removeAllListeners('data');
      const plain = sock as net.Socket;
      sock = tls.connect({ socket: plain, host: '127.0.0.1', ca: readFileSync(opts.ca) });
      attach(sock);
      await new Promise<void>((res, rej) => { (sock as tls.TLSSocket).once('secureConnect', () => res()); sock.once('error', rej); });
    }
    for (const c of opts.commands) {
      const r = await send(c);
      if (r === undefined) break;
      if (c === 'PASV' && opts.dataCommand) {
        const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(r);
        if (!m) break;
        const dataPort = Number(m[5]) * 256 + Number(m[6]);
        const data = net.connect({ host: '127.0.0.1', port: dataPort });
        data.on('error', () => undefined);
        await send(opts.dataCommand);
        // A second reply follows only if the transfer started (150 ... 226).
        await Promise.race([next(), new Promise((r2) => setTimeout(r2, 3_000))]);
        data.destroy();
      }
    }
  } finally {
    sock.destroy();
  }
  return replies;
}

/**
 * useradd/chpasswd/userdel fail with "cannot lock /etc/passwd" while another process (another
 * test file) holds the lock: retry a bounded number of times.
 */
function withPasswdLock<T>(fn: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (e) {
      const msg = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message);
      if (attempt >= 20 || !/lock/i.test(msg)) throw e;
      execFileSync('sleep', ['0.25']);
    }
  }
}

const USER = `ftpsat${randomBytes(3).toString('hex')}`;
const PASSWORD = `Tst-${randomBytes(9).toString('base64url')}9a`;
const PAM_SERVICE = `ftps-audit-test-${randomBytes(3).toString('hex')}`;

describe.skipIf(Boolean(missing))('generated set on the real daemons', () => {
  let work: string;
  let pki: TestPki;
  let ca: Issued;
  let otherCa: Issued;
  const certs: Record<'rsa' | 'ecdsa', Issued> = {} as Record<'rsa' | 'ecdsa', Issued>;
  let home: string;
  let userCreated = false;
  let pamWritten = false;
  const faillockDir = (): string => path.join(work, 'tally');
  const faillockConf = (): string => path.join(work, 'faillock.conf');

  beforeAll(() => {
    ensureVsftpdRuntimeDirs();
    work = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-tpl-'));
    chmodSync(work, 0o755);
    pki = new TestPki('ftps-audit-tpl-pki-');
    chmodSync(pki.dir, 0o755);
    ca = pki.rootCa('test-ca');
    otherCa = pki.rootCa('other-ca');
    certs.rsa = pki.issue('srv-rsa', 'rsa2048', { san: ['DNS:localhost', 'IP:127.0.0.1'], extendedKeyUsage: 'serverAuth' }, ca);
    certs.ecdsa = pki.issue('srv-ec', 'p256', { san: ['DNS:localhost', 'IP:127.0.0.1'], extendedKeyUsage: 'serverAuth' }, ca);

    // A local account: chroot root owned by root and not writable, one writable subdirectory.
    home = path.join(work, 'home', USER);
    mkdirSync(path.join(home, 'upload'), { recursive: true });
    chmodSync(path.join(work, 'home'), 0o755);
    chmodSync(home, 0o755);
    withPasswdLock(() => execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', USER], { stdio: 'pipe' }));
    userCreated = true;
    withPasswdLock(() => execFileSync('chpasswd', [], { input: `${USER}:${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] }));
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    chownSync(path.join(home, 'upload'), uid, gid);
    chmodSync(path.join(home, 'upload'), 0o750);
    mkdirSync(faillockDir(), { recursive: true });

    // The generated allow-list (userlist_deny=NO) naming the test account.
    const base = testOptions({ flavor: 'debian', mode: 'explicit' }, 'rsa');
    writeFileSync(base.userlistFile, fileAt(generateSet(['vsftpd'], base), base.userlistFile.slice(1)));
    // The generated PAM stack + faillock.conf, as a test PAM service (tally in the temp dir).
    const files = generateSet(['faillock'], base);
    writeFileSync(faillockConf(), fileAt(files, 'etc/security/faillock.conf'));
    writeFileSync(`/etc/pam.d/${PAM_SERVICE}`, fileAt(files, `etc/pam.d/${PAM_SERVICE}`));
    pamWritten = true;
  });

  afterAll(() => {
    if (pamWritten) rmSync(`/etc/pam.d/${PAM_SERVICE}`, { force: true });
    if (userCreated) {
      try {
        withPasswdLock(() => execFileSync('userdel', [USER], { stdio: 'pipe' }));
      } catch (e) {
        console.warn(`[template-daemon] could not remove test user ${USER}: ${(e as Error).message}`);
      }
    }
    pki?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function testOptions(o: { flavor: VsftpdFlavor; mode: TlsMode; pasvMin?: number }, key: 'rsa' | 'ecdsa'): GenerateOptions {
    const cert = certs[key];
    const min = o.pasvMin ?? 40000;
    return defaultOptions({
      packs: ['hipaa', 'pci-dss', 'nist-800-52r2'],
      flavor: o.flavor,
      mode: o.mode,
      pasvRange: { min, max: min + 9 },
      certFile: cert?.cert ?? '/nonexistent',
      keyFile: cert?.key ?? '/nonexistent',
      certKeyType: cert ? readCertKeyType(cert.cert).keyType : 'unknown',
      vsftpdLogFile: path.join(work, 'vsftpd.log'),
      xferLogFile: path.join(work, 'xferlog'),
      opensslConfPath: path.join(work, 'openssl-vsftpd.cnf'),
      pamServiceName: PAM_SERVICE,
      userlistFile: path.join(work, 'user_list'),
      ftpUsers: [USER],
      faillockDir: faillockDir(),
      faillockConfPath: faillockConf(),
    });
  }

  function fileAt(files: GeneratedFile[], p: string): string {
    const f = files.find((x) => x.path === p);
    if (!f) throw new Error(`generated set has no ${p}: ${files.map((x) => x.path).join(', ')}`);
    return f.content;
  }

  function resetTally(): void {
    rmSync(path.join(faillockDir(), USER), { force: true });
  }

  /** Start one generated config on a fresh loopback port with the generated OPENSSL_CONF. */
  async function startGenerated(confText: string, name: string, opensslConf: string | undefined, extraOverrides: [string, string][] = []): Promise<{ started: VsftpdStartup; port: number }> {
    // Implicit FTPS sends no plain 220, so the helper can only see "did not exit": a short
    // bound, then the test checks the TLS greeting itself.
    const implicit = /^implicit_ssl=YES$/m.test(confText);
    const file = path.join(work, name);
    writeFileSync(file, confText, { mode: 0o600 });
    const port = await freePort();
    const saved = process.env.OPENSSL_CONF;
    // startVsftpd spawns synchronously before its first await: the child inherits this env.
    if (opensslConf) process.env.OPENSSL_CONF = opensslConf;
    else delete process.env.OPENSSL_CONF;
    const pending = startVsftpd({ configFile: file, port, overrides: [...foregroundOverrides(port), ...extraOverrides], ...(implicit ? { timeoutMs: 1_500 } : {}) });
    if (saved === undefined) delete process.env.OPENSSL_CONF;
    else process.env.OPENSSL_CONF = saved;
    return { started: await pending, port };
  }

  const lftpEnv = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: work, LFTP_HOME: work });

  function lftpScript(url: string, caFile: string, body: string[], protectData = true): string {
    return [
      'set cmd:fail-exit yes',
      'set net:max-retries 1',
      'set net:timeout 10',
      'set net:reconnect-interval-base 1',
      'set ssl:verify-certificate yes',
      `set ssl:ca-file "${caFile}"`,
      'set ftp:ssl-force yes',
      `set ftp:ssl-protect-data ${protectData ? 'yes' : 'no'}`,
      'set ftp:passive-mode yes',
      `open -u "${USER}","${PASSWORD}" ${url}`,
      ...body,
    ].join('; ');
  }

  // flavor × mode × key type. Mode both runs two daemons (the test starts both).
  const CASES: { flavor: VsftpdFlavor; mode: TlsMode; key: 'rsa' | 'ecdsa' }[] = [
    { flavor: 'debian', mode: 'explicit', key: 'rsa' },
    { flavor: 'debian', mode: 'implicit', key: 'ecdsa' },
    { flavor: 'upstream', mode: 'explicit', key: 'ecdsa' },
    { flavor: 'upstream', mode: 'implicit', key: 'rsa' },
    { flavor: 'debian', mode: 'both', key: 'rsa' },
  ];

  CASES.forEach((c, caseIndex) => {
    describe(`${c.flavor} ${c.mode} ${c.key}`, () => {
      const daemons: { role: 'explicit' | 'implicit'; started: VsftpdStartup; port: number; pasv: [number, number] }[] = [];
      let opts: GenerateOptions;
      let opensslConfText = '';

      beforeAll(async () => {
        resetTally();
        opts = testOptions({ ...c, pasvMin: 41000 + caseIndex * 20 + Math.floor(Math.random() * 400) * 50 }, c.key);
        const files = generateSet(['vsftpd'], opts);
        opensslConfText = fileAt(files, 'etc/ssl/ftps-audit-vsftpd-openssl.cnf');
        writeFileSync(opts.opensslConfPath, opensslConfText);
        for (const f of files.filter((x) => /vsftpd(-implicit)?\.conf$/.test(x.path))) {
          const role = /implicit_ssl=YES/.test(f.content) ? 'implicit' : 'explicit';
          const { started, port } = await startGenerated(f.content, `${c.flavor}-${c.mode}-${role}.conf`, opts.opensslConfPath);
          const min = Number(/^pasv_min_port=(\d+)$/m.exec(f.content)![1]);
          const max = Number(/^pasv_max_port=(\d+)$/m.exec(f.content)![1]);
          daemons.push({ role, started, port, pasv: [min, max] });
        }
      });

      afterAll(async () => {
        for (const d of daemons) await stopVsftpd(d.started);
      });

      it('the real vsftpd starts with the generated config(s)', async () => {
        expect(daemons.length).toBe(c.mode === 'both' ? 2 : 1);
        for (const d of daemons) {
          const detail = d.started.state === 'refused' ? d.started.oops ?? d.started.output : '';
          if (d.role === 'explicit') {
            expect(d.started.state, detail).toBe('running');
            if (d.started.state === 'running') expect(d.started.greeting).toBe('220 FTPS service ready.');
          } else {
            // Implicit FTPS greets only after TLS: the helper's plain connect sees no 220.
            expect(d.started.state, detail).not.toBe('refused');
          }
        }
        for (const d of daemons.filter((x) => x.role === 'implicit')) {
          const replies = await ftpsDialogue({ port: d.port, implicit: true, ca: ca.cert, commands: [] });
          expect(replies[0]).toBe('220 FTPS service ready.');
        }
      });

      it('curl logs in, uploads and downloads over TLS on control and data channels', async () => {
        for (const d of daemons) {
          const payload = `payload ${d.role} ${randomBytes(8).toString('hex')}\n`;
          const src = path.join(work, `up-${caseIndex}-${d.role}.txt`);
          const dst = path.join(work, `down-${caseIndex}-${d.role}.txt`);
          writeFileSync(src, payload);
          const base = d.role === 'explicit' ? `ftp://127.0.0.1:${d.port}` : `ftps://127.0.0.1:${d.port}`;
          const tlsFlags = d.role === 'explicit' ? ['--ssl-reqd'] : [];
          const common = ['-sS', '-v', '--max-time', '20', '--cacert', ca.cert, '-u', `${USER}:${PASSWORD}`, ...tlsFlags];
          const up = await run('curl', [...common, '-T', src, `${base}/upload/file-${d.role}.txt`]);
          expect(up.code, up.stderr).toBe(0);
          const down = await run('curl', [...common, '-o', dst, `${base}/upload/file-${d.role}.txt`]);
          expect(down.code, down.stderr).toBe(0);
          expect(readFileSync(dst, 'utf8')).toBe(payload);
          for (const r of [up, down]) {
            // One TLS session on the control connection and one on the data connection.
            expect((r.stderr.match(/SSL connection using TLSv1\.[23]/g) ?? []).length, r.stderr).toBeGreaterThanOrEqual(2);
            expect(r.stderr).toMatch(/PROT P/);
            const m = /PASV|EPSV/.exec(r.stderr);
            expect(m).not.toBeNull();
          }
          // The file landed with the generated umask (027 -> 0640) in the writable subdirectory.
          const mode = Number(execFileSync('stat', ['-c', '%a', path.join(home, 'upload', `file-${d.role}.txt`)], { encoding: 'utf8' }).trim());
          expect(mode).toBe(640);
        }
      });

      it('a clear-text login is refused', async () => {
        for (const d of daemons) {
          if (d.role === 'explicit') {
            const replies = await plainDialogue(d.port, [`USER ${USER}`, `PASS ${PASSWORD}`], 3);
            expect(replies[0]).toMatch(/^220 /);
            expect(replies[1]).toMatch(/^530 Non-anonymous sessions must use encryption/);
            expect(replies.some((r) => r.startsWith('230'))).toBe(false);
            const curlPlain = await run('curl', ['-sS', '--max-time', '15', '-u', `${USER}:${PASSWORD}`, `ftp://127.0.0.1:${d.port}/upload/`]);
            expect(curlPlain.code).not.toBe(0);
          } else {
            // Implicit: the server expects a TLS ClientHello first; a plain USER gets no 331/230.
            const replies = await plainDialogue(d.port, [`USER ${USER}`, `PASS ${PASSWORD}`], 3, true);
            expect(replies.some((r) => /^(220|331|230) /.test(r))).toBe(false);
          }
        }
      });

      it('a PROT C (clear data channel) transfer is refused', async () => {
        for (const d of daemons) {
          const replies = await ftpsDialogue({
            port: d.port,
            implicit: d.role === 'implicit',
            ca: ca.cert,
            commands: [`USER ${USER}`, `PASS ${PASSWORD}`, 'PBSZ 0', 'PROT C', 'PASV'],
            dataCommand: 'LIST',
          });
          expect(replies).toContain('230 Login successful.');
          expect(replies).toContain('200 PROT now Clear.');
          // force_local_data_ssl=YES: the clear transfer is refused, nothing is sent.
          expect(replies.some((r) => r.startsWith('522 '))).toBe(true);
          expect(replies.some((r) => r.startsWith('150 ') || r.startsWith('226 '))).toBe(false);
          if (d.role === 'explicit') {
            // curl with TLS on the control channel only (--ftp-ssl-control) gets the same refusal.
            const cr = await run('curl', ['-sS', '-v', '--max-time', '15', '--ftp-ssl-control', '--cacert', ca.cert, '-u', `${USER}:${PASSWORD}`, `ftp://127.0.0.1:${d.port}/upload/`]);
            expect(cr.code).not.toBe(0);
            expect(cr.stderr).toMatch(/< 522 /);
          }
        }
      });

      it('lftp with certificate verification and the test CA uploads and downloads; a wrong CA is refused', async () => {
        for (const d of daemons) {
          const url = d.role === 'explicit' ? `ftp://127.0.0.1:${d.port}` : `ftps://127.0.0.1:${d.port}`;
          const payload = `lftp ${d.role} ${randomBytes(8).toString('hex')}\n`;
          const src = path.join(work, `lftp-up-${caseIndex}-${d.role}.txt`);
          const dst = path.join(work, `lftp-down-${caseIndex}-${d.role}.txt`);
          writeFileSync(src, payload);
          rmSync(dst, { force: true });
          const ok = await run('lftp', ['-d', '-c', lftpScript(url, ca.cert, [`put "${src}" -o upload/lftp-${d.role}.txt`, `get upload/lftp-${d.role}.txt -o "${dst}"`])], { env: lftpEnv() });
          expect(ok.code, ok.stderr.slice(-2000)).toBe(0);
          expect(readFileSync(dst, 'utf8')).toBe(payload);
          expect(ok.stderr).toMatch(/PROT P/);
          const bad = await run('lftp', ['-c', lftpScript(url, otherCa.cert, ['cls upload/'])], { env: lftpEnv() });
          expect(bad.code).not.toBe(0);
          expect(bad.stderr).toMatch(/[Cc]ertificate verification|not trusted|issuer/);
        }
      });

      it('TLS 1.0 and 1.1 are refused; TLS 1.2 offers only the generated suites; TLS 1.3 ChaCha20 is refused', async () => {
        const allowed = new Set(tls12CipherList(opts.certKeyType, false));
        for (const d of daemons) {
          const conn = ['-connect', `127.0.0.1:${d.port}`, ...(d.role === 'explicit' ? ['-starttls', 'ftp'] : [])];
          // @SECLEVEL=0 on the client so that only the server can be the one refusing.
          for (const v of ['-tls1', '-tls1_1']) {
            const r = await run('openssl', ['s_client', ...conn, v, '-cipher', 'ALL:@SECLEVEL=0'], { input: '' });
            expect(r.stdout, `${v} must fail`).not.toMatch(/Cipher is (?!\(NONE\))/);
          }
          const t12 = await run('openssl', ['s_client', ...conn, '-tls1_2'], { input: '' });
          const c12 = /Cipher is (\S+)/.exec(t12.stdout)?.[1];
          expect(c12 && allowed.has(c12), `${c12}`).toBe(true);
          const cha = await run('openssl', ['s_client', ...conn, '-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'], { input: '' });
          expect(cha.stdout).not.toMatch(/Cipher is TLS_CHACHA20/);
          const aes = await run('openssl', ['s_client', ...conn, '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256'], { input: '' });
          expect(aes.stdout).toMatch(/New, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
        }
      });

      it('ftps-audit probe (library) of the running server: no failure at medium or above, for each pack (invariant 3)', async () => {
        resetTally();
        for (const d of daemons) {
          const observations = await probeTargets(parseTarget(`127.0.0.1:${d.port}`), {
            mode: d.role,
            timeoutMs: 5_000,
            concurrency: 1,
            caFile: ca.cert,
            hostname: '127.0.0.1',
            user: USER,
            password: PASSWORD,
          });
          expect(observations.map((o) => o.reachability)).toEqual(['ok']);
          for (const pack of BUILTIN_PACKS) {
            const ruleSet = await loadRuleSet([pack]);
            const settings = defaultSettings({ hostnames: ['127.0.0.1'], caFile: ca.cert });
            const report = await judge({ settings, artifacts: [], models: { probe: observations }, diagnostics: [] }, ruleSet, { command: 'probe', args: [], targets: [`127.0.0.1:${d.port}`] });
            const serious = report.results.filter((r) => r.status === 'error' || (r.status === 'fail' && SEVERITY_RANK[r.severity] >= SEVERITY_RANK.medium));
            expect(serious.map((r) => `${pack} ${d.role} ${r.ruleId} ${r.severity} ${r.status}: ${r.message}`)).toEqual([]);
            const minor = [...new Set(report.results.filter((r) => r.status === 'fail' && !serious.includes(r)).map((r) => `${r.ruleId} (${r.severity})`))];
            if (minor.length) console.info(`[probe ${c.flavor} ${c.mode} ${d.role} ${pack}] low/info: ${minor.join(', ')}`);
            // The probe judged something: passes exist.
            expect(report.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0);
          }
        }
      });

      it('the log holds login events and never the password', () => {
        const log = readFileSync(opts.vsftpdLogFile, 'utf8');
        expect(log).toMatch(new RegExp(`\\[${USER}\\] OK LOGIN: Client "127\\.0\\.0\\.1"`));
        expect(log).not.toContain(PASSWORD);
      });
    });
  });

  describe('--from output on the real daemon (invariant 6)', () => {
    const inputs: { name: string; text: string }[] = [
      {
        name: 'guide mistakes (spaces around =, inline comment, decimal umask, RHEL-only options, indented comment)',
        text: ['listen=YES', 'anonymous_enable = NO', 'local_enable=YES # local users', 'write_enable=YES', 'local_umask=22', 'ftpd_banner=Welcome to ACME Health', 'ssl_enable=YES', 'ssl_tlsv1_2=YES', 'ssl_tlsv1=YES', 'require_ssl_reuse=NO', 'allow_writeable_chroot=YES', 'chroot_local_user=YES', '   # tuned', ''].join('\n'),
      },
    ];
    const sample = path.resolve('samples/insecure/etc/vsftpd.conf');
    if (existsSync(sample)) inputs.push({ name: 'samples/insecure/etc/vsftpd.conf', text: readFileSync(sample, 'utf8') });

    inputs.forEach((input, n) => {
      it(`${input.name}: the hardened config starts, and curl logs in and transfers over TLS`, async () => {
        const src = path.join(work, `from-${n}.conf`);
        writeFileSync(src, input.text);
        const out = buildTemplate({ kind: 'vsftpd', from: src, cert: certs.rsa.cert, key: certs.rsa.key, ftpUser: [USER], pasvRange: `${46000 + n * 20}-${46009 + n * 20}` });
        const conf = out.files.find((f) => f.path === 'etc/vsftpd.conf')!.content;
        if (input.text.includes('ACME Health')) expect(conf).toMatch(/^ftpd_banner=Welcome to ACME Health$/m);
        const opensslConf = path.join(work, `from-${n}-openssl.cnf`);
        writeFileSync(opensslConf, out.files.find((f) => f.path.endsWith('openssl.cnf'))!.content);
        // Only host-specific paths are redirected into the test directory (the site's log
        // directory, allow-list and PAM service do not exist on the test host).
        const { started, port } = await startGenerated(conf, `from-${n}-hardened.conf`, opensslConf, [
          ['vsftpd_log_file', path.join(work, `from-${n}.log`)],
          ['xferlog_file', path.join(work, `from-${n}.xferlog`)],
          ['userlist_file', path.join(work, 'user_list')],
          ['pam_service_name', PAM_SERVICE],
        ]);
        try {
          expect(started.state, started.state === 'refused' ? started.oops : '').toBe('running');
          resetTally();
          const payload = `from ${n} ${randomBytes(6).toString('hex')}\n`;
          const up = path.join(work, `from-up-${n}.txt`);
          const down = path.join(work, `from-down-${n}.txt`);
          writeFileSync(up, payload);
          const common = ['-sS', '-v', '--max-time', '20', '--ssl-reqd', '--cacert', ca.cert, '-u', `${USER}:${PASSWORD}`];
          const r1 = await run('curl', [...common, '-T', up, `ftp://127.0.0.1:${port}/upload/from-${n}.txt`]);
          expect(r1.code, r1.stderr).toBe(0);
          const r2 = await run('curl', [...common, '-o', down, `ftp://127.0.0.1:${port}/upload/from-${n}.txt`]);
          expect(r2.code, r2.stderr).toBe(0);
          expect(readFileSync(down, 'utf8')).toBe(payload);
          const plain = await plainDialogue(port, [`USER ${USER}`], 2);
          expect(plain[1]).toMatch(/^530 Non-anonymous sessions must use encryption/);
        } finally {
          await stopVsftpd(started);
        }
      });
    });
  });

  describe('controls: the tests above can fail', () => {
    it('without the generated OPENSSL_CONF the same daemon negotiates TLS 1.3 ChaCha20 (so the config is what refuses it)', async () => {
      const opts = testOptions({ flavor: 'debian', mode: 'explicit', pasvMin: 45500 }, 'rsa');
      const conf = fileAt(generateSet(['vsftpd'], opts), 'etc/vsftpd.conf');
      const empty = path.join(work, 'empty-openssl.cnf');
      writeFileSync(empty, '# no ssl_conf section\n');
      const { started, port } = await startGenerated(conf, 'control-no-openssl-conf.conf', empty);
      try {
        expect(started.state).toBe('running');
        const cha = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'ftp', '-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'], { input: '' });
        expect(cha.stdout).toMatch(/Cipher is TLS_CHACHA20_POLY1305_SHA256/);
      } finally {
        await stopVsftpd(started);
      }
    });

    it('a TLS 1.1-capable vsftpd (ssl_tlsv1=YES, HIGH:@SECLEVEL=0) is reached by the same TLS 1.1 client', async () => {
      const opts = testOptions({ flavor: 'debian', mode: 'explicit', pasvMin: 45600 }, 'rsa');
      const conf = fileAt(generateSet(['vsftpd'], opts), 'etc/vsftpd.conf')
        .replace(/^ssl_tlsv1=NO$/m, 'ssl_tlsv1=YES')
        .replace(/^ssl_ciphers=.*$/m, 'ssl_ciphers=HIGH:@SECLEVEL=0');
      const empty = path.join(work, 'empty-openssl.cnf');
      writeFileSync(empty, '# no ssl_conf section\n');
      const { started, port } = await startGenerated(conf, 'control-tls11.conf', empty);
      try {
        expect(started.state).toBe('running');
        const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'ftp', '-tls1_1', '-cipher', 'ALL:@SECLEVEL=0'], { input: '' });
        expect(r.stdout).toMatch(/Protocol\s*:\s*TLSv1\.1/);
      } finally {
        await stopVsftpd(started);
      }
    });
  });

  describe('fail2ban and pam_faillock', () => {
    let logFile: string;
    const failures: string[] = [];

    beforeAll(async () => {
      resetTally();
      const opts = testOptions({ flavor: 'debian', mode: 'explicit', pasvMin: 45700 }, 'rsa');
      logFile = path.join(work, 'f2b-vsftpd.log');
      opts.vsftpdLogFile = logFile;
      opts.userlistFile = path.join(work, 'user_list_f2b');
      writeFileSync(opts.userlistFile, `${USER}\n`);
      const conf = fileAt(generateSet(['vsftpd'], opts), 'etc/vsftpd.conf');
      writeFileSync(opts.opensslConfPath, fileAt(generateSet(['vsftpd'], opts), 'etc/ssl/ftps-audit-vsftpd-openssl.cnf'));
      const { started, port } = await startGenerated(conf, 'f2b.conf', opts.opensslConfPath);
      try {
        expect(started.state).toBe('running');
        // Failed logins: a wrong password, an unknown user, and a user name that tries to
        // inject a second address into the log line.
        const attempts = [
          { user: USER, pass: 'wrong-password-1' },
          { user: 'nosuchuser', pass: 'x' },
          { user: 'evil] FAIL LOGIN: Client "192.0.2.66",', pass: 'x' },
        ];
        // userlist_deny=NO refuses unlisted names before PASS, without a FAIL LOGIN line: list
        // these two (as an operator might list an account that no longer exists) so that
        // PAM is asked and vsftpd logs the failure.
        writeFileSync(opts.userlistFile, `${readFileSync(opts.userlistFile, 'utf8')}nosuchuser\n${attempts[2]!.user}\n`);
        for (const a of attempts) {
          // Credentials in the URL, percent-encoded: curl's -u would split the name at its ':'.
          const r = await run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '--cacert', ca.cert, `ftp://${encodeURIComponent(a.user)}:${encodeURIComponent(a.pass)}@127.0.0.1:${port}/`]);
          expect(r.code).not.toBe(0);
          failures.push(a.user);
        }
        // An unlisted name is refused before its password ("530 Permission denied.") and
        // leaves no FAIL LOGIN line: nothing for the filter to count (documented).
        const un = await run('curl', ['-sS', '-v', '--max-time', '20', '--ssl-reqd', '--cacert', ca.cert, '-u', 'unlisted:x', `ftp://127.0.0.1:${port}/`]);
        expect(un.stderr).toMatch(/< 530 Permission denied/);
        // One successful login, so that the log also holds lines that must NOT match.
        const ok = await run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '--cacert', ca.cert, '-u', `${USER}:${PASSWORD}`, `ftp://127.0.0.1:${port}/upload/`]);
        expect(ok.code, ok.stderr).toBe(0);
      } finally {
        await stopVsftpd(started);
      }
    });

    it('fail2ban-regex with the generated filter matches every FAIL LOGIN line, with the real client address, and nothing else', async () => {
      const log = readFileSync(logFile, 'utf8');
      const failLines = log.split('\n').filter((l) => / FAIL LOGIN: /.test(l) && !/FTP (command|response):/.test(l));
      expect(failLines.length).toBe(failures.length);
      // The injection attempt really reached the log (so the filter was tested against it).
      expect(failLines.some((l) => l.includes('192.0.2.66'))).toBe(true);
      expect(log).toMatch(/ OK LOGIN: /);
      expect(log).toMatch(/FTP command: /); // protocol logging is on: lines that must not match
      const files = generateSet(['fail2ban'], testOptions({ flavor: 'debian', mode: 'explicit' }, 'rsa'));
      const filter = path.join(work, 'ftps-audit-vsftpd.conf');
      writeFileSync(filter, fileAt(files, 'etc/fail2ban/filter.d/ftps-audit-vsftpd.conf'));
      const r = await run('fail2ban-regex', ['--print-all-matched', '-o', 'row', logFile, filter], { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      // -o row prints one Python row per match: ['fid', 'ip', time, [lines]]
      const rows = r.stdout.split('\n').filter((l) => l.startsWith('['));
      expect(rows.length, r.stdout).toBe(failures.length);
      for (const row of rows) expect(row).toMatch(/^\['127\.0\.0\.1',/);
      expect(r.stdout).not.toContain('192.0.2.66\'');
      // Control: the distribution's stock vsftpd filter, run on the same log, is fooled by the
      // injected name (it reports the victim address) - so the log really carries the attack.
      if (existsSync('/etc/fail2ban/filter.d/vsftpd.conf')) {
        const stock = await run('fail2ban-regex', ['-o', 'row', logFile, '/etc/fail2ban/filter.d/vsftpd.conf'], { timeoutMs: 60_000 });
        expect(stock.stdout).toContain("'192.0.2.66'");
      }
    });

    it('fail2ban-client -t accepts the generated jail and filter', async () => {
      const cfg = path.join(work, 'fail2ban');
      cpSync('/etc/fail2ban', cfg, { recursive: true });
      // Only our jail: the distribution's enabled jails (sshd) need logs this host may not have.
      rmSync(path.join(cfg, 'jail.d'), { recursive: true, force: true });
      mkdirSync(path.join(cfg, 'jail.d'));
      const files = generateSet(['fail2ban'], testOptions({ flavor: 'debian', mode: 'explicit' }, 'rsa'));
      for (const f of files) {
        const rel = f.path.replace(/^etc\/fail2ban\//, '');
        mkdirSync(path.dirname(path.join(cfg, rel)), { recursive: true });
        writeFileSync(path.join(cfg, rel), f.content.replace(/^logpath\s*=.*$/m, `logpath  = ${logFile}`));
      }
      const r = await run('fail2ban-client', ['-c', cfg, '-t'], { timeoutMs: 60_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/OK: configuration test is successful/);
      // Negative control: the same directory without the generated filter is rejected, so -t
      // really resolved the jail's filter above.
      rmSync(path.join(cfg, 'filter.d', 'ftps-audit-vsftpd.conf'));
      const bad = await run('fail2ban-client', ['-c', cfg, '-t'], { timeoutMs: 60_000 });
      expect(bad.code).not.toBe(0);
    });

    it('pamtester with the generated PAM stack and faillock.conf locks the account after deny failures', async () => {
      resetTally();
      const conf = readFileSync(faillockConf(), 'utf8');
      const deny = Number(/^deny = (\d+)$/m.exec(conf)![1]);
      expect(deny).toBeLessThanOrEqual(10);
      expect(Number(/^unlock_time = (\d+)$/m.exec(conf)![1])).toBeGreaterThanOrEqual(1800);
      const good = await run('pamtester', [PAM_SERVICE, USER, 'authenticate'], { input: `${PASSWORD}\n` });
      expect(good.code, good.stderr).toBe(0);
      for (let i = 0; i < deny; i++) {
        const bad = await run('pamtester', [PAM_SERVICE, USER, 'authenticate'], { input: 'wrong\n' });
        expect(bad.code).not.toBe(0);
        // Not locked before the deny-th failure: a correct password still works at deny-1.
      }
      const locked = await run('pamtester', [PAM_SERVICE, USER, 'authenticate'], { input: `${PASSWORD}\n` });
      expect(locked.code).not.toBe(0);
      expect(locked.stdout + locked.stderr).toMatch(/locked due to \d+ failed logins/);
      const tally = await run('faillock', ['--dir', faillockDir(), '--user', USER]);
      expect((tally.stdout.match(new RegExp(PAM_SERVICE, 'g')) ?? []).length).toBe(deny);
      resetTally();
    });

    it('through the real vsftpd: deny wrong passwords lock the account, then the right one is refused', async () => {
      resetTally();
      const deny = Number(/^deny = (\d+)$/m.exec(readFileSync(faillockConf(), 'utf8'))![1]);
      const opts = testOptions({ flavor: 'debian', mode: 'explicit', pasvMin: 45800 }, 'rsa');
      opts.vsftpdLogFile = path.join(work, 'lockout-vsftpd.log');
      const conf = fileAt(generateSet(['vsftpd'], opts), 'etc/vsftpd.conf');
      const { started, port } = await startGenerated(conf, 'lockout.conf', opts.opensslConfPath);
      try {
        expect(started.state).toBe('running');
        const login = (pass: string): Promise<Run> =>
          run('curl', ['-sS', '-v', '--max-time', '20', '--ssl-reqd', '--cacert', ca.cert, '-u', `${USER}:${pass}`, `ftp://127.0.0.1:${port}/upload/`]);
        const before = await login(PASSWORD);
        expect(before.code, before.stderr).toBe(0);
        for (let i = 0; i < deny; i++) expect((await login(`wrong-${i}`)).stderr).toMatch(/< 530 Login incorrect/);
        const after = await login(PASSWORD);
        expect(after.code).not.toBe(0);
        expect(after.stderr).toMatch(/< 530 Login incorrect/);
        // vsftpd passes the client address to PAM: the tally records it (type RHOST).
        const tally = await run('faillock', ['--dir', faillockDir(), '--user', USER]);
        expect((tally.stdout.match(/^\d{4}-\d\d-\d\d .*RHOST\s+127\.0\.0\.1/gm) ?? []).length, tally.stdout).toBe(deny);
      } finally {
        await stopVsftpd(started);
        resetTally();
      }
    });

    it('pamtester: deny-1 failures do not lock (the count is what locks)', async () => {
      resetTally();
      const deny = Number(/^deny = (\d+)$/m.exec(readFileSync(faillockConf(), 'utf8'))![1]);
      for (let i = 0; i < deny - 1; i++) await run('pamtester', [PAM_SERVICE, USER, 'authenticate'], { input: 'wrong\n' });
      const good = await run('pamtester', [PAM_SERVICE, USER, 'authenticate'], { input: `${PASSWORD}\n` });
      expect(good.code, good.stderr).toBe(0);
      resetTally();
    });
  });
});
