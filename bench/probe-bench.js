// Probe benchmark (`npm run bench -- probe`): ftps-audit's live probe against a strict and a
// permissive real vsftpd on loopback, side by side with sslscan and testssl.sh on the same
// ports, then 50 targets × 2 ports (explicit + implicit) with --concurrency 10.
// Needs root (vsftpd, useradd), Debian's vsftpd, sslscan and testssl.sh; imports ../dist,
// so run `npm run build` first. BENCH_SKIP_TESTSSL=1 skips testssl.sh (2–4 minutes per port).
// Everything runs on 127.0.0.0/8; every daemon is stopped by PID and the account removed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fmt, median } from './lib.js';

const DIST = new URL('../dist/', import.meta.url);

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function canConnect(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve(false); }, 500);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve(true); });
    s.once('error', () => { clearTimeout(t); resolve(false); });
  });
}

function portFree(host, port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function pickPort(hosts) {
  for (let i = 0; i < 200; i++) {
    const p = 30000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (const h of hosts) if (!(await portFree(h, p))) { ok = false; break; }
    if (ok) return p;
  }
  throw new Error('no common free port');
}

/** Start vsftpd in the foreground on host:port; resolves once the port accepts connections. */
async function startVsftpd(dir, name, lines, host, port) {
  const conf = path.join(dir, `${name}.conf`);
  writeFileSync(conf, lines.join('\n') + '\n', { mode: 0o600 });
  const fd0 = openSync(path.join(dir, `${name}.fd0`), 'w+');
  const child = spawn('/usr/sbin/vsftpd', [conf, `-olisten_port=${port}`, `-olisten_address=${host}`, '-obackground=NO'], { stdio: [fd0, 'ignore', 'ignore'], detached: true });
  closeSync(fd0);
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`vsftpd ${name} exited`);
    if (await canConnect(host, port)) return child;
    await sleep(10);
  }
  throw new Error(`vsftpd ${name} did not listen`);
}

function stop(child) {
  if (child.pid && child.exitCode === null) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
  }
}

function timed(cmd, args, timeoutMs) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, status: r.status };
}

/** What a peer's output says was accepted: suite lines per tool. */
function sslscanSuites(out) {
  return out.split('\n').filter((l) => /^(Preferred|Accepted)\s/.test(l)).length;
}
function testsslSuites(out) {
  // testssl -E style lines are not in the default run; count "offered" protocol lines instead.
  return out.split('\n').filter((l) => /^\s*(SSLv2|SSLv3|TLS 1(\.[0-3])?)\s+offered/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
}

export async function runProbeBench() {
  if (process.getuid && process.getuid() !== 0) throw new Error('probe bench needs root (vsftpd, useradd)');
  const { probeEndpoint, probeTargets } = await import(new URL('probe/run.js', DIST).href);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-bench-'));
  chmodSync(dir, 0o755);
  mkdirSync('/var/run/vsftpd/empty', { recursive: true });
  const user = `fb${process.pid.toString(36)}`;
  const password = `B-${Math.random().toString(36).slice(2)}-9x`;
  const children = [];
  const home = path.join(dir, 'home');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=ftps-test.local'], { stdio: 'ignore' });
    mkdirSync(home, { mode: 0o755 });
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', user]);
    execFileSync('chpasswd', { input: `${user}:${password}\n` });
    writeFileSync(path.join(home, 'file.txt'), 'bench\n');
    const up = path.join(home, 'upload');
    mkdirSync(up);
    const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
    chownSync(up, uid, uid);
    chmodSync(home, 0o555);

    const base = ['listen=YES', 'seccomp_sandbox=NO', 'ssl_enable=YES', `rsa_cert_file=${dir}/cert.pem`, `rsa_private_key_file=${dir}/key.pem`, 'local_enable=YES', 'chroot_local_user=YES', 'anonymous_enable=NO', 'max_clients=0', 'max_per_ip=0'];
    const strict = base;
    const permissive = [...base, 'force_local_logins_ssl=NO', 'force_local_data_ssl=NO', 'require_ssl_reuse=NO', 'anonymous_enable=YES', 'allow_anon_ssl=YES', 'pasv_address=10.1.2.3', 'ssl_ciphers=ALL:@SECLEVEL=0', 'ssl_tlsv1=YES', 'ssl_sslv3=YES'];
    const implicit = [...base, 'implicit_ssl=YES'];

    const [pStrict, pPerm] = [await pickPort(['127.0.0.1']), await pickPort(['127.0.0.1'])];
    children.push(await startVsftpd(dir, 'strict', strict, '127.0.0.1', pStrict));
    children.push(await startVsftpd(dir, 'permissive', permissive, '127.0.0.1', pPerm));

    const opts = { mode: 'auto', timeoutMs: 5000, concurrency: 1, user, password };
    const side = [];
    for (const [label, port] of [['strict', pStrict], ['permissive', pPerm]]) {
      const runs = [];
      let obs;
      for (let i = 0; i < 3; i++) {
        const t0 = process.hrtime.bigint();
        obs = await probeEndpoint({ host: '127.0.0.1', port }, opts);
        runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
      const suites = obs.tls.protocols.reduce((n, p) => n + p.suites.length, 0);
      const protocols = obs.tls.protocols.filter((p) => p.accepted).map((p) => p.protocol);
      const ftpChecks = ['userBeforeTls', 'clearAfterAuthTls', 'anonymousClear', 'anonymousTls', 'authSsl', 'protClear', 'dataTlsReuse', 'dataTlsNoReuse', 'pasv', 'epsv', 'ccc', 'site', 'stat'].filter((k) => obs.ftp?.[k] !== undefined).length;
      const sslscanRuns = [1, 2, 3].map(() => timed('sslscan', ['--no-colour', '--starttls-ftp', `127.0.0.1:${port}`], 120_000));
      const sslscan = { seconds: median(sslscanRuns.map((r) => r.seconds)), suites: sslscanSuites(sslscanRuns[0].out) };
      let nmap = null;
      if (!process.env.BENCH_SKIP_NMAP) {
        const runs = [1, 2, 3].map(() => timed('nmap', ['-sV', '--version-intensity', '0', `-p${port}`, '--script', 'ssl-enum-ciphers,ssl-cert', '127.0.0.1'], 120_000));
        nmap = { seconds: median(runs.map((r) => r.seconds)), suites: runs[0].out.split('\n').filter((l) => /^\|\s+(TLS|SSL)_\w+ /.test(l)).length };
      }
      let testssl = null;
      if (!process.env.BENCH_SKIP_TESTSSL) {
        const r = timed('testssl', ['--quiet', '--color', '0', '--starttls', 'ftp', `127.0.0.1:${port}`], 600_000);
        testssl = { seconds: r.seconds, protocolsOffered: testsslSuites(r.out), exit: r.status };
      }
      side.push({ server: label, port, ours: { seconds: median(runs), connections: obs.tls.connections, suites, protocols, ftpChecks, reachability: obs.reachability }, sslscan, nmap, testssl });
    }

    // Scale: 50 loopback addresses × (explicit + implicit) = 100 endpoints, --concurrency 10.
    const hosts = Array.from({ length: 50 }, (_, i) => `127.0.0.${10 + i}`);
    const [pe, pi] = [await pickPort(hosts), await pickPort(hosts)];
    const t0s = process.hrtime.bigint();
    for (const h of hosts) {
      children.push(await startVsftpd(dir, `s-${h}`, strict, h, pe));
      children.push(await startVsftpd(dir, `i-${h}`, implicit, h, pi));
    }
    const startup = Number(process.hrtime.bigint() - t0s) / 1e9;
    const targets = hosts.flatMap((h) => [{ host: h, port: pe }, { host: h, port: pi }]);
    const t0 = process.hrtime.bigint();
    const many = await probeTargets(targets, { mode: 'auto', timeoutMs: 5000, concurrency: 10 });
    const scaleSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const ok = many.filter((o) => o.reachability === 'ok').length;
    const modes = { explicit: many.filter((o) => o.detectedMode === 'explicit').length, implicit: many.filter((o) => o.detectedMode === 'implicit').length };
    return { side, scale: { endpoints: targets.length, concurrency: 10, seconds: scaleSeconds, ok, modes, daemonStartupSeconds: startup } };
  } finally {
    for (const c of children) stop(c);
    try { execFileSync('userdel', [user], { stdio: 'ignore' }); } catch { /* gone */ }
    try { chmodSync(home, 0o755); } catch { /* absent */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printProbeBench(r) {
  console.log('\nprobe: live FTPS audit on loopback (median of 3; testssl once)');
  console.log('server      | ftps-audit (TLS+FTP)            | sslscan            | testssl.sh');
  for (const s of r.side) {
    const ours = `${fmt(s.ours.seconds)} s, ${s.ours.suites} suites, ${s.ours.ftpChecks} FTP checks`;
    const ssl = `${fmt(s.sslscan.seconds)} s, ${s.sslscan.suites} suites`;
    const ts = s.testssl ? `${fmt(s.testssl.seconds, 1)} s (${(s.testssl.seconds / s.ours.seconds).toFixed(0)}× ours)` : 'skipped';
    console.log(`${s.server.padEnd(11)} | ${ours.padEnd(31)} | ${ssl.padEnd(18)} | ${ts}`);
    console.log(`            | vs sslscan: ${(s.ours.seconds / s.sslscan.seconds).toFixed(2)}× the time; protocols ${s.ours.protocols.join(', ')}`);
    if (s.nmap) console.log(`            | nmap -sV ssl-enum-ciphers: ${fmt(s.nmap.seconds)} s, ${s.nmap.suites} suites`);
  }
  const sc = r.scale;
  console.log(`scale: ${sc.endpoints} endpoints (${sc.modes.explicit} explicit, ${sc.modes.implicit} implicit) with concurrency ${sc.concurrency}: ${fmt(sc.seconds, 2)} s, ${sc.ok} probed ok`);
}
