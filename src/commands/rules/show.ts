import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';

export default class RulesShow extends Command {
  static override summary = 'Show one rule: rationale, check and parameters, remediation, references and the pack controls that use it.';
  static override examples = ['<%= config.bin %> rules show vsftpd/ssl-disabled'];
  static override args = { id: Args.string({ description: 'Rule id, e.g. vsftpd/local-umask-weak.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(RulesShow);
    const { showRule } = await import('../../cli/rules-command.js');
    const text = await showRule(args.id);
    if (text === undefined) this.error(`no rule "${args.id}" (see: ftps-audit rules list)`, { exit: 2 });
    process.stdout.write(text);
  }
}
