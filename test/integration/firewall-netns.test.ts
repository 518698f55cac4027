/**
 * Ground truth for the firewall reachability model: every ruleset in
 * test/fixtures/firewall/netns is loaded into a network namespace this test creates, real
 * TCP listeners run inside it, and clients in a second namespace connect from two source
 * addresses per family (one the rulesets name, one they do not). For every port, family and
 * source the model's verdict must equal what the kernel did. Every ruleset the parsers call
 * valid must also pass the real loader's check (`iptables-restore --test`, `nft -c -f`,
 * the script run with `sh -e`).
 *
 * Needs root (CAP_NET_ADMIN) and iproute2/iptables/nftables; otherwise the suite is skipped
 * and says why on stderr. Namespaces and processes are removed in afterAll even on failure.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirewallRuleset, IpFamily } from '../../src/model/firewall.js';
import { FirewallModel } from '../../src/firewall/reachability.js';
import { parseIptablesSave } from '../../src/parsers/iptables/save.js';
import { parseIptablesScript } from '../../src/parsers/iptables/script.js';
import { parseNftables } from '../../src/parsers/nftables/ruleset.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';

const CORPUS_DIR = path.resolve(__dirname, '../fixtures/firewall/netns');
const PORTS = [20, 21, 22, 989, 990, 2121, 31337, 39999, 40000, 40049, 40050, 40100, 40101];
const SERVER = { ipv4: '10.213.0.1', ipv6: 'fd13::1' } as const;
const PEERS = { ipv4: ['10.213.0.2', '10.213.0.3'], ipv6: ['fd13::2', 'fd13::3'] } as const;
const CONNECT_TIMEOUT_MS = 1200;
const ACTIVE_CLIENT_PORT = 50000;
const ACTIVE_SOURCE_PORTS = [20, 45000];
const PARALLEL = 6;
const tag = `fa${process.pid % 100000}`;

function netnsAvailable(): { ok: boolean; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'not running as root (needs CAP_NET_ADMIN for ip netns)' };
  for (const tool of ['ip', 'nft', 'iptables-restore', 'ip6tables-restore']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return { ok: false, reason: `${tool} is not installed (apt-get install iproute2 iptables nftables)` };
    }
  }
  // Root is not enough in some containers: try the real thing once.
  const probe = `${tag}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    return { ok: false, reason: `ip netns add failed (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})` };
  }
  try {
    execFileSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset'], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    return { ok: false, reason: `nft does not work inside a network namespace (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})` };
  } finally {
    try { execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore', timeout: 10_000 }); } catch { /* reported by the next run's probe */ }
  }
  return { ok: true, reason: '' };
}

const avail = netnsAvailable();
if (!avail.ok) {
  console.warn(`\n*** firewall-netns ground truth SKIPPED: ${avail.reason}. The reachability model is NOT verified against the kernel in this run. ***\n`);
}

interface CaseResult {
  file: string;
  ruleset: FirewallRuleset;
  diagnostics: Diagnostic[];
  loaderCheck: { ok: boolean; output: string };
  /** key "family port peer" → reachable? */
  kernel: Map<string, boolean>;
  /** Generated scripts: the lines whose command the real iptables refused. */
  failedLines?: number[];
  error?: string;
}

function parseFile(file: string, text: string): { model: FirewallRuleset; diagnostics: Diagnostic[] } {
  if (file.endsWith('.nft')) return parseNftables(file, text);
  if (file.endsWith('.sh')) return parseIptablesScript(file, text);
  return parseIptablesSave(file, text);
}

const namespaces = new Set<string>();
/** veth ends created in the root namespace (normally moved at once; deleted if a step failed). */
const vethsInRoot = new Set<string>();
const children = new Set<ChildProcess>();

async function sh(args: string[], input?: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(args[0]!, args.slice(1), { timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}${err && !stderr ? String(err) : ''}` });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function must(args: string[], input?: string): Promise<string> {
  const r = await sh(args, input);
  if (!r.ok) throw new Error(`${args.join(' ')} failed: ${r.output}`);
  return r.output;
}

/** Two namespaces joined by a veth pair; the server side is called eth0 inside its namespace. */
async function makePair(i: number): Promise<{ server: string; client: string }> {
  const server = `${tag}-s${i}`;
  const client = `${tag}-c${i}`;
  await must(['ip', 'netns', 'add', server]);
  namespaces.add(server);
  await must(['ip', 'netns', 'add', client]);
  namespaces.add(client);
  const a = `${tag}a${i}`;
  const b = `${tag}b${i}`;
  vethsInRoot.add(a);
  await must(['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  await must(['ip', 'link', 'set', a, 'netns', server]);
  await must(['ip', 'link', 'set', b, 'netns', client]);
  const batchServer = [
    `link set ${a} name eth0`,
    `addr add ${SERVER.ipv4}/24 dev eth0`,
    `addr add ${SERVER.ipv6}/64 dev eth0 nodad`,
    'link set eth0 up',
    'link set lo up',
  ];
  const batchClient = [
    `addr add ${PEERS.ipv4[0]}/24 dev ${b}`,
    `addr add ${PEERS.ipv4[1]}/24 dev ${b}`,
    `addr add ${PEERS.ipv6[0]}/64 dev ${b} nodad`,
    `addr add ${PEERS.ipv6[1]}/64 dev ${b} nodad`,
    `link set ${b} up`,
    'link set lo up',
  ];
  await must(['ip', '-n', server, '-batch', '-'], batchServer.join('\n') + '\n');
  await must(['ip', '-n', client, '-batch', '-'], batchClient.join('\n') + '\n');
  // Static ARP entries only: IPv4 address resolution is not filtered by ip/inet tables. IPv6
  // neighbour discovery is left to the kernel, because the rulesets filter it (ICMPv6) and
  // the model has to get that right too.
  const macOf = async (ns: string, dev: string) => /link\/ether ([0-9a-f:]+)/.exec(await must(['ip', '-n', ns, 'link', 'show', dev]))![1]!;
  const serverMac = await macOf(server, 'eth0');
  const clientMac = await macOf(client, b);
  const neighServer = [...PEERS.ipv4].map((p) => `neigh replace ${p} lladdr ${clientMac} dev eth0 nud permanent`);
  const neighClient = [SERVER.ipv4].map((p) => `neigh replace ${p} lladdr ${serverMac} dev ${b} nud permanent`);
  await must(['ip', '-n', server, '-batch', '-'], neighServer.join('\n') + '\n');
  await must(['ip', '-n', client, '-batch', '-'], neighClient.join('\n') + '\n');
  return { server, client };
}

const LISTENER = `
const net = require('net');
const ports = process.argv.slice(1).map(Number);
let pending = ports.length;
for (const p of ports) {
  const srv = net.createServer((s) => { s.on('error', () => {}); s.end('220 ready\\r\\n'); });
  srv.listen({ port: p, host: '::', ipv6Only: false }, () => { if (--pending === 0) console.log('ready'); });
}
setTimeout(() => process.exit(0), 60000);
`;

const CLIENT = `
const net = require('net');
const [timeout, json] = [Number(process.argv[1]), process.argv[2]];
const targets = JSON.parse(json);
let left = targets.length;
const out = {};
for (const t of targets) {
  let done = false;
  const finish = (ok) => { if (done) return; done = true; out[t.key] = ok; s.destroy(); if (--left === 0) { console.log(JSON.stringify(out)); process.exit(0); } };
  const s = net.connect({ host: t.host, port: t.port, localAddress: t.src, ...(t.localPort ? { localPort: t.localPort } : {}) });
  s.setTimeout(timeout, () => finish(false));
  s.on('data', (d) => finish(String(d).startsWith('220')));
  s.on('error', () => finish(false));
  s.on('close', () => finish(false));
}
`;

async function startListener(ns: string, ports: number[] = PORTS): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER, ...ports.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listener in ${ns} did not start`)), 10_000);
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    child.stdout!.on('data', (d) => {
      if (String(d).includes('ready')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`listener exited ${code}: ${err}`)); });
  });
  return child;
}

function keyOf(family: IpFamily, port: number, peer: string): string {
  return `${family} ${port} ${peer}`;
}

async function probe(client: string): Promise<Map<string, boolean>> {
  const targets: { key: string; host: string; port: number; src: string }[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const port of PORTS) for (const src of PEERS[family]) targets.push({ key: keyOf(family, port, src), host: SERVER[family], port, src });
  }
  const out = await must(['ip', 'netns', 'exec', client, process.execPath, '-e', CLIENT, String(CONNECT_TIMEOUT_MS), JSON.stringify(targets)]);
  const parsed = JSON.parse(out.trim().split('\n').pop()!) as Record<string, boolean>;
  return new Map(Object.entries(parsed));
}

async function loaderCheck(ns: string, file: string, abs: string, model: FirewallRuleset): Promise<{ ok: boolean; output: string }> {
  if (file.endsWith('.nft')) return sh(['ip', 'netns', 'exec', ns, 'nft', '-c', '-f', abs]);
  if (file.endsWith('.sh') || file.endsWith('.S')) return { ok: true, output: 'checked by running it with sh -e' };
  const tool = model.families[0] === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
  return sh(['ip', 'netns', 'exec', ns, tool, '--test'], readFileSync(abs, 'utf8'));
}

async function load(ns: string, file: string, abs: string, model: FirewallRuleset): Promise<number[] | void> {
  if (file.endsWith('.nft')) await must(['ip', 'netns', 'exec', ns, 'nft', '-f', abs]);
  else if (file.startsWith('gen-script-')) {
    const out = await must(['ip', 'netns', 'exec', ns, 'sh', abs]);
    return [...out.matchAll(/FAILED (\d+)/g)].map((m) => Number(m[1]));
  } else if (file.endsWith('.sh')) await must(['ip', 'netns', 'exec', ns, 'sh', '-e', abs]);
  else if (file.endsWith('.S')) {
    // iptables -S output is a list of iptables arguments: replay each line as a command.
    const script = readFileSync(abs, 'utf8').split('\n').filter((l) => l.trim()).map((l) => `iptables ${l}`).join('\n');
    await must(['ip', 'netns', 'exec', ns, 'sh', '-e', '-c', script]);
  }
  else {
    const tool = model.families[0] === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
    await must(['ip', 'netns', 'exec', ns, tool], readFileSync(abs, 'utf8'));
  }
}

async function runCase(i: number, file: string): Promise<CaseResult> {
  const abs = file.startsWith('gen-') ? path.join(GEN_DIR, file) : path.join(CORPUS_DIR, file);
  const { model, diagnostics } = parseFile(file, readFileSync(abs, 'utf8'));
  const result: CaseResult = { file, ruleset: model, diagnostics, loaderCheck: { ok: false, output: '' }, kernel: new Map() };
  const { server, client } = await makePair(i);
  result.loaderCheck = await loaderCheck(server, file, abs, model);
  const failed = await load(server, file, abs, model);
  if (failed) result.failedLines = failed;
  const listener = await startListener(server);
  try {
    result.kernel = await probe(client);
  } finally {
    listener.kill('SIGKILL');
    children.delete(listener);
  }
  // Active mode: the server connects out, from port 20 or an unprivileged port, to a client port.
  const clientListener = await startListener(client, [ACTIVE_CLIENT_PORT]);
  try {
    const targets: { key: string; host: string; port: number; src: string; localPort: number }[] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const peer of PEERS[family]) for (const lp of ACTIVE_SOURCE_PORTS) targets.push({ key: `out ${keyOf(family, lp, peer)}`, host: peer, port: ACTIVE_CLIENT_PORT, src: SERVER[family], localPort: lp });
    }
    const out = await must(['ip', 'netns', 'exec', server, process.execPath, '-e', CLIENT, String(CONNECT_TIMEOUT_MS), JSON.stringify(targets)]);
    for (const [k, v] of Object.entries(JSON.parse(out.trim().split('\n').pop()!) as Record<string, boolean>)) result.kernel.set(k, v);
  } finally {
    clientListener.kill('SIGKILL');
    children.delete(clientListener);
  }
  return result;
}

const INVALID_DIR = path.resolve(__dirname, '../fixtures/firewall/invalid');
const invalid = readdirSync(INVALID_DIR).filter((f) => /\.(nft|v4|v6)$/.test(f)).sort();
const handWritten = readdirSync(CORPUS_DIR).filter((f) => /\.(nft|sh|v4|v6|S)$/.test(f)).sort();

/**
 * Generated rulesets: a seeded random mix of the constructs above (sources in and out of
 * the peers, negations, port ranges, ct states, interfaces, user chains with jump/goto/
 * RETURN, several nft base chains), so the agreement is not limited to cases we thought of.
 */
const GEN_DIR = mkdtempSync(path.join(tmpdir(), 'fw-netns-gen-'));
const GENERATED = Number(process.env.FW_NETNS_GENERATED ?? 24);
const SEED = Number(process.env.FW_NETNS_SEED ?? 1000);

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 0x100000000;
  };
}

function generateIptables(seed: number, v6: boolean): string {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const sources = v6 ? ['fd13::2/128', 'fd13::3/128', 'fd13::/124', '2001:db8::/32'] : ['10.213.0.2/32', '10.213.0.3/32', '10.213.0.0/30', '192.0.2.0/24'];
  const ports = ['21', '990', '20:22', '40000:40100', '989:990', '40050:65535', '1:1024'];
  const states = ['NEW', 'ESTABLISHED', 'NEW,ESTABLISHED', 'RELATED,ESTABLISHED'];
  const chains = ['C1', 'C2', 'C3'].slice(0, Math.floor(r() * 4));
  const lines = ['*filter', `:INPUT ${pick(['ACCEPT', 'DROP'])} [0:0]`, ':FORWARD DROP [0:0]', `:OUTPUT ${r() < 0.8 ? 'ACCEPT' : 'DROP'} [0:0]`, ...chains.map((c) => `:${c} - [0:0]`)];
  if (v6 && r() < 0.6) lines.push('-A INPUT -p ipv6-icmp -j ACCEPT', '-A OUTPUT -p ipv6-icmp -j ACCEPT');
  if (lines.some((l) => l.startsWith(':OUTPUT DROP'))) lines.push(`-A OUTPUT -m conntrack --ctstate ${pick(['ESTABLISHED', 'RELATED,ESTABLISHED'])} -j ACCEPT`);
  const rule = (chain: string, idx: number): string => {
    const parts = [`-A ${chain}`];
    const tcp = r() < 0.85;
    if (r() < 0.5) parts.push(`${r() < 0.25 ? '! ' : ''}-s ${pick(sources)}`);
    if (r() < 0.15) parts.push(`${r() < 0.5 ? '! ' : ''}-i ${pick(['eth0', 'eth1', 'eth+'])}`);
    if (tcp) {
      parts.push('-p tcp');
      const pr = r();
      if (pr < 0.5) parts.push(`-m tcp ${r() < 0.2 ? '! ' : ''}--dport ${pick(ports)}`);
      else if (pr < 0.7) parts.push(`-m multiport --dports ${pick(['21,990', '20,21,989,990', '990,40000:40100'])}`);
      else if (pr < 0.8) parts.push(r() < 0.5 ? '--syn' : '! --syn');
    }
    if (r() < 0.4) parts.push(`-m conntrack ${r() < 0.15 ? '! ' : ''}--ctstate ${pick(states)}`);
    const later = chains.filter((c) => chains.indexOf(c) > (chain === 'INPUT' ? -1 : chains.indexOf(chain)));
    const targets = ['ACCEPT', 'ACCEPT', 'DROP', 'REJECT', 'LOG', ...(chain !== 'INPUT' ? ['RETURN'] : []), ...later.map((c) => `J:${c}`), ...later.map((c) => `G:${c}`)];
    const t = pick(targets);
    if (t.startsWith('J:')) parts.push(`-j ${t.slice(2)}`);
    else if (t.startsWith('G:')) parts.push(`-g ${t.slice(2)}`);
    else if (t === 'REJECT') parts.push(tcp ? '-j REJECT --reject-with tcp-reset' : '-j REJECT');
    else if (t === 'LOG') parts.push(`-j LOG --log-prefix "r${idx} "`);
    else parts.push(`-j ${t}`);
    return parts.join(' ');
  };
  const n = 3 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) lines.push(rule('INPUT', i));
  for (const c of chains) for (let i = 0, m = 1 + Math.floor(r() * 3); i < m; i++) lines.push(rule(c, i));
  lines.push('COMMIT', '');
  return `${v6 ? '# Generated by ip6tables-save (ftps-audit test generator)' : '# Generated by iptables-save (ftps-audit test generator)'}\n${lines.join('\n')}`;
}

function generateNft(seed: number): string {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const match = (): string => {
    const parts: string[] = [];
    const fam = r();
    if (fam < 0.25) parts.push(`ip saddr ${r() < 0.2 ? '!= ' : ''}${pick(['10.213.0.2', '10.213.0.3', '10.213.0.0/30', '{ 10.213.0.2, 192.0.2.0/24 }'])}`);
    else if (fam < 0.45) parts.push(`ip6 saddr ${r() < 0.2 ? '!= ' : ''}${pick(['fd13::2', 'fd13::3', 'fd13::/124'])}`);
    if (r() < 0.15) parts.push(`iifname ${pick(['"eth0"', '"eth1"', '"eth*"'])}`);
    if (r() < 0.8) {
      const value = pick(['21', '990', '{ 21, 990 }', '40000-40100', '{ 20, 989-990, 40000-40049 }', '>= 40050']);
      parts.push(`tcp dport ${r() < 0.15 && !value.startsWith('>') ? '!= ' : ''}${value}`);
    } else if (r() < 0.3) {
      parts.push('icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }');
    }
    if (r() < 0.35) parts.push(`ct state ${pick(['new', 'established', 'established,related', '{ new, established }'])}`);
    return parts.join(' ');
  };
  const chains = ['c1', 'c2'].slice(0, Math.floor(r() * 3));
  const verdict = (inChain: string | undefined): string => {
    const later = chains.filter((c) => inChain === undefined || chains.indexOf(c) > chains.indexOf(inChain));
    return pick(['accept', 'accept', 'drop', 'reject', 'counter', ...(inChain ? ['return'] : []), ...later.map((c) => `jump ${c}`), ...later.map((c) => `goto ${c}`)]);
  };
  const body = (inChain: string | undefined, n: number) => Array.from({ length: n }, () => `\t\t${match()} ${verdict(inChain)}`.replace(/\t\t +/, '\t\t')).join('\n');
  const out = ['flush ruleset', 'table inet gen {'];
  for (const c of chains) out.push(`\tchain ${c} {`, body(c, 1 + Math.floor(r() * 3)), '\t}');
  out.push('\tchain input {', `\t\ttype filter hook input priority 0; policy ${pick(['accept', 'drop'])};`);
  if (r() < 0.5) out.push('\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept');
  out.push(body(undefined, 3 + Math.floor(r() * 5)), '\t}');
  if (r() < 0.4) out.push('\tchain late {', '\t\ttype filter hook input priority 10; policy accept;', body(undefined, 1 + Math.floor(r() * 2)), '\t}');
  out.push('}', '');
  return out.join('\n');
}

/**
 * Scripts that edit the ruleset command by command (-A/-I n/-D n/-D spec/-R n/-N/-F/-P),
 * some of which fail on purpose (index too big, unknown chain): the parser must replay the
 * same end state and report exactly the commands the real iptables refuses.
 */
function generateScript(seed: number): string {
  const r = rng(seed);
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const specs = ['-p tcp --dport 21 -j ACCEPT', '-p tcp --dport 990 -j ACCEPT', '-s 10.213.0.3 -j DROP', '-p tcp --dport 40000:40100 -j ACCEPT', '-p tcp -m multiport --dports 20,989 -j REJECT --reject-with tcp-reset', '-m conntrack --ctstate ESTABLISHED -j ACCEPT', '-s 10.213.0.2 -p tcp -j ACCEPT'];
  const lines = ['#!/bin/sh', 'iptables -F', `iptables -P INPUT ${pick(['ACCEPT', 'DROP'])}`, 'iptables -A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT'];
  let hasChain = false;
  for (let i = 0, n = 6 + Math.floor(r() * 8); i < n; i++) {
    const op = r();
    const chain = hasChain && r() < 0.3 ? 'FTPS' : r() < 0.1 ? 'NOPE' : 'INPUT';
    if (op < 0.35) lines.push(`iptables -A ${chain} ${pick(specs)}`);
    else if (op < 0.5) lines.push(`iptables -I ${chain} ${1 + Math.floor(r() * 6)} ${pick(specs)}`);
    else if (op < 0.6) lines.push(`iptables -D ${chain} ${1 + Math.floor(r() * 6)}`);
    else if (op < 0.7) lines.push(`iptables -D ${chain} ${pick(specs)}`);
    else if (op < 0.78) lines.push(`iptables -R ${chain} ${1 + Math.floor(r() * 6)} ${pick(specs)}`);
    else if (op < 0.86 && !hasChain) { lines.push('iptables -N FTPS', 'iptables -A FTPS -s 10.213.0.2 -j ACCEPT', 'iptables -A INPUT -p tcp --dport 990 -j FTPS'); hasChain = true; }
    else if (op < 0.92) lines.push(`iptables -P INPUT ${pick(['ACCEPT', 'DROP'])}`);
    else lines.push(`iptables -F ${hasChain && r() < 0.5 ? 'FTPS' : 'INPUT'}`);
  }
  // Each command reports its own failure, so the kernel side can be compared line by line.
  return lines.map((l, i) => (l.startsWith('iptables') ? `${l} 2>/dev/null || echo "FAILED ${i + 1}"` : l)).join('\n') + '\n';
}

const generated: string[] = [];
for (let i = 0; i < Math.ceil(GENERATED / 3); i++) {
  const name = `gen-script-${String(i).padStart(2, '0')}.sh`;
  writeFileSync(path.join(GEN_DIR, name), generateScript(SEED + 500 + i));
  generated.push(name);
}
for (let i = 0; i < GENERATED; i++) {
  const kind = i % 3;
  const name = `gen-${String(i).padStart(2, '0')}.${kind === 0 ? 'rules.v4' : kind === 1 ? 'rules.v6' : 'nft'}`;
  writeFileSync(path.join(GEN_DIR, name), kind === 2 ? generateNft(SEED + i) : generateIptables(SEED + i, kind === 1));
  generated.push(name);
}
const corpus = [...handWritten, ...generated];
const results = new Map<string, CaseResult>();

describe.skipIf(!avail.ok)('firewall reachability model agrees with the kernel (network namespaces)', () => {
  beforeAll(async () => {
    // Parallel but bounded: PARALLEL namespace pairs at a time.
    let next = 0;
    const worker = async () => {
      while (next < corpus.length) {
        const i = next++;
        const file = corpus[i]!;
        try {
          results.set(file, await runCase(i, file));
        } catch (e) {
          results.set(file, { file, ruleset: undefined as unknown as FirewallRuleset, diagnostics: [], loaderCheck: { ok: false, output: '' }, kernel: new Map(), error: String(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }, 300_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const ns of namespaces) await sh(['ip', 'netns', 'del', ns]);
    for (const v of vethsInRoot) await sh(['ip', 'link', 'del', v]); // fails harmlessly once moved away
    rmSync(GEN_DIR, { recursive: true, force: true });
  });

  it('has a corpus of at least 25 rulesets in all three forms', () => {
    expect(handWritten.length).toBeGreaterThanOrEqual(25);
    expect(corpus.some((f) => f.endsWith('.nft'))).toBe(true);
    expect(corpus.some((f) => f.endsWith('.sh'))).toBe(true);
    expect(corpus.some((f) => /\.v[46]$/.test(f))).toBe(true);
  });

  it.each(corpus)('%s', (file) => {
    const r = results.get(file)!;
    expect(r.error).toBeUndefined();
    // The parser calls it valid, and so does the real loader.
    expect(r.ruleset.loadErrors).toEqual([]);
    if (r.failedLines) {
      // Same commands refused, line for line.
      const ours = r.diagnostics.filter((d) => d.code === 'iptables/command-fails').map((d) => d.location!.line!);
      expect(ours).toEqual(r.failedLines);
    } else {
      expect(r.diagnostics.filter((d) => d.level === 'error' || d.code === 'iptables/command-fails')).toEqual([]);
    }
    expect(r.loaderCheck.ok, r.loaderCheck.output).toBe(true);
    // Unmodelled constructs (DNAT, MASQUERADE...) may exist, but none may leave a verdict
    // here undecided: an 'unknown' decision counts as a mismatch below.
    const model = new FirewallModel([r.ruleset]);
    const mismatches: string[] = [];
    let compared = 0;
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const port of PORTS) {
        for (const peer of PEERS[family]) {
          const kernel = r.kernel.get(keyOf(family, port, peer));
          let ours = model.connection({ family, port, peer, iface: 'eth0', local: SERVER[family] });
          if (family === 'ipv6' && ours.decision === 'accept') {
            const nd = model.neighbourDiscovery({ peer, iface: 'eth0', local: SERVER.ipv6 });
            if (nd.decision !== 'accept') ours = { ...nd, stage: nd.stage };
          }
          compared++;
          if (ours.decision === 'unknown' || (ours.decision === 'accept') !== kernel) {
            mismatches.push(`${family} tcp/${port} from ${peer}: kernel ${kernel ? 'accepted' : 'blocked'}, model ${ours.decision} (${ours.stage} ${ours.decidedBy?.location.line ?? ''} ${ours.decidedBy?.text ?? ''})`);
          }
        }
      }
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const peer of PEERS[family]) {
        for (const lp of ACTIVE_SOURCE_PORTS) {
          const kernel = r.kernel.get(`out ${keyOf(family, lp, peer)}`);
          let ours = model.outbound(family, lp, ACTIVE_CLIENT_PORT, { peer, iface: 'eth0', local: SERVER[family] });
          if (family === 'ipv6' && ours.decision === 'accept') {
            const nd = model.neighbourDiscovery({ peer, iface: 'eth0', local: SERVER.ipv6 });
            if (nd.decision !== 'accept') ours = nd;
          }
          compared++;
          if (ours.decision === 'unknown' || (ours.decision === 'accept') !== kernel) {
            mismatches.push(`outbound ${family} from tcp/${lp} to ${peer}:${ACTIVE_CLIENT_PORT}: kernel ${kernel ? 'connected' : 'blocked'}, model ${ours.decision} (${ours.stage} ${ours.decidedBy?.location.line ?? ''} ${ours.decidedBy?.text ?? ''})`);
          }
        }
      }
    }
    expect(compared).toBe(PORTS.length * 4 + 8);
    expect(mismatches).toEqual([]);
  });

  it.each(invalid)('rejected by the parser and by the real loader: %s', async (file) => {
    const abs = path.join(INVALID_DIR, file);
    const { model } = parseFile(file, readFileSync(abs, 'utf8'));
    expect(model.loadErrors.length).toBeGreaterThan(0);
    const ns = `${tag}-inv`;
    if (!namespaces.has(ns)) { await must(['ip', 'netns', 'add', ns]); namespaces.add(ns); }
    await sh(['ip', 'netns', 'exec', ns, 'nft', 'flush', 'ruleset']);
    const real = file.endsWith('.nft')
      ? await sh(['ip', 'netns', 'exec', ns, 'nft', '-f', abs])
      : await sh(['ip', 'netns', 'exec', ns, 'iptables-restore'], readFileSync(abs, 'utf8'));
    expect(real.ok, `${file} loaded although the parser says: ${model.loadErrors[0]?.message}`).toBe(false);
  });

  it('the corpus exercises both outcomes for both families', () => {
    let open = 0;
    let blocked = 0;
    let v6open = 0;
    let v6blocked = 0;
    for (const r of results.values()) {
      for (const [k, v] of r.kernel) {
        if (v) open++; else blocked++;
        if (k.startsWith('ipv6')) { if (v) v6open++; else v6blocked++; }
      }
    }
    let outOpen = 0;
    let outBlocked = 0;
    for (const r of results.values()) for (const [k, v] of r.kernel) if (k.startsWith('out ')) { if (v) outOpen++; else outBlocked++; }
    console.log(`firewall-netns: outbound (active mode) ${outOpen} connected, ${outBlocked} blocked`);
    expect(outBlocked).toBeGreaterThan(10);
    const refused = [...results.values()].reduce((n, r) => n + (r.failedLines?.length ?? 0), 0);
    console.log(`firewall-netns: ${refused} script commands refused by iptables, and by the parser on the same lines`);
    expect(refused).toBeGreaterThan(3);
    console.log(`firewall-netns: ${results.size} rulesets, ${open + blocked} kernel observations (${open} accepted, ${blocked} blocked; IPv6 ${v6open}/${v6blocked})`);
    expect(open).toBeGreaterThan(50);
    expect(blocked).toBeGreaterThan(50);
    expect(v6open).toBeGreaterThan(10);
    expect(v6blocked).toBeGreaterThan(10);
  });
});
