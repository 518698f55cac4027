// Discovery + reading, collection (read, classify, parse a batch at a time, as a scan does),
// and the vsftpd.conf parser, each timed on its own on a generated tree
// of vsftpd.conf files, side by side with a bare Node reader (bench/read-only.js: readdir
// with file types + readFileSync, nothing else). Needs `npm run build` first (imports
// ../dist, or the dist given with --dist to compare two builds).
//
//   node bench/parse-bench.js [files=10000] [--runs 5] [--dist path/to/dist]
//
// Every measurement runs in a fresh process (the CLI runs once, with a cold JIT, so a warm
// in-process loop would flatter us); the phase is timed inside that process, after its
// modules are loaded. The figure reported is the median over the runs.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readTree } from './read-only.js';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { fmt, median, medianTime } from './lib.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '..');
const TMP = path.join(ROOT, '.bench-tmp');

async function load(dist) {
  const walkMod = await import(pathToFileURL(path.join(dist, 'discover', 'walk.js')).href);
  const vsftpd = await import(pathToFileURL(path.join(dist, 'parsers', 'vsftpd', 'index.js')).href);
  const options = await import(pathToFileURL(path.join(dist, 'parsers', 'vsftpd', 'options.js')).href);
  return { ...walkMod, ...vsftpd, optionTable: options.optionTable };
}

// Roughly what the rules ask of each config: every option of the build once, plus names of
// other builds (answered with undefined) and a second ask for the options several rules
// share, about 150 lookups per file.
function effectiveNames(optionTable) {
  return [...optionTable('debian').keys(), 'ssl_tlsv1_1', 'ssl_tlsv1_2', 'ssl_tlsv1_3', 'bind_retries', 'ssl_sni_hostname', ...['ssl_enable', 'ssl_ciphers', 'pasv_min_port', 'pasv_max_port', 'listen', 'listen_ipv6', 'rsa_cert_file', 'rsa_private_key_file', 'force_local_data_ssl', 'force_local_logins_ssl', 'require_ssl_reuse', 'ssl_tlsv1', 'ssl_sslv3']];
}

// CPU time (all threads: V8 collects garbage on helper threads) beside wall time: on a
// machine shared with other work it moves less than wall time does.
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** One phase in this (fresh) process; prints {ms, cpuMs, ...} as JSON. */
async function child(phase, dir, dist) {
  if (phase === 'bare') {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = readTree(dir);
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpuMs: cpuMs(c0), ...r }));
    return;
  }
  const m = await load(dist);
  if (phase === 'walk') {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { files } = m.walk([dir], { cwd: ROOT });
    let bytes = 0;
    for (const f of files) bytes += m.readCapped(f, 1 << 20).content?.length ?? 0;
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpuMs: cpuMs(c0), files: files.length, bytes }));
    return;
  }
  if (phase === 'collect') {
    // What a scan does with each batch after the walk (untimed): read the batch's files,
    // classify them, parse them, in batches of 100 (models dropped batch by batch).
    const { collectFiles } = await import(pathToFileURL(path.join(dist, 'pipeline', 'collect.js')).href);
    const { defaultSettings } = await import(pathToFileURL(path.join(dist, 'pipeline', 'scan.js')).href);
    const { files } = m.walk([dir], { cwd: ROOT });
    const settings = defaultSettings({ roots: [dir] });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let artifacts = 0;
    for (let i = 0; i < files.length; i += 100) artifacts += (await collectFiles(files.slice(i, i + 100), settings, 1 << 20, { hashes: false })).artifacts.length;
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpuMs: cpuMs(c0), files: artifacts }));
    return;
  }
  // parse / effective: the bytes are read first, untimed.
  const { files } = m.walk([dir], { cwd: ROOT });
  const inputs = files.map((f) => ({ rel: f.relPath, content: m.readCapped(f, 1 << 20).content }));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const configs = inputs.map((i) => m.parseVsftpdConf(i.content, i.rel, 'debian'));
  const parseMs = performance.now() - t0;
  const parseCpuMs = cpuMs(c0);
  // Rule-major, as the engine asks: each rule visits every file in turn. The names are
  // fresh strings (as read from the rule YAML), not literals.
  const names = effectiveNames(m.optionTable).map((n) => Buffer.from(n).toString());
  let explicit = 0;
  const t1 = performance.now();
  for (const n of names) for (const c of configs) if (c.effective(n)?.source === 'explicit') explicit++;
  const effectiveMs = performance.now() - t1;
  process.stdout.write(JSON.stringify({ ms: parseMs, cpuMs: parseCpuMs, effectiveMs, files: configs.length, lookups: configs.length * names.length, explicit }));
}

function runChild(phase, dir, dist) {
  const r = spawnSync(process.execPath, [HERE, '--child', phase, dir, dist], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${phase} child exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout);
}

function medianOf(runs, phase, dir, dist, key = 'ms') {
  const out = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = runChild(phase, dir, dist);
    out.push(last[key]);
    cpu.push(last.cpuMs);
  }
  return { ms: median(out), cpuMs: median(cpu), all: out, last };
}

export async function runParseBench({ files = 10_000, runs = 5, dist = path.join(ROOT, 'dist') } = {}) {
  const { generateTree } = await import('./vsftpd-bench.js');
  const dir = path.join(TMP, `parse-${files}`);
  const bytes = generateTree(dir, files);
  const readOnly = path.join(ROOT, 'bench', 'read-only.js');
  medianTime(1, process.execPath, [readOnly, dir]); // warm the page cache
  const readOnlyWall = medianTime(runs, process.execPath, [readOnly, dir]) * 1000;
  const nodeStart = medianTime(runs, process.execPath, ['-e', '0']) * 1000;
  const bare = medianOf(runs, 'bare', dir, dist);
  const walk = medianOf(runs, 'walk', dir, dist);
  const collect = medianOf(runs, 'collect', dir, dist);
  const parse = medianOf(runs, 'parse', dir, dist);
  const effective = medianOf(runs, 'parse', dir, dist, 'effectiveMs');
  rmSync(dir, { recursive: true, force: true });
  if (walk.last.files !== bare.last.files || walk.last.bytes !== bare.last.bytes) {
    throw new Error(`walk+read saw ${walk.last.files} files/${walk.last.bytes} bytes, the bare reader ${bare.last.files}/${bare.last.bytes}`);
  }
  if (collect.last.files !== bare.last.files) throw new Error(`collect recognised ${collect.last.files} of ${bare.last.files} vsftpd.conf files`);
  return { files, megabytes: bytes / 1e6, runs, dist, readOnlyWall, nodeStart, bare, walk, collect, parse, effective };
}

export function printParseBench(r) {
  const row = (label, m, cpu = true) =>
    console.log(
      `  ${label.padEnd(34)} ${fmt(m.ms, 1).padStart(8)} ms  ${fmt(m.ms / r.bare.ms, 2).padStart(6)}× bare  ${cpu ? `cpu ${fmt(m.cpuMs, 0).padStart(5)} ms` : ' '.repeat(12)}  [${m.all.map((x) => fmt(x, 0)).join(' ')}]`,
    );
  console.log(`discovery+read and vsftpd.conf parse: ${r.files} files, ${fmt(r.megabytes, 1)} MB, median of ${r.runs} fresh processes (dist: ${path.relative(ROOT, r.dist) || r.dist})`);
  console.log(`  bench/read-only.js wall time        ${fmt(r.readOnlyWall, 1).padStart(8)} ms  (node -e 0: ${fmt(r.nodeStart, 1)} ms)`);
  row('bare walk+read (in-process)', r.bare);
  row('walk() + readCapped()', r.walk);
  row('collect: read+classify+parse /100', r.collect);
  row('parse (parseVsftpdConf), all kept', r.parse);
  row(`effective() × ${r.parse.last.lookups / r.files}/file`, r.effective, false);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(argv[1], argv[2], argv[3]);
} else if (process.argv[1] === HERE) {
  const opt = (name, def) => {
    const i = argv.indexOf(name);
    return i === -1 ? def : argv[i + 1];
  };
  const files = Number(argv.find((a, i) => /^\d+$/.test(a) && !['--runs'].includes(argv[i - 1])) ?? 10_000);
  const runs = Number(opt('--runs', 5));
  const dist = path.resolve(opt('--dist', path.join(ROOT, 'dist')));
  printParseBench(await runParseBench({ files, runs, dist }));
}
