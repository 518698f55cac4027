// Scan throughput on trees of vsftpd.conf files, against `cat` and a bare Node reader,
// and CLI start-up against bare `node -e 0`.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, medianTime, pairedTimes } from './lib.js';
import { availableParallelism } from 'node:os';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
const TMP = path.join(ROOT, '.bench-tmp');

// A deterministic generator (no Math.random) so every run scans the same bytes.
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const VARIANTS = [
  ['ssl_enable', ['YES', 'NO']],
  ['force_local_data_ssl', ['YES', 'NO']],
  ['local_umask', ['022', '027', '077', '22']],
  ['require_ssl_reuse', ['YES', 'NO']],
  ['idle_session_timeout', ['300', '600', '3600']],
  ['anonymous_enable', ['NO', 'YES']],
  ['pasv_min_port', ['40000', '50000', '1024']],
  ['max_per_ip', ['5', '0', '10']],
  ['ssl_tlsv1', ['NO', 'YES']],
];

// What differs from host to host in a real fleet: names, addresses, paths, ports, limits.
// With perHostValues every file sets these to values of its own, so no two files share those
// lines (the parser's table of lines already read then finds only the shared ones: the
// YES/NO switches and the comments every copy of a template has).
function perHostLines(i) {
  return [
    ['ftpd_banner', `Welcome to ftp${i}.example.org; authorised use only`],
    ['listen_address', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
    ['rsa_cert_file', `/etc/ssl/ftps/ftp${i}.example.org.crt`],
    ['rsa_private_key_file', `/etc/ssl/ftps/ftp${i}.example.org.key`],
    ['pasv_min_port', String(30000 + (i % 20000))],
    ['pasv_max_port', String(30100 + (i % 20000))],
    ['idle_session_timeout', String(300 + i)],
    ['data_connection_timeout', String(120 + i)],
    ['max_clients', String(50 + i)],
    ['xferlog_file', `/var/log/vsftpd/ftp${i}-xfer.log`],
    ['vsftpd_log_file', `/var/log/vsftpd/ftp${i}.log`],
  ];
}

/** Sets opt=value: replaces the file's line for opt, or adds one (no duplicate findings). */
function setOption(text, opt, value) {
  const line = new RegExp(`^${opt}=.*$`, 'm');
  return line.test(text) ? text.replace(line, `${opt}=${value}`) : `${text}${opt}=${value}\n`;
}

/**
 * Writes n vsftpd.conf files (samples mixed with seeded variations) under dir; returns their
 * bytes. perHostValues: each file also sets its own banner, address, paths, ports and limits.
 */
export function generateTree(dir, n, { perHostValues = false } = {}) {
  rmSync(dir, { recursive: true, force: true });
  const bases = ['hardened', 'insecure', 'debian-stock'].map((s) => readFileSync(path.join(ROOT, 'samples', s, 'etc', 'vsftpd.conf'), 'utf8'));
  const rnd = lcg(n);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `site${i % 100}`, `host${i}`, 'etc');
    mkdirSync(sub, { recursive: true });
    let text = bases[i % bases.length];
    for (const [opt, values] of VARIANTS) {
      if (rnd() < 0.3) text += `${opt}=${values[Math.floor(rnd() * values.length)]}\n`;
    }
    if (perHostValues) for (const [opt, value] of perHostLines(i)) text = setOption(text, opt, value);
    writeFileSync(path.join(sub, 'vsftpd.conf'), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

export async function runVsftpdBench({ sizes = [1000, 10000], runs = 3, perHostValuesSize = 10000 } = {}) {
  const out = { trees: [], startup: {} };
  const trees = [...sizes.map((n) => ({ n, perHostValues: false })), ...(perHostValuesSize ? [{ n: perHostValuesSize, perHostValues: true }] : [])];
  for (const { n, perHostValues } of trees) {
    const dir = path.join(TMP, `vsftpd-${n}${perHostValues ? '-per-host' : ''}`);
    const bytes = generateTree(dir, n, { perHostValues });
    // Warm the page cache once so no contender pays for the disk.
    medianTime(1, 'node', [path.join(ROOT, 'bench', 'read-only.js'), dir]);
    const cat = medianTime(runs, 'sh', ['-c', `find "${dir}" -type f -print0 | xargs -0 cat > /dev/null`]);
    // The reader and the scan alternately, so both sides of the headline ratio see the same machine.
    const paired = pairedTimes(Math.max(runs, 5), ['node', [path.join(ROOT, 'bench', 'read-only.js'), dir]], ['node', [BIN, 'scan', dir, '--fail-on', 'none', '--output', '/dev/null']]);
    const nodeRead = paired.a;
    // The default (one thread) and one worker thread per core (--jobs).
    const scanText = paired.b;
    const threads = availableParallelism();
    const scanTextThreads = medianTime(runs, 'node', [BIN, 'scan', dir, '--fail-on', 'none', '--output', '/dev/null', '--jobs', String(threads)]);
    // A failing JSON run (e.g. a report over V8's string limit) is reported, not fatal, so the
    // text figures and the start-up ratio still come out.
    let scanJson = null;
    let scanJsonError;
    try {
      scanJson = medianTime(runs, 'node', [BIN, 'scan', dir, '--fail-on', 'none', '--format', 'json', '--output', '/dev/null']);
    } catch (err) {
      scanJsonError = (/(RangeError|Error)[^\n]*/.exec(String(err.message)) ?? [String(err.message).slice(0, 120)])[0];
    }
    out.trees.push({
      files: n,
      perHostValues,
      megabytes: bytes / 1e6,
      catSeconds: cat,
      nodeReadSeconds: nodeRead,
      scanTextSeconds: scanText,
      threads,
      scanTextThreadsSeconds: scanTextThreads,
      ratioThreadsToNodeRead: scanTextThreads / nodeRead,
      scanJsonSeconds: scanJson,
      scanJsonError,
      ratioJsonToNodeRead: scanJson === null ? null : scanJson / nodeRead,
      filesPerSecond: n / scanText,
      megabytesPerSecond: bytes / 1e6 / scanText,
      ratioToNodeRead: paired.ratio,
      ratioToCat: scanText / cat,
      msPerFile: (scanText * 1000) / n,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  const startupRuns = 10;
  out.startup.nodeSeconds = medianTime(startupRuns, 'node', ['-e', '0']);
  out.startup.cliSeconds = medianTime(startupRuns, 'node', [BIN, '--version']);
  out.startup.ratio = out.startup.cliSeconds / out.startup.nodeSeconds;
  return out;
}

export function printVsftpdBench(r) {
  console.log(`vsftpd.conf scan throughput (median of runs; text report to /dev/null; ${availableParallelism()} cores; ×node-read: median of alternating reader/scan pairs)`);
  console.log('  files   MB     cat s   node-read s  scan s (text)  scan s (json)  files/s   MB/s   ×node-read  ×cat   ms/file');
  const label = (t) => `${t.files}${t.perHostValues ? '*' : ''}`;
  for (const t of r.trees) {
    console.log(
      `  ${label(t).padEnd(7)} ${fmt(t.megabytes, 1).padEnd(6)} ${fmt(t.catSeconds).padEnd(7)} ${fmt(t.nodeReadSeconds).padEnd(12)} ${fmt(t.scanTextSeconds).padEnd(14)} ${(t.scanJsonSeconds === null ? 'FAILED' : fmt(t.scanJsonSeconds)).padEnd(14)} ${fmt(t.filesPerSecond, 0).padEnd(9)} ${fmt(t.megabytesPerSecond, 1).padEnd(6)} ${fmt(t.ratioToNodeRead, 2).padEnd(11)} ${fmt(t.ratioToCat, 1).padEnd(6)} ${fmt(t.msPerFile, 3)}`,
    );
  }
  if (r.trees.some((t) => t.perHostValues)) console.log('  * every file with its own banner, address, certificate paths, ports, limits and log paths (no two files share those lines)');
  for (const t of r.trees) {
    console.log(`  text scan of ${label(t)} files on ${t.threads} threads (--jobs ${t.threads}): ${fmt(t.scanTextThreadsSeconds)} s = ${fmt(t.ratioThreadsToNodeRead, 2)}× node-read`);
  }
  for (const t of r.trees) {
    if (t.scanJsonError) console.log(`  json scan of ${label(t)} files failed: ${t.scanJsonError}`);
    else console.log(`  json scan of ${label(t)} files: ${fmt(t.ratioJsonToNodeRead, 2)}× node-read`);
  }
  console.log(`start-up: ftps-audit --version ${fmt(r.startup.cliSeconds)} s vs node -e 0 ${fmt(r.startup.nodeSeconds)} s = ${fmt(r.startup.ratio, 2)}×`);
}
