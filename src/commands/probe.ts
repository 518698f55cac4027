import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { colorFlag, failOnFlag, formatFlag, liveProbeFlags, outputFlag, packFlag, showPassesFlag, waiversFlag, baselineFlag } from '../cli/flags.js';

import type { ProbeFlags } from '../cli/probe-command.js';

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
    ...liveProbeFlags,
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
    const { runProbeCommand } = await import('../cli/probe-command.js');
    const code = await runProbeCommand(argv as string[], flags as ProbeFlags, (line) => process.stderr.write(line + '\n'));
    // Not this.exit(): it ends the process at once, and a report piped to another program
    // (`| less`, `| tee`) lost everything not yet written. Node exits with this code once
    // stdout is flushed.
    process.exitCode = code;
  }
}

