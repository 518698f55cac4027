import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { packFlag } from '../../cli/flags.js';

export default class RulesList extends Command {
  static override summary = 'List the rules of the catalogue, or of the selected packs, with the controls they evidence.';
  static override examples = ['<%= config.bin %> rules list', '<%= config.bin %> rules list --pack pci-dss --target vsftpd', '<%= config.bin %> rules list --json'];
  static override flags = {
    pack: packFlag,
    target: Flags.string({ description: 'Only rules for this target (vsftpd, x509, firewall, probe).' }),
    json: Flags.boolean({ description: 'Print JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RulesList);
    const { listRules } = await import('../../cli/rules-command.js');
    process.stdout.write(await listRules(flags));
  }
}
