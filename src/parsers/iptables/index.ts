import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';
import { parseIptablesSave } from './save.js';
import { parseIptablesScript } from './script.js';

function decode(input: ParserInput): string {
  return input.content.toString('utf8');
}

export const saveParser: ArtifactParser = {
  kind: 'iptables-save',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseIptablesSave(input.artifact.path, decode(input));
    return { models: { firewall: [model] }, diagnostics };
  },
};

export const scriptParser: ArtifactParser = {
  kind: 'iptables-script',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseIptablesScript(input.artifact.path, decode(input));
    return { models: { firewall: [model] }, diagnostics };
  },
};
