/**
 * Run the real vsftpd (Debian's /usr/sbin/vsftpd) in tests, on loopback, and tell apart
 * "refuses to start" from "starts" by events, not by timing:
 *
 *  - refused: the process exits; vsftpd writes `500 OOPS: <why>\r\n` to fd 0 (DIE_DEBUG in
 *    utility.c; Red Hat's build writes it to fd 1), so fd 0 and fd 1 share a read-write temp
 *    file that we read back after the exit.
 *  - running: a TCP connect to host:port succeeds and the first reply line arrives (normally
 *    `220 ...`; a session-time refusal such as "both local and anonymous access disabled"
 *    shows up here as a `500 OOPS` greeting from a daemon that did start).
 *
 * Whichever happens first decides. `timeoutMs` only bounds the wait so a broken setup cannot
 * hang a test run; hitting it is reported as state 'timeout', never as a verdict.
 *
 * Typical use:
 *
 *   const port = await freePort();
 *   const d = await startVsftpd({ configFile, port, overrides: foregroundOverrides(port) });
 *   try { if (d.state === 'running') ...use 127.0.0.1:port... } finally { await stopVsftpd(d); }
 *
 * or let the helper write the config, pick the port (retrying if another process grabbed it)
 * and always stop the daemon:
 *
 *   await withVsftpd((port) => 'listen=YES\n', async ({ host, port }) => { ... });   // use it
 *   const { result } = await probeVsftpdStartup('listen=YES\nfoo=1\n');           // verdict only
 *
 * `checkVsftpdParses()` asks the daemon only to parse (it stops before binding): the fastest
 * way to learn whether a config file or -o option is accepted, and the daemon's exact error.
 *
 * Requirements (checked by `vsftpdPrerequisites()`): the binary, running as root (vsftpd
 * refuses otherwise), the config file a regular file owned by root, and Debian's
 * secure_chroot_dir /var/run/vsftpd/empty (created by `ensureVsftpdRuntimeDirs()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const VSFTPD_BINARY = process.env.VSFTPD_BINARY ?? '/usr/sbin/vsftpd';

/** Option overrides, appended after the config file as `-oNAME=VALUE` in this order. */
export type VsftpdOverrides = ReadonlyArray<readonly [name: string, value: string]>;

export interface VsftpdLaunch {
  /** Config file to load; vsftpd insists it is a regular file owned by the running uid. */
  configFile: string;
  /** Where to connect to see the greeting. */
  port: number;
  /** Default 127.0.0.1. Use '::1' for listen_ipv6 setups. */
  host?: string;
  /** `-o` options after the file; they win over the file (the daemon parses in order). */
  overrides?: VsftpdOverrides;
  /** Safety bound for the whole wait (default 20 s). Not a verdict: see the module comment. */
  timeoutMs?: number;
}

export type VsftpdStartup =
  | {
      state: 'refused';
      /** The text after "500 OOPS: " (CR/LF stripped), if the daemon printed one. */
      oops: string | undefined;
      /** Everything written to fd 0, stdout and stderr. */
      output: string;
      exitCode: number | null;
      signal: NodeJS.Signals | null;
    }
  | {
      state: 'running';
      pid: number;
      /** The first reply line on connect, CR/LF stripped (e.g. "220 (vsFTPd 3.0.3)"). */
      greeting: string;
      /** @internal process handle, for stopVsftpd */
      child: ChildProcess;
      cleanup: () => void;
    }
  | { state: 'timeout'; pid: number | undefined; output: string; child: ChildProcess; cleanup: () => void };

/** Why the real daemon cannot be used here, or undefined when it can. */
export function vsftpdPrerequisites(): string | undefined {
  if (!existsSync(VSFTPD_BINARY)) return `${VSFTPD_BINARY} not found (apt-get install vsftpd)`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'vsftpd must be started as root';
  return undefined;
}

/** Debian's default secure_chroot_dir must exist or sessions die. */
export function ensureVsftpdRuntimeDirs(): void {
  mkdirSync('/var/run/vsftpd/empty', { recursive: true });
}

/** A port that was free a moment ago (bind to 0, read it, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The overrides that make a test daemon safe and observable: foreground, our port, loopback
 * only (IPv4 and IPv6, whichever the config selects). Omit `port` when the config itself
 * carries the port under test.
 */
export function foregroundOverrides(port?: number): VsftpdOverrides {
  const o: Array<readonly [string, string]> = [['background', 'NO']];
  if (port !== undefined) o.push(['listen_port', String(port)]);
  o.push(['listen_address', '127.0.0.1'], ['listen_address6', '::1']);
  return o;
}

const POLL_MS = 25;

export async function startVsftpd(launch: VsftpdLaunch): Promise<VsftpdStartup> {
  const host = launch.host ?? '127.0.0.1';
  const timeoutMs = launch.timeoutMs ?? 20_000;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vsftpd-run-'));
  const fd0Path = path.join(workDir, 'fd0');
  const fd0 = openSync(fd0Path, 'w+');
  const args = [launch.configFile, ...(launch.overrides ?? []).map(([k, v]) => `-o${k}=${v}`)];
  let child: ChildProcess;
  try {
    // detached: the daemon leads its own process group, so stopVsftpd can also reach the
    // session children it forks (they would die with it anyway: vsf_set_die_if_parent_dies).
    // fd 1 shares the capture file: Red Hat's build writes its 500 OOPS to stdout instead.
    child = spawn(VSFTPD_BINARY, args, { stdio: [fd0, fd0, 'pipe'], detached: true });
  } finally {
    closeSync(fd0);
  }
  let captured = '';
  child.stderr?.on('data', (b: Buffer) => (captured += b.toString('utf8')));
  const cleanup = (): void => rmSync(workDir, { recursive: true, force: true });

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      captured += String(err);
      exited = { code: null, signal: null };
      resolve();
    });
  });

  const readFd0 = (): string => {
    try {
      return readFileSync(fd0Path, 'utf8');
    } catch {
      return '';
    }
  };

  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / POLL_MS) + 1;
  for (let attempt = 0; attempt < maxAttempts && Date.now() < deadline; attempt += 1) {
    if (exited) break;
    const greeting = await tryGreeting(host, launch.port, Math.max(1, deadline - Date.now()));
    if (greeting !== undefined && !exited) {
      return { state: 'running', pid: child.pid!, greeting, child, cleanup };
    }
    if (exited) break;
    await Promise.race([exitPromise, delay(POLL_MS)]);
  }
  if (exited) {
    // 'exit' can fire before the stdio pipes drain; the fd-0 file is complete either way.
    const fd0Text = readFd0();
    cleanup();
    return {
      state: 'refused',
      oops: parseOops(fd0Text),
      output: fd0Text + captured,
      exitCode: exited.code,
      signal: exited.signal,
    };
  }
  return { state: 'timeout', pid: child.pid, output: readFd0() + captured, child, cleanup };
}

/** Stop a daemon started by startVsftpd (by its PID / process group); waits for its exit. */
export async function stopVsftpd(started: VsftpdStartup): Promise<void> {
  if (started.state === 'refused') return;
  const { child } = started;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child.pid, 'SIGTERM');
    const stopped = await Promise.race([exit.then(() => true), delay(5_000).then(() => false)]);
    if (!stopped) {
      signalGroup(child.pid, 'SIGKILL');
      await Promise.race([exit, delay(5_000)]);
    }
  }
  started.cleanup();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/** "500 OOPS: msg\r\n" → "msg". */
export function parseOops(fd0Text: string): string | undefined {
  const m = /500 OOPS: ([^\n]*?)\r?\n|500 OOPS: ([^\n]*)$/.exec(fd0Text);
  if (!m) return undefined;
  // Only the CRLF that bug() appends is stripped: a CR inside the message is the daemon's
  // (a name read from a CRLF file carries it).
  return m[1] ?? m[2] ?? '';
}

/** Connect once; resolve the first reply line, or undefined if nothing is listening yet. */
function tryGreeting(host: string, port: number, budgetMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let done = false;
    const text = (): string => buf.toString('utf8').replace(/\r?\n?$/, '');
    const finish = (v: string | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    // Bounds a connect that hangs (it should not on loopback); the caller's loop decides.
    const timer = setTimeout(() => finish(buf.length > 0 ? text() : undefined), Math.min(budgetMs, 10_000));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const nl = buf.indexOf(0x0a);
      if (nl !== -1) {
        buf = buf.subarray(0, nl + 1);
        finish(text());
      }
    });
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(buf.length > 0 ? text() : undefined));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The outcome of a start attempt once the daemon is stopped again (no process handle). */
export type StartupVerdict =
  | Extract<VsftpdStartup, { state: 'refused' }>
  | { state: 'running'; pid: number; greeting: string }
  | { state: 'timeout'; output: string };

export interface StartupProbe<T = undefined> {
  /** The config bytes the daemon loaded (with the port filled in). */
  content: Buffer;
  port: number;
  result: StartupVerdict;
  /** What `inspect` returned, when the daemon ran and an inspect function was given. */
  inspected?: T;
}

export interface ConfigLaunchOptions {
  /** Default 127.0.0.1; '::1' for listen_ipv6 configs. */
  host?: string;
  /** Overrides for a given port; default foregroundOverrides(port). */
  overrides?: (port: number) => VsftpdOverrides;
  timeoutMs?: number;
  /** Start attempts when the port is taken meanwhile ("could not bind"); default 3. */
  attempts?: number;
}

type ConfigSource = string | Buffer | ((port: number) => string | Buffer);

/**
 * Write the config to a root-owned temp file and start vsftpd on a fresh port; retries with
 * another port when someone else took it in between. The caller owns the returned daemon
 * (stopVsftpd) and must call `removeConfig` afterwards.
 */
async function launchFromConfig(
  config: ConfigSource,
  options: ConfigLaunchOptions,
): Promise<{ started: VsftpdStartup; content: Buffer; port: number; configFile: string; removeConfig: () => void }> {
  const host = options.host ?? '127.0.0.1';
  const attempts = options.attempts ?? 3;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vsftpd-conf-'));
  const removeConfig = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    for (let i = 0; ; i += 1) {
      const port = await freePort(host);
      const raw = typeof config === 'function' ? config(port) : config;
      const content = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const configFile = path.join(dir, `vsftpd-${i}.conf`);
      writeFileSync(configFile, content, { mode: 0o600 });
      const started = await startVsftpd({
        configFile,
        port,
        host,
        overrides: (options.overrides ?? foregroundOverrides)(port),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      const bindLost = started.state === 'refused' && /could not bind listening/.test(started.oops ?? '');
      if (!bindLost || i + 1 >= attempts) return { started, content, port, configFile, removeConfig };
    }
  } catch (err) {
    removeConfig();
    throw err;
  }
}

/**
 * Start vsftpd with `config` (or `config(port)`), record whether it refused or greeted, and
 * stop it again. For startup verdicts; use withVsftpd to talk to a running daemon.
 */
export async function probeVsftpdStartup<T = undefined>(
  config: ConfigSource,
  options: ConfigLaunchOptions & {
    /** Called while the daemon runs (if it started), before it is stopped. */
    inspect?: (daemon: RunningVsftpd) => Promise<T>;
  } = {},
): Promise<StartupProbe<T>> {
  const { started, content, port, configFile, removeConfig } = await launchFromConfig(config, options);
  let inspected: T | undefined;
  try {
    if (started.state === 'running' && options.inspect) {
      inspected = await options.inspect({ host: options.host ?? '127.0.0.1', port, pid: started.pid, greeting: started.greeting, configFile });
    }
  } finally {
    await stopVsftpd(started);
    removeConfig();
  }
  const result: StartupVerdict =
    started.state === 'running'
      ? { state: 'running', pid: started.pid, greeting: started.greeting }
      : started.state === 'timeout'
        ? { state: 'timeout', output: started.output }
        : started;
  return { content, port, result, ...(inspected !== undefined ? { inspected } : {}) };
}

export interface RunningVsftpd {
  host: string;
  port: number;
  pid: number;
  /** The first line the daemon sent on the helper's own probe connection. */
  greeting: string;
  configFile: string;
}

/**
 * Run `fn` against a real vsftpd started with `config` on a fresh loopback port, and stop the
 * daemon afterwards whatever happens. Throws (with the daemon's 500 OOPS text) if it refuses
 * to start. Example:
 *
 *   await withVsftpd((port) => `listen=YES\nssl_enable=YES\nrsa_cert_file=${cert}\n`, async (d) => {
 *     // connect to d.host:d.port ...
 *   });
 */
export async function withVsftpd<T>(config: ConfigSource, fn: (daemon: RunningVsftpd) => Promise<T>, options: ConfigLaunchOptions = {}): Promise<T> {
  const { started, port, configFile, removeConfig } = await launchFromConfig(config, options);
  try {
    if (started.state === 'refused') {
      throw new Error(`vsftpd refused to start: ${started.oops ?? started.output} (exit ${started.exitCode})`);
    }
    if (started.state === 'timeout') throw new Error(`vsftpd neither greeted nor exited: ${started.output}`);
    return await fn({ host: options.host ?? '127.0.0.1', port, pid: started.pid, greeting: started.greeting, configFile });
  } finally {
    await stopVsftpd(started);
    removeConfig();
  }
}

/** An option name no build knows, used to stop the daemon right after it parsed everything. */
export const PARSE_SENTINEL = 'ftps_audit_end_of_options';

export type ParseCheck =
  | { ok: true }
  | { ok: false; oops: string | undefined; output: string; exitCode: number | null };

/**
 * Let the real daemon parse `args` (config files and `-oNAME=VALUE` options, in order) and
 * nothing more: an unknown sentinel option is appended, so vsftpd always stops right after
 * parsing, before it binds, forks or loads certificates. ok means every argument parsed;
 * otherwise `oops` is the first parse error, exactly as the daemon words it.
 */
export async function checkVsftpdParses(args: readonly string[], timeoutMs = 10_000): Promise<ParseCheck> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vsftpd-parse-'));
  const fd0Path = path.join(workDir, 'fd0');
  const fd0 = openSync(fd0Path, 'w+');
  try {
    const child = spawn(VSFTPD_BINARY, [...args, `-o${PARSE_SENTINEL}=1`], { stdio: [fd0, fd0, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const exit = await new Promise<{ code: number | null } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code });
      });
      child.once('error', () => {
        clearTimeout(timer);
        resolve({ code: null });
      });
    });
    if (!exit) {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      return { ok: false, oops: undefined, output: 'timed out', exitCode: null };
    }
    const out = readFileSync(fd0Path, 'utf8');
    const oops = parseOops(out);
    if (oops === `unrecognised variable in config file: ${PARSE_SENTINEL}`) return { ok: true };
    return { ok: false, oops, output: out + stderr, exitCode: exit.code };
  } finally {
    closeSync(fd0);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * A minimal FTP control connection for tests: read replies (multi-line aware), send commands.
 * Bounded: every wait has a deadline. Close it with `close()`.
 */
export class FtpControl {
  private buf = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => undefined);
  }

  static connect(host: string, port: number, timeoutMs = 10_000): Promise<FtpControl> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect ${host}:${port} timed out`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        resolve(new FtpControl(sock));
      });
      sock.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next complete reply ("227 Entering Passive Mode (...)"); multi-line replies joined by \n. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(\d{3})([ -])/.exec(this.buf);
      if (m) {
        const end = m[2] === ' ' ? this.buf.indexOf('\n') : this.buf.search(new RegExp(`\\n${m[1]} [^\\n]*\\n`));
        if (end !== -1) {
          const stop = m[2] === ' ' ? end + 1 : this.buf.indexOf('\n', end + 1) + 1;
          const text = this.buf.slice(0, stop).replace(/\r?\n$/, '').replace(/\r\n/g, '\n');
          this.buf = this.buf.slice(stop);
          return text;
        }
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms; pending: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async command(line: string, timeoutMs = 10_000): Promise<string> {
    this.sock.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  close(): void {
    this.sock.destroy();
  }
}

/** PIDs whose parent is `pid` (from /proc; Linux only). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return out;
}

/**
 * Wait until the standalone daemon has no session children left (each connection is a
 * forked child; vsftpd counts clients per IP until it reaps them). Use it before counting
 * admitted connections, e.g. after the helper's own greeting probe. Bounded by `timeoutMs`.
 */
export async function waitForNoSessions(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (childPids(pid).length > 0) {
    if (Date.now() > deadline) throw new Error(`vsftpd ${pid} still has sessions after ${timeoutMs} ms`);
    await delay(10);
  }
}
