/**
 * The probe rules judged through the real engine and packs on real observations: a strict
 * and a permissive vsftpd (with a login) must give opposite verdicts for every rule whose
 * subject differs between them, and the evidence must be the observed exchange.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/model/report.js';
import type { ProbeObservation } from '../src/model/probe.js';
import { defaultSettings, judge, loadRuleSet, runScan } from '../src/pipeline/scan.js';
import { probeEndpoint } from '../src/probe/run.js';
import { ensureVsftpdRuntimeDirs, foregroundOverrides, freePort, startVsftpd, stopVsftpd, vsftpdPrerequisites, type VsftpdStartup } from './helpers/vsftpd-daemon.js';

const skip = vsftpdPrerequisites();
const USER = `fr${process.pid.toString(36)}`;
const PASSWORD = `R-${Math.random().toString(36).slice(2)}-7y`;
let work = '';
const daemons: VsftpdStartup[] = [];
let strict: ScanReport;
let permissive: ScanReport;
let strictObs: ProbeObservation;
let permissiveObs: ProbeObservation;

async function judged(o: ProbeObservation): Promise<ScanReport> {
  const rs = await loadRuleSet();
  return judge({ settings: defaultSettings(), artifacts: [], models: { probe: [o] }, diagnostics: [] }, rs, { command: 'probe', args: [], targets: [o.endpoint] });
}

function statuses(r: ScanReport, rule: string): string[] {
  return [...new Set(r.results.filter((x) => x.ruleId === rule).map((x) => x.status))].sort();
}

describe.skipIf(skip !== undefined)('probe rules on real observations', () => {
  beforeAll(async () => {
    ensureVsftpdRuntimeDirs();
    work = mkdtempSync(path.join(os.tmpdir(), 'probe-rules-'));
    chmodSync(work, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${work}/key.pem`, '-out', `${work}/cert.pem`, '-days', '200', '-subj', '/CN=ftps-test.local', '-addext', 'subjectAltName=DNS:ftps-test.local'], { stdio: 'ignore' });
    const home = path.join(work, 'home');
    mkdirSync(home, { mode: 0o755 });
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    writeFileSync(path.join(home, 'f.txt'), 'data\n');
    mkdirSync(path.join(home, 'up'));
    const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
    chownSync(path.join(home, 'up'), uid, uid);
    chmodSync(home, 0o555);
    const base = ['listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${work}/cert.pem`, `rsa_private_key_file=${work}/key.pem`, 'local_enable=YES', 'chroot_local_user=YES', 'anonymous_enable=NO', 'ftpd_banner=FTP ready.'];
    const weak = [...base.filter((l) => !l.startsWith('ftpd_banner')), 'force_local_logins_ssl=NO', 'force_local_data_ssl=NO', 'require_ssl_reuse=NO', 'anonymous_enable=YES', 'allow_anon_ssl=YES', 'pasv_address=10.1.2.3', 'ssl_ciphers=ALL:@SECLEVEL=0', 'ssl_tlsv1=YES'];
    const obs: ProbeObservation[] = [];
    for (const [i, lines] of [base, weak].entries()) {
      const conf = path.join(work, `c${i}.conf`);
      writeFileSync(conf, lines.join('\n') + '\n', { mode: 0o600 });
      const port = await freePort();
      const d = await startVsftpd({ configFile: conf, port, overrides: foregroundOverrides(port) });
      daemons.push(d);
      expect(d.state).toBe('running');
      obs.push(await probeEndpoint({ host: '127.0.0.1', port }, { mode: 'auto', timeoutMs: 4000, concurrency: 1, user: USER, password: PASSWORD, hostname: 'ftps-test.local', caFile: `${work}/cert.pem` }));
    }
    strictObs = obs[0]!;
    permissiveObs = obs[1]!;
    strict = await judged(obs[0]!);
    permissive = await judged(obs[1]!);
  });

  afterAll(async () => {
    for (const d of daemons) await stopVsftpd(d);
    try { execFileSync('userdel', [USER], { stdio: 'ignore' }); } catch { /* gone */ }
    if (work) { chmodSync(path.join(work, 'home'), 0o755); rmSync(work, { recursive: true, force: true }); }
  });

  const opposite = [
    'probe/legacy-protocol-accepted', 'probe/credentials-accepted-in-clear', 'probe/anonymous-login-in-clear', 'probe/anonymous-login',
    'probe/clear-data-channel-allowed', 'probe/data-tls-session-reuse-not-required', 'probe/pasv-internal-address', 'probe/weak-cipher-suite',
    'probe/no-forward-secrecy', 'probe/version-disclosed',
  ];
  for (const rule of opposite) {
    it(`${rule}: strict passes, permissive fails`, () => {
      expect(statuses(strict, rule)).toEqual(['pass']);
      expect(statuses(permissive, rule)).toContain('fail');
    });
  }

  it('both pass where both servers behave: fallback SCSV, secure renegotiation, TLS 1.2, compression, certificate trust/name with --ca-file', () => {
    for (const r of ['probe/fallback-scsv-not-enforced', 'probe/secure-renegotiation-missing', 'probe/tls12-not-supported', 'probe/tls-compression', 'probe/certificate-untrusted', 'probe/certificate-hostname-mismatch', 'probe/certificate-validity', 'probe/ccc-accepted', 'probe/endpoint-unreachable', 'probe/data-channel-differs', 'probe/heartbleed', 'probe/ccs-injection', 'probe/cleartext-fallback', 'probe/weak-key-exchange-group']) {
      expect(statuses(strict, r), r).toEqual(['pass']);
      expect(statuses(permissive, r), r).toEqual(['pass']);
    }
  });

  it('results carry the endpoint, the controls of each pack, and the exchange as evidence', () => {
    const r = permissive.results.find((x) => x.ruleId === 'probe/credentials-accepted-in-clear')!;
    expect(r.location?.endpoint).toMatch(/^ftps:\/\/127\.0\.0\.1:\d+$/);
    expect(r.evidence).toBe('C: USER ftps-audit-probe\nS: 331 Please specify the password.');
    expect(r.controls.map((c) => `${c.pack}:${c.control}`)).toEqual(expect.arrayContaining(['pci-dss:8.3.2', 'hipaa:164.312(e)(1)']));
    const legacy = permissive.results.find((x) => x.ruleId === 'probe/legacy-protocol-accepted' && x.status === 'fail')!;
    expect(legacy.controls.map((c) => `${c.pack}:${c.control}`)).toEqual(expect.arrayContaining(['pci-dss:4.2.1', 'nist-800-52r2:3.1', 'hipaa:164.312(e)(1)']));
    // Refusals are evidenced by the alert and vsftpd's clear-text OOPS, not reported as errors.
    const sslv3 = strict.results.find((x) => x.ruleId === 'probe/legacy-protocol-accepted' && x.message.includes('SSLv3'))!;
    expect(sslv3.status).toBe('pass');
    expect(sslv3.evidence).toMatch(/alert .*\n.*500 OOPS/);
    expect(JSON.stringify([strict, permissive, strictObs])).not.toContain(PASSWORD);
  });

  it('an unreachable endpoint is an error result with its reason, and the other rules say not-evaluated', async () => {
    const port = await freePort();
    const o = await probeEndpoint({ host: '127.0.0.1', port }, { mode: 'auto', timeoutMs: 1000, concurrency: 1 });
    const r = await judged(o);
    expect(statuses(r, 'probe/endpoint-unreachable')).toEqual(['error']);
    expect(statuses(r, 'probe/weak-cipher-suite')).toEqual(['not-evaluated']);
    expect(r.results.find((x) => x.ruleId === 'probe/endpoint-unreachable')!.message).toMatch(/refused/);
  });

  it('config vs live (scan with probe observations): the file matches the strict daemon, not the permissive one', async () => {
    const dir = path.join(work, 'scanned');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'vsftpd.conf'), ['listen=YES', 'ssl_enable=YES', 'ssl_tlsv1=NO', 'ssl_sslv3=NO', 'force_local_logins_ssl=YES', 'force_local_data_ssl=YES', 'require_ssl_reuse=YES', 'anonymous_enable=NO', 'local_enable=YES', 'rsa_cert_file=/etc/ssl/certs/vsftpd.pem'].join('\n') + '\n');
    const rule = 'probe/config-differs-from-live';
    const ok = (await runScan({ paths: [dir], extraModels: { probe: [strictObs] } })).report;
    expect(statuses(ok, rule)).toEqual(['pass']);
    const bad = (await runScan({ paths: [dir], extraModels: { probe: [permissiveObs] } })).report;
    const fails = bad.results.filter((x) => x.ruleId === rule && x.status === 'fail');
    expect(fails.map((f) => /sets (\w+)=/.exec(f.message)![1]).sort()).toEqual(['anonymous_enable', 'force_local_data_ssl', 'force_local_logins_ssl', 'require_ssl_reuse', 'ssl_tlsv1']);
    const tls1 = fails.find((f) => f.message.includes('ssl_tlsv1'))!;
    expect(tls1.location).toMatchObject({ file: expect.stringMatching(/vsftpd\.conf$/), line: 3, endpoint: permissiveObs.endpoint });
    expect(tls1.evidence).toMatch(/ssl_tlsv1=NO[\s\S]*TLSv1.0 accepted/);
  });

  it('mode mismatch is judged (pci-dss 4.2.1) when a mode was asked for', async () => {
    const asked = await judged({ ...strictObs, requestedMode: 'implicit', modeMismatch: true });
    const r = asked.results.find((x) => x.ruleId === 'probe/mode-mismatch')!;
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/expected to speak implicit FTPS but speaks explicit/);
    expect(r.controls.map((c) => `${c.pack}:${c.control}`)).toContain('pci-dss:4.2.1');
    expect(statuses(strict, 'probe/mode-mismatch')).toEqual(['not-applicable']);
  });
});
