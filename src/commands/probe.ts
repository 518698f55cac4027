import { readFileSync } from 'node:fs';
import { Args, Command, Flags } from '@oclif/core';
import { colorFlag, failOnFlag, formatFlag, outputFlag, packFlag, showPassesFlag, waiversFlag, baselineFlag } from '../cli/flags.js';

export interface ProbeFlags {
  targets?: string;
  sni?: string;
  hostname?: string;
  'ca-file'?: string;
  timeout: number;
  concurrency: number;
  mode: string;
  user?: string;
  'password-env'?: string;
  'no-renegotiation'?: boolean;
  format: string;
  output?: string[];
  'fail-on': string;
  pack?: string[];
  color?: boolean;
  'show-passes'?: boolean;
  waivers?: string;
  baseline?: string;
}

export default class Probe extends Command {
  static override summary = 'Probe live FTPS servers: TLS versions, suites, certificates and FTP-level policy, judged by the packs.';
  static override description =
    'Connects to each HOST[:PORT] (default ports 21 and 990), detects explicit vs implicit FTPS, enumerates protocols, cipher suites and groups with hand-built ClientHellos (SSLv2 to TLS 1.3), tests fallback SCSV, compression, renegotiation, DH size, Heartbleed and CCS injection, verifies the served certificate, and checks what the FTP server really does: USER before AUTH TLS, anonymous access, PROT C with a real transfer, data-channel TLS and session reuse, PASV address, clear-text fallback after AUTH TLS, AUTH SSL, CCC, SITE, version disclosure. Only the given targets are ever contacted. Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage error or no target could be probed.';
  static override examples = [
    '<%= config.bin %> probe ftp.example.org',
    '<%= config.bin %> probe 10.0.0.5:2121 10.0.0.5:990 --hostname ftp.example.org --ca-file corp-ca.pem',
    'FTP_PW=… <%= config.bin %> probe ftp.example.org:21 --user auditor --password-env FTP_PW --format json --output probe.json',
    '<%= config.bin %> probe --targets hosts.txt --concurrency 10 --pack pci-dss --fail-on high',
  ];
  static override strict = false;
  static override args = { targets: Args.string({ description: 'HOST, HOST:PORT, [IPv6]:PORT or ftps://HOST:PORT (repeatable).', required: false }) };
  static override flags = {
    targets: Flags.string({ description: 'File with one target per line (# comments allowed).' }),
    sni: Flags.string({ description: 'Server name to send in the TLS SNI extension.' }),
    hostname: Flags.string({ description: 'Name the certificate must cover (default: --sni, else the target host).' }),
    'ca-file': Flags.string({ description: 'PEM trust anchors for chain verification (default: the system store).' }),
    timeout: Flags.integer({ description: 'Bound in milliseconds for each connect and each read.', default: 5000, min: 100 }),
    concurrency: Flags.integer({ description: 'Targets probed at once.', default: 4, min: 1, max: 256 }),
    mode: Flags.string({ description: 'FTPS mode expected; the port\'s real mode is detected and a mismatch reported.', options: ['auto', 'explicit', 'implicit'], default: 'auto' }),
    user: Flags.string({ description: 'Account for the checks that need a login (data channel, PROT C, PASV, SITE, CCC). Logs in over TLS only.' }),
    'password-env': Flags.string({ description: 'Name of the environment variable holding --user\'s password (never a value on the command line; never printed).' }),
    'no-renegotiation': Flags.boolean({ description: 'Skip client-initiated renegotiation tests (they need full handshakes).' }),
    pack: packFlag,
    format: formatFlag,
    output: outputFlag,
    'fail-on': failOnFlag,
    color: colorFlag,
    'show-passes': showPassesFlag,
    waivers: waiversFlag,
    baseline: baselineFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Probe);
    const code = await runProbeCommand(argv as string[], flags as ProbeFlags, (line) => process.stderr.write(line + '\n'));
    if (code !== 0) this.exit(code);
  }
}

/**
 * The probe command's work, outside the oclif class so it can be tested in-process.
 * Targets → observations (src/probe) → engine → gates → reporters; returns the exit code.
 */
export async function runProbeCommand(args: string[], flags: ProbeFlags, warn: (line: string) => void): Promise<number> {
  const { parseTarget, parseTargetsFile, TargetSyntaxError } = await import('../probe/targets.js');
  const { userFacingMessage } = await import('../cli/errors.js');
  try {
    const targets = [];
    try {
      for (const a of args) targets.push(...parseTarget(a));
    } catch (err) {
      if (err instanceof TargetSyntaxError) return usage(warn, err.message);
      throw err;
    }
    if (flags.targets) {
      let text: string;
      try {
        text = readFileSync(flags.targets, 'utf8');
      } catch (err) {
        return usage(warn, `--targets ${flags.targets}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const parsed = parseTargetsFile(text);
      for (const e of parsed.errors) warn(`ftps-audit: --targets ${flags.targets} ${e}`);
      targets.push(...parsed.targets);
    }
    if (targets.length === 0) return usage(warn, 'no targets: give HOST[:PORT] arguments or --targets FILE');
    let password: string | undefined;
    if (flags['password-env'] && !flags.user) return usage(warn, '--password-env needs --user');
    if (flags.user) {
      if (!flags['password-env']) return usage(warn, '--user needs --password-env VAR (passwords are never taken on the command line)');
      password = process.env[flags['password-env']];
      if (password === undefined) return usage(warn, `--password-env: environment variable ${flags['password-env']} is not set`);
    }

    const { probeTargets } = await import('../probe/run.js');
    const { outputRequests, emit, useColor } = await import('../cli/output.js');
    const outputs = outputRequests(flags.format, flags.output);
    const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
    const started = Date.now();
    const observations = await probeTargets(targets, {
      mode: flags.mode as 'auto' | 'explicit' | 'implicit',
      timeoutMs: flags.timeout,
      concurrency: flags.concurrency,
      sni: flags.sni,
      hostname: flags.hostname,
      caFile: flags['ca-file'],
      user: flags.user,
      password,
      skipClientRenegotiation: flags['no-renegotiation'],
    }, tty ? (done, total, last) => {
      process.stderr.write(`\r\x1b[2Kprobed ${done}/${total}  ${last.endpoint} ${last.reachability} (${last.durationMs} ms)${done === total ? '\n' : ''}`);
    } : undefined);

    const { loadRuleSet, judge, defaultSettings } = await import('../pipeline/scan.js');
    const { applyGates, exitCodeFor } = await import('../gate/index.js');
    const ruleSet = await loadRuleSet(flags.pack);
    const settings = defaultSettings({ hostnames: flags.hostname ? [flags.hostname] : [], caFile: flags['ca-file'] });
    const inventory = { settings, artifacts: [], models: { probe: observations }, diagnostics: [] };
    const endpoints = observations.map((o) => o.endpoint);
    const report = await judge(inventory, ruleSet, { command: 'probe', args: process.argv.slice(2), targets: endpoints });
    // The observations themselves are evidence and can be judged again later; strip nothing but
    // what is already redacted (no password is ever stored in them).
    report.inventory.probe = observations;
    const gated = await applyGates(report, { waiversFile: flags.waivers, baselineFile: flags.baseline });
    let code: number = exitCodeFor(gated, flags['fail-on'] as Parameters<typeof exitCodeFor>[1]);
    const probed = observations.filter((o) => o.reachability === 'ok' || o.reachability === 'no-tls' || o.reachability === 'tls-failed');
    if (probed.length === 0) {
      warn(`ftps-audit: no target could be probed (${observations.map((o) => `${o.endpoint}: ${o.reachability}`).join('; ')})`);
      code = 2;
    }
    gated.invocation.exitCode = code;
    await emit(outputs, gated, { color: useColor(flags.color), showPasses: Boolean(flags['show-passes']) });
    if (tty) warn(`probed ${observations.length} endpoint(s) in ${Date.now() - started} ms`);
    return code;
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    warn(`ftps-audit: ${message}`);
    return 2;
  }
}

function usage(warn: (line: string) => void, message: string): number {
  warn(`ftps-audit: ${message}`);
  return 2;
}
