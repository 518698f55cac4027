import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { baselineFlag, colorFlag, failOnFlag, flavorFlag, formatFlag, liveProbeFlags, outputFlag, packFlag, sarifCategoryFlag, showPassesFlag, waiversFlag } from '../cli/flags.js';

// The live-probe flags scan shares with `probe`; --hostname and --ca-file are scan's own
// (repeatable hostnames serve both the certificate files and the probed endpoints).
const { hostname: _h, 'ca-file': _c, ...probeFlags } = liveProbeFlags;

export default class Scan extends Command {
  static override summary = 'Audit an infrastructure tree: vsftpd.conf, certificates, firewall rules and more.';
  static override description =
    'Walks the given files and directories, recognises FTPS-related configuration by content, and judges it against the HIPAA, PCI DSS v4.0.1 and NIST SP 800-52r2 packs (or your own). Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage or runtime error.';
  static override examples = [
    '<%= config.bin %> scan samples/ --fail-on none',
    '<%= config.bin %> scan /etc --root / --live --pack pci-dss',
    '<%= config.bin %> scan infra/ --format json --output results.json --output sarif=results.sarif',
    '<%= config.bin %> scan infra/ --vsftpd-flavor rhel --hostname ftp.example.org --ca-file corp-ca.pem',
    '<%= config.bin %> scan /etc --root / --probe 127.0.0.1:21 --probe 127.0.0.1:990   # config and live server in one report',
  ];
  static override strict = false;
  static override args = { paths: Args.string({ description: 'Files or directories to scan.', required: true }) };
  static override flags = {
    pack: packFlag,
    'vsftpd-flavor': flavorFlag,
    format: formatFlag,
    output: outputFlag,
    'fail-on': failOnFlag,
    color: colorFlag,
    'show-passes': showPassesFlag,
    baseline: baselineFlag,
    waivers: waiversFlag,
    'sarif-category': sarifCategoryFlag,
    root: Flags.string({ description: 'Resolve absolute paths named in configs (e.g. /etc/ssl/private/vsftpd.pem) under this directory.' }),
    live: Flags.boolean({ description: 'The scanned paths are the server\'s own file system: file modes and owners are judged.' }),
    hostname: Flags.string({ description: 'Host name clients use; certificates must cover it (repeatable).', multiple: true }),
    'ca-file': Flags.string({ description: 'PEM trust anchors for chain checks (default: the system store).' }),
    'expiry-warning-days': Flags.integer({ description: 'Warn when a certificate expires within this many days.', default: 30, min: 0 }),
    'p12-password-env': Flags.string({ description: 'Name of an environment variable holding the PKCS#12 password (never a value on the command line).' }),
    'max-file-size': Flags.integer({ description: 'Skip (and report) files larger than this many bytes.', default: 5 * 1024 * 1024, min: 1 }),
    jobs: Flags.integer({ description: 'Threads for a text-only scan (default 1; more only help with real spare cores and memory bandwidth).', min: 1, max: 64 }),
    probe: Flags.string({ description: 'Also probe this live server (HOST[:PORT], repeatable) and judge it in the same report, against the scanned config too.', multiple: true }),
    ...probeFlags,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Scan);
    const { runScanCommand } = await import('../cli/scan-command.js');
    const code = await runScanCommand(argv as string[], flags, (line) => process.stderr.write(line + '\n'));
    // Not this.exit(): it ends the process at once, and a report piped to another program
    // (`| less`, `| tee`) lost everything not yet written. Node exits with this code once
    // stdout is flushed.
    process.exitCode = code;
  }
}
