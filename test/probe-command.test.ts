/**
 * `ftps-audit probe` in-process: real vsftpd, a real login whose password comes only from an
 * environment variable, every report format written — and the password in none of them,
 * nor on stdout/stderr. Exit codes: 1 on findings, 2 on usage errors and when no target
 * could be probed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { runProbeCommand, type ProbeFlags } from '../src/cli/probe-command.js';
import { schemaErrors } from './report-sarif-validate.js';
import type { ScanReport } from '../src/model/report.js';
import { ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites, type VsftpdStartup } from './helpers/vsftpd-daemon.js';

const skip = vsftpdPrerequisites();
const USER = `fc${process.pid.toString(36)}`;
const PASSWORD = `Sec-${Math.random().toString(36).slice(2)}-Q7`;
const ENV = 'FTPS_AUDIT_TEST_PW';
let work = '';
let daemon: VsftpdStartup | undefined;
let port = 0;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormatsModule.default(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(path.resolve('schemas/report.schema.json'), 'utf8')) as object);

const base = (o: Partial<ProbeFlags> = {}): ProbeFlags => ({ timeout: 3000, concurrency: 2, mode: 'auto', format: 'json', 'fail-on': 'high', 'no-renegotiation': true, ...o });

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    const code = await fn();
    return { code, out, err };
  } finally {
    spy.mockRestore();
  }
}

describe.skipIf(skip !== undefined)('ftps-audit probe command', () => {
  beforeAll(async () => {
    ensureVsftpdRuntimeDirs();
    work = mkdtempSync(path.join(os.tmpdir(), 'probe-cmd-'));
    chmodSync(work, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem'), '-days', '60', '-subj', '/CN=ftps-test.local'], { stdio: 'ignore' });
    const home = path.join(work, 'home');
    mkdirSync(home, { mode: 0o755 });
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    writeFileSync(path.join(home, 'a.txt'), 'x\n');
    const up = path.join(home, 'upload');
    mkdirSync(up);
    const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
    chownSync(up, uid, uid);
    chmodSync(home, 0o555);
    const conf = path.join(work, 'vsftpd.conf');
    writeFileSync(conf, ['listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${work}/cert.pem`, `rsa_private_key_file=${work}/key.pem`, 'local_enable=YES', 'chroot_local_user=YES', 'anonymous_enable=NO', 'force_local_data_ssl=NO'].join('\n') + '\n', { mode: 0o600 });
    port = await freePort();
    daemon = await startVsftpd({ configFile: conf, port, overrides: foregroundOverrides(port) });
    expect(daemon.state).toBe('running');
  });

  afterAll(async () => {
    if (daemon) await stopVsftpd(daemon);
    try { execFileSync('userdel', [USER], { stdio: 'ignore' }); } catch { /* gone */ }
    if (work) {
      chmodSync(path.join(work, 'home'), 0o755);
      rmSync(work, { recursive: true, force: true });
    }
    delete process.env[ENV];
  });

  it('logs in with the password from --password-env, finds PROT C honoured, and never writes the password anywhere', async () => {
    process.env[ENV] = PASSWORD;
    const outDir = path.join(work, 'out');
    mkdirSync(outDir);
    const warnings: string[] = [];
    const r = await capture(() => runProbeCommand([`127.0.0.1:${port}`], base({
      user: USER, 'password-env': ENV, hostname: 'ftps-test.local',
      output: [`json=${outDir}/r.json`, `sarif=${outDir}/r.sarif`, `junit=${outDir}/r.xml`, `html=${outDir}/r.html`, `text=${outDir}/r.txt`],
    }), (l) => warnings.push(l)));
    expect(r.code).toBe(1); // PROT C honoured is a high finding
    const report = JSON.parse(readFileSync(`${outDir}/r.json`, 'utf8')) as ScanReport;
    expect(validateReport(report) ? [] : validateReport.errors).toEqual([]);
    expect(schemaErrors(JSON.parse(readFileSync(`${outDir}/r.sarif`, 'utf8')))).toEqual([]);
    const protC = report.results.find((x) => x.ruleId === 'probe/clear-data-channel-allowed')!;
    expect(protC.status).toBe('fail');
    expect(protC.location?.endpoint).toBe(`ftps://127.0.0.1:${port}`);
    expect(protC.evidence).toMatch(/PROT C[\s\S]*200[\s\S]*226/);
    expect(report.results.find((x) => x.ruleId === 'probe/credentials-accepted-in-clear')!.status).toBe('pass');
    expect(report.results.find((x) => x.ruleId === 'probe/data-tls-session-reuse-not-required')!.status).toBe('pass');
    expect(report.packs.length).toBeGreaterThan(0);
    for (const f of readdirSync(outDir)) expect(readFileSync(path.join(outDir, f), 'utf8'), f).not.toContain(PASSWORD);
    expect(r.out).not.toContain(PASSWORD);
    expect(warnings.join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(report.invocation.args)).not.toContain(PASSWORD);
  });

  it('usage errors exit 2: --user without --password-env, unset variable, bad target, no target', async () => {
    const w: string[] = [];
    expect(await runProbeCommand([`127.0.0.1:${port}`], base({ user: USER }), (l) => w.push(l))).toBe(2);
    expect(await runProbeCommand([`127.0.0.1:${port}`], base({ user: USER, 'password-env': 'FTPS_AUDIT_UNSET_VAR' }), (l) => w.push(l))).toBe(2);
    expect(await runProbeCommand(['127.0.0.1:99999'], base(), (l) => w.push(l))).toBe(2);
    expect(await runProbeCommand(['ftp://u:secret@127.0.0.1'], base(), (l) => w.push(l))).toBe(2);
    expect(await runProbeCommand([], base(), (l) => w.push(l))).toBe(2);
    expect(w.join('\n')).not.toContain('secret');
    expect(w.some((l) => /password-env/.test(l))).toBe(true);
  });

  it('no target reachable: results with status error, exit 2', async () => {
    const closed = await freePort();
    const w: string[] = [];
    const r = await capture(() => runProbeCommand([`127.0.0.1:${closed}`, 'no-such-host.invalid:21'], base(), (l) => w.push(l)));
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as ScanReport;
    const errs = report.results.filter((x) => x.ruleId === 'probe/endpoint-unreachable');
    expect(errs.map((x) => x.status)).toEqual(['error', 'error']);
    expect(errs.map((x) => x.message).join('\n')).toMatch(/refused[\s\S]*unresolvable/);
  });

  it('--targets FILE with comments; --fail-on none exits 0', async () => {
    const file = path.join(work, 'targets.txt');
    writeFileSync(file, `# FTPS servers\n127.0.0.1:${port}   # strict-ish\n\n`);
    const r = await capture(() => runProbeCommand([], base({ targets: file, 'fail-on': 'none', format: 'text' }), () => undefined));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/probe\//);
    // SARIF: every result sits on the --targets line that named the endpoint (code scanning
    // rejects results without a physical location), with the endpoint as a logical location.
    const s = await capture(() => runProbeCommand([], base({ targets: file, 'fail-on': 'none', format: 'sarif' }), () => undefined));
    const sarif = JSON.parse(s.out);
    const results = sarif.runs[0].results as { locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    expect(results.length).toBeGreaterThan(0);
    for (const res of results) {
      expect(res.locations[0].physicalLocation?.artifactLocation.uri).toMatch(/targets\.txt$/);
      expect(res.locations[0].physicalLocation?.region.startLine).toBe(2);
    }
  });
});
