/**
 * Agreement between our vsftpd.conf parser (debian flavor) and Debian's real vsftpd 3.0.3.
 *
 * For every config of the corpus the real daemon is started on loopback with a fresh port,
 * overriding only foreground mode, port and listen address (-o options after the file). The
 * daemon either exits with "500 OOPS: ..." on fd 0 (refuses) or greets on connect (starts);
 * whichever event comes first decides, no timing threshold. Our parser must predict that
 * exactly, name the same first error the daemon prints, and compute the values the daemon
 * visibly uses (listen port, banner).
 *
 * A second suite checks the Debian option table itself against the binary: every name we
 * list is accepted with the type we say, and every name of other builds is refused.
 *
 * Other builds: VSFTPD_BINARY=/path/to/vsftpd VSFTPD_AGREEMENT_FLAVOR=upstream|rhel runs the
 * option-table and generated-config suites against that binary and flavor (the corpus and the
 * helper suites assume Debian's packaged daemon and run only for 'debian').
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VSFTPD_FLAVORS, type VsftpdConfig, type VsftpdFlavor } from '../src/model/vsftpd.js';
import { firstStartupFailure, optionTable, parseVsftpdConf } from '../src/parsers/vsftpd/index.js';
import { VSFTPD_CORPUS, type CorpusCase, type CorpusContext } from './fixtures/vsftpd-corpus/cases.js';
import {
  checkVsftpdParses,
  ensureVsftpdRuntimeDirs,
  foregroundOverrides,
  freePort,
  probeVsftpdStartup,
  VSFTPD_BINARY,
  vsftpdPrerequisites,
  waitForNoSessions,
  withVsftpd,
  FtpControl,
  type RunningVsftpd,
  type StartupProbe,
} from './helpers/vsftpd-daemon.js';

const PARALLEL = 4;

const FLAVOR = (process.env.VSFTPD_AGREEMENT_FLAVOR ?? 'debian') as VsftpdFlavor;
if (!VSFTPD_FLAVORS.includes(FLAVOR)) throw new Error(`VSFTPD_AGREEMENT_FLAVOR must be one of ${VSFTPD_FLAVORS.join(', ')}`);
/** Option count of each build's table (parseconf.c of each tree; Debian probed on the binary). */
const TABLE_SIZE: Record<VsftpdFlavor, number> = { upstream: 132, debian: 135, rhel: 144 };

/** Run `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(runners);
  return results;
}

/** Connections admitted before the first "421" (up to `tries`); undefined if none refused. */
async function admittedConnections(host: string, port: number, tries: number): Promise<number | undefined> {
  const open: FtpControl[] = [];
  try {
    for (let i = 0; i < tries; i += 1) {
      const c = await FtpControl.connect(host, port);
      open.push(c);
      const greeting = await c.reply();
      if (greeting.startsWith('421')) return i;
      expect(greeting).toMatch(/^220/);
    }
    return undefined;
  } finally {
    for (const c of open) c.close();
  }
}

/** Anonymous login (Debian default anonymous_enable=YES, /srv/ftp) and the port PASV offers. */
async function pasvPort(host: string, port: number): Promise<number> {
  const c = await FtpControl.connect(host, port);
  try {
    expect(await c.reply()).toMatch(/^220/);
    expect(await c.command('USER anonymous')).toMatch(/^331/);
    expect(await c.command('PASS test@example.com')).toMatch(/^230/);
    const pasv = await c.command('PASV');
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv);
    if (!m) throw new Error(`unexpected PASV reply: ${pasv}`);
    return Number(m[5]) * 256 + Number(m[6]);
  } finally {
    c.close();
  }
}

const OBSERVE_TRIES = 4;

async function observe(kind: NonNullable<CorpusCase['observe']>, d: RunningVsftpd): Promise<number | undefined> {
  if (kind === 'pasv_port') return pasvPort(d.host, d.port);
  // The helper's greeting probe is a session too; the daemon counts it until it reaps it.
  await waitForNoSessions(d.pid);
  return admittedConnections(d.host, d.port, OBSERVE_TRIES);
}

interface CaseRun {
  probe: StartupProbe<number | undefined>;
  ctx: CorpusContext;
  config: VsftpdConfig;
}

describe.runIf(FLAVOR === 'debian')('vsftpd.conf parser agrees with the real vsftpd (Debian 3.0.3)', () => {
  const runs = new Map<string, CaseRun>();
  let scratch = '';

  beforeAll(async () => {
    const missing = vsftpdPrerequisites();
    if (missing) throw new Error(`cannot run the agreement test: ${missing}`);
    ensureVsftpdRuntimeDirs();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'vsftpd-corpus-'));
    const certFile = path.join(scratch, 'cert.pem');
    const keyFile = path.join(scratch, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost'],
      { stdio: 'ignore', timeout: 60_000 },
    );

    await pool(VSFTPD_CORPUS, PARALLEL, async (c) => {
      const otherPort = await freePort();
      let ctx: CorpusContext | undefined;
      const probe = await probeVsftpdStartup(
        (port) => {
          ctx = { port, otherPort, certFile, keyFile, tmpDir: scratch };
          return c.body(ctx);
        },
        {
          host: c.ipv6 ? '::1' : '127.0.0.1',
          overrides: (port) => foregroundOverrides(c.portInBody ? undefined : port),
          timeoutMs: 30_000,
          ...(c.observe ? { inspect: (d: RunningVsftpd) => observe(c.observe!, d) } : {}),
        },
      );
      // Parse exactly the bytes the daemon loaded.
      const config = parseVsftpdConf(probe.content, `corpus/${c.id}.conf`, 'debian');
      runs.set(c.id, { probe, ctx: ctx!, config });
    });
  }, 300_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('has at least 60 configs, with both outcomes represented', () => {
    expect(VSFTPD_CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(VSFTPD_CORPUS.map((c) => c.id)).size).toBe(VSFTPD_CORPUS.length);
    expect(VSFTPD_CORPUS.filter((c) => c.daemon === 'refuses').length).toBeGreaterThan(20);
    expect(VSFTPD_CORPUS.filter((c) => c.daemon === 'starts').length).toBeGreaterThan(20);
  });

  it.each(VSFTPD_CORPUS.map((c) => [c.id, c] as const))('%s', (_id, c: CorpusCase) => {
    const run = runs.get(c.id);
    expect(run, 'the case ran').toBeDefined();
    const { probe, ctx, config } = run!;
    const { result } = probe;
    expect(result.state, `daemon neither refused nor greeted: ${'output' in result ? result.output : ''}`).not.toBe('timeout');
    const daemonRefused = result.state === 'refused';

    // The agreement itself.
    const first = firstStartupFailure(config);
    expect(
      config.refusesToStart,
      `parser says ${config.refusesToStart ? 'refuses' : 'starts'}, daemon ${daemonRefused ? `refused: ${result.state === 'refused' ? result.oops : ''}` : 'started'}; issues: ${JSON.stringify(config.issues.map((i) => [i.code, i.fatal, i.location.line]))}`,
    ).toBe(daemonRefused);
    // The corpus says what each case is meant to show; a harness mistake would show here.
    expect(daemonRefused ? 'refuses' : 'starts').toBe(c.daemon);

    if (result.state === 'refused') {
      expect(first?.daemonMessage, 'the first fatal issue names what the daemon prints').toBe(result.oops);
      // die() exits 2; the one failure without a message is Debian's crash on a blank string.
      if (first?.daemonMessage !== undefined) expect(result.exitCode).toBe(2);
      else expect(result.signal).toBe('SIGSEGV');
    } else if (result.state === 'running') {
      if (c.greeting !== undefined) expect(result.greeting).toBe(c.greeting);
      if (result.greeting.startsWith('220')) {
        const banner = config.effective('ftpd_banner')?.value;
        expect(result.greeting).toBe(typeof banner === 'string' ? `220 ${banner}` : '220 (vsFTPd 3.0.3)');
      }
      if (c.portInBody) expect(config.effective('listen_port')?.value, 'the daemon listens where the parser says').toBe(probe.port);
      if (c.observe === 'pasv_port') {
        expect(probe.inspected, 'PASV port').toBe(config.effective('pasv_min_port')?.value);
      } else if (c.observe) {
        // 0 means unlimited; a limit at or above the tries cannot be seen.
        const limit = config.effective(c.observe)?.value as number;
        const visible = limit !== 0 && limit < OBSERVE_TRIES;
        expect(probe.inspected, `connections admitted with ${c.observe}=${limit}`).toBe(visible ? limit : undefined);
      }
    }

    // The parser names the defect the case is about (and nothing on clean configs).
    const codes = config.issues.map((i) => i.code);
    if (c.codes.length === 0) expect(config.issues.map((i) => `${i.code}: ${i.message}`)).toEqual([]);
    for (const code of c.codes) expect(codes, `expected a ${code} issue`).toContain(code);

    for (const [option, want] of Object.entries(c.effective ?? {})) {
      const expected = typeof want === 'function' ? want(ctx) : want;
      expect(config.effective(option)?.value, `effective ${option}`).toEqual(expected);
    }
  });

  it('agrees on every config', () => {
    const disagree = VSFTPD_CORPUS.filter((c) => {
      const r = runs.get(c.id);
      return !r || r.probe.result.state === 'timeout' || r.config.refusesToStart !== (r.probe.result.state === 'refused');
    }).map((c) => c.id);
    // Printed so that a CI log carries the figure.
    console.log(`vsftpd agreement: ${VSFTPD_CORPUS.length} configs, ${VSFTPD_CORPUS.length - disagree.length} agree${disagree.length ? `, disagree: ${disagree.join(', ')}` : ''}`);
    expect(disagree).toEqual([]);
  });
});

describe(`the ${FLAVOR} option table matches ${VSFTPD_BINARY}`, () => {
  beforeAll(() => {
    const missing = vsftpdPrerequisites();
    if (missing) throw new Error(`cannot check the option table: ${missing}`);
  });

  /**
   * What the binary thinks a name is: unknown ("unrecognised variable" on a non-empty value),
   * bool ("bad bool" on "X"), uint ("missing value" on an empty value) or string (accepts both).
   */
  async function binaryType(name: string): Promise<string> {
    const withX = await checkVsftpdParses([`-o${name}=X`]);
    if (!withX.ok) {
      if (withX.oops === `unrecognised variable in config file: ${name}`) return 'unknown';
      if (withX.oops === `bad bool value in config file for: ${name}`) return 'bool';
      return `? ${withX.oops ?? withX.output}`;
    }
    const empty = await checkVsftpdParses([`-o${name}=`]);
    if (!empty.ok) return empty.oops === `missing value in config file for: ${name}` ? 'uint' : `? ${empty.oops}`;
    return 'string';
  }

  it(`every ${FLAVOR} option exists in the binary with the same type`, async () => {
    const table = [...optionTable(FLAVOR).values()];
    expect(table.length).toBe(TABLE_SIZE[FLAVOR]);
    const types = await pool(table, 8, async (spec) => [spec.name, spec.type, await binaryType(spec.name)] as const);
    expect(types.filter(([, ours, theirs]) => ours !== theirs)).toEqual([]);
  }, 120_000);

  it('options of the other builds are unknown to it', async () => {
    const own = optionTable(FLAVOR);
    const foreign = VSFTPD_FLAVORS.flatMap((f) => [...optionTable(f).keys()]).filter((n) => !own.has(n));
    expect(foreign.length).toBeGreaterThanOrEqual(3);
    const types = await pool([...new Set([...foreign, 'ssl_ciphersuites'])], 8, async (n) => [n, await binaryType(n)] as const);
    expect(types.filter(([, t]) => t !== 'unknown')).toEqual([]);
  }, 60_000);
});

/**
 * Generated configs (seeded, reproducible): lines built from the fragments people get wrong,
 * parsed by the real daemon only (checkVsftpdParses: it stops right after parsing). The
 * daemon's first parse error, or its silence, must be exactly what the parser predicts.
 */
describe('generated configs: parse verdict and first error match the daemon', () => {
  const COUNT = 400;
  const SEED = 20261125;

  function generator(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      // mulberry32
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function makeConfig(rand: () => number): Buffer {
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const known = [...optionTable(FLAVOR).values()];
    const foreign = ['ssl_tlsv1_2', 'utf8_filesystem', 'ssl_ciphersuites', 'bind_retries', 'dh_param_file', 'foo_bar', 'SSL_ENABLE', 'Listen', 'ssl_enabled', ''];
    const goodValue = { bool: ['YES', 'no', 'True', 'FALSE', '1', '0'], uint: ['5', '022', '0', '300', '65535'], string: ['/etc/x', 'a b', '', 'HIGH'] };
    const anyValue = ['YES', 'off', '"YES"', 'NO ', 'NO\t', '  ', 'YES # c', '5', '05', '089', '0o7', '-1', 'abc', ' 7', '', 'a=b', 'NO\0junk', '4294967296', '\xa0YES'];
    const lines: string[] = [];
    const n = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < n; i += 1) {
      const r = rand();
      if (r < 0.08) {
        lines.push(pick(['', '   ', '#x', '# a=b', '\t', '#ftps-audit-ignore vsftpd/x why']));
      } else if (r < 0.7) {
        const spec = pick(known);
        lines.push(`${spec.name}=${pick(goodValue[spec.type])}`);
      } else {
        const name = rand() < 0.6 ? pick(known).name : pick(foreign);
        const prefix = pick(['', '', '', ' ', '\t', '#', ' #', ';', '[', '\v']);
        const sep = pick(['=', '=', '=', ' =', '= ', ' = ', '', '\t=']);
        const suffix = pick(['', '', '', '\r', ' ', '\t']);
        lines.push(`${prefix}${name}${sep}${pick(anyValue)}${suffix}`);
      }
    }
    return Buffer.from(`${lines.join('\n')}\n`, 'latin1');
  }

  it(`${COUNT} configs from seed ${SEED}`, async () => {
    const missing = vsftpdPrerequisites();
    if (missing) throw new Error(`cannot run: ${missing}`);
    const rand = generator(SEED);
    const configs = Array.from({ length: COUNT }, () => makeConfig(rand));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vsftpd-gen-'));
    try {
      const verdicts = await pool(configs.map((content, i) => ({ content, i })), 8, async ({ content, i }) => {
        const file = path.join(dir, `gen-${i}.conf`);
        writeFileSync(file, content, { mode: 0o600 });
        const daemon = await checkVsftpdParses([file]);
        const config = parseVsftpdConf(content, `gen-${i}.conf`, FLAVOR);
        const predicted = config.issues.find((x) => x.fatal && x.code !== 'listen-both');
        return { i, content, daemon, predicted };
      });
      const mismatches = verdicts.filter(({ daemon, predicted }) =>
        daemon.ok ? predicted !== undefined : predicted?.daemonMessage !== daemon.oops,
      );
      const accepted = verdicts.filter((v) => v.daemon.ok).length;
      console.log(`vsftpd generated configs (${FLAVOR}, ${VSFTPD_BINARY}): ${COUNT}, daemon accepted ${accepted}, refused ${COUNT - accepted}, mismatches ${mismatches.length}`);
      expect(accepted).toBeGreaterThan(COUNT / 10);
      expect(COUNT - accepted).toBeGreaterThan(COUNT / 10);
      expect(
        mismatches.slice(0, 5).map((m) => ({
          config: m.content.toString('latin1'),
          daemon: m.daemon.ok ? 'parsed' : m.daemon.oops,
          parser: m.predicted?.daemonMessage ?? 'parsed',
        })),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.runIf(FLAVOR === 'debian')('the vsftpd test helper itself', () => {
  function ftpExchange(host: string, port: number, command: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      const lines: string[] = [];
      let buf = '';
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`no reply: ${JSON.stringify(lines)}`));
      }, 15_000);
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          lines.push(buf.slice(0, nl).replace(/\r$/, ''));
          buf = buf.slice(nl + 1);
          if (lines.length === 1) sock.write(`${command}\r\n`);
          if (lines.length === 2) {
            clearTimeout(timer);
            sock.end();
            resolve(lines);
          }
        }
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('withVsftpd runs a daemon we can talk to, then stops it by PID', async () => {
    ensureVsftpdRuntimeDirs();
    let pid = 0;
    const replies = await withVsftpd('listen=YES\nftpd_banner=helper test\n', async (d) => {
      pid = d.pid;
      expect(d.greeting).toBe('220 helper test');
      return ftpExchange(d.host, d.port, 'QUIT');
    });
    expect(replies).toEqual(['220 helper test', '221 Goodbye.']);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('withVsftpd reports a refusal with the daemon’s own words', async () => {
    await expect(withVsftpd('listen=YES\nssl_tlsv1_2=YES\n', async () => 'ran')).rejects.toThrow(
      'vsftpd refused to start: unrecognised variable in config file: ssl_tlsv1_2 (exit 2)',
    );
  });

  it('checkVsftpdParses: ok for a good file, the first error otherwise', async () => {
    expect(await checkVsftpdParses(['-olisten=YES', '-ossl_enable=no'])).toEqual({ ok: true });
    expect(await checkVsftpdParses(['-ossl_enable=NO ', '-ofoo=1'])).toMatchObject({ ok: false, oops: 'bad bool value in config file for: ssl_enable' });
  });
});
