import { Command } from '@oclif/core/command';

export default class RulesDocs extends Command {
  static override summary = 'Print the rules reference (Markdown) generated from the catalogue and the built-in packs.';
  static override examples = ['<%= config.bin %> rules docs > docs/rules.md'];

  async run(): Promise<void> {
    const { rulesReference } = await import('../../cli/rules-command.js');
    process.stdout.write(await rulesReference());
  }
}
