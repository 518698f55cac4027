import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';
import { parseNftables } from './ruleset.js';

export const parser: ArtifactParser = {
  kind: 'nftables',
  parse(input: ParserInput): ParserOutput {
    const { model, diagnostics } = parseNftables(input.artifact.path, input.content.toString('utf8'));
    return { models: { firewall: [model] }, diagnostics };
  },
};
