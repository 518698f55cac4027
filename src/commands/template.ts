import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';

export default class Template extends Command {
  static override summary = 'Write a hardened FTPS configuration set: vsftpd, firewall, fail2ban, pam_faillock.';
  static override description =
    'Renders configuration that passes ftps-audit\'s own packs and runs on the real daemons. Every line that matters carries a comment citing the control it implements. With --from, an existing vsftpd.conf is hardened in place of the defaults: site values (paths, ports, banner, user list, stricter limits) are kept, and a diff says what changed and why. Exit 0: written; 2: usage error.';
  static override examples = [
    '<%= config.bin %> template all --pack pci-dss --cert /etc/ssl/certs/ftp.pem --key /etc/ssl/private/ftp.key --ftp-user alice --out-dir hardened/',
    '<%= config.bin %> template vsftpd --vsftpd-flavor rhel --mode implicit --pasv-range 50000-50100',
    '<%= config.bin %> template nftables --mode both --allow-from 203.0.113.0/24',
    '<%= config.bin %> template vsftpd --from /etc/vsftpd.conf --out-dir hardened/',
  ];
  static override args = {
    kind: Args.string({ description: 'What to write.', required: true, options: ['vsftpd', 'iptables', 'nftables', 'fail2ban', 'faillock', 'all'] }),
  };
  static override flags = {
    pack: Flags.string({ char: 'p', description: 'Pack whose controls the set must meet: hipaa, pci-dss, nist-800-52r2 (repeatable; the strictest parameter wins; default: all three).', multiple: true, options: ['hipaa', 'pci-dss', 'nist-800-52r2'] }),
    'vsftpd-flavor': Flags.string({ description: 'vsftpd build the config is for (its option table decides what may be written).', options: ['upstream', 'debian', 'rhel'], default: 'debian' }),
    mode: Flags.string({ description: 'explicit (AUTH TLS, port 21), implicit (TLS from the first byte, port 990), or both (two daemons). Default explicit, or the --from config\'s.', options: ['explicit', 'implicit', 'both'] }),
    'pasv-range': Flags.string({ description: 'Passive data port range, e.g. 40000-40100 (default 40000-40100).' }),
    'pasv-address': Flags.string({ description: 'IPv4 address announced in PASV replies (behind NAT).' }),
    cert: Flags.string({ description: 'Server certificate (PEM); its key type (RSA/ECDSA) selects the cipher list.' }),
    key: Flags.string({ description: 'Private key for --cert.' }),
    'allow-from': Flags.string({ description: 'Only these source networks may reach the FTPS ports (CIDR, repeatable).', multiple: true }),
    'listen-port': Flags.integer({ description: 'Control port (default 21 explicit, 990 implicit; in mode both, the explicit daemon\'s).' }),
    'ftp-user': Flags.string({ description: 'Account allowed to log in (written to the userlist allow-list; repeatable).', multiple: true }),
    from: Flags.string({ description: 'Existing vsftpd.conf to harden, keeping its site values; prints a diff of what changed and why.' }),
    'out-dir': Flags.string({ char: 'o', description: 'Write the files under this directory (etc/... layout) instead of stdout.' }),
    force: Flags.boolean({ description: 'Overwrite existing files in --out-dir.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Template);
    const { buildTemplate, writeTemplateFiles, concatForStdout } = await import('../generate/command.js');
    const { TemplateUsageError } = await import('../generate/validate.js');
    try {
      const out = buildTemplate({
        kind: args.kind,
        pack: flags.pack,
        flavor: flags['vsftpd-flavor'],
        mode: flags.mode,
        pasvRange: flags['pasv-range'],
        pasvAddress: flags['pasv-address'],
        cert: flags.cert,
        key: flags.key,
        allowFrom: flags['allow-from'],
        listenPort: flags['listen-port'],
        ftpUser: flags['ftp-user'],
        from: flags.from,
      });
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
      if (flags['out-dir']) {
        const written = writeTemplateFiles(out.files, flags['out-dir'], flags.force);
        out.files.forEach((f, i) => process.stdout.write(`wrote ${written[i]}  (${f.description})\n`));
        if (out.diff) process.stdout.write('\n' + out.diff);
      } else {
        process.stdout.write(concatForStdout(out.files));
        // The configs own stdout; the diff is for the reader.
        if (out.diff) process.stderr.write('\n' + out.diff);
      }
    } catch (e) {
      if (e instanceof TemplateUsageError) this.error(e.message, { exit: 2 });
      throw e;
    }
  }
}
