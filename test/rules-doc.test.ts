import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesReference } from '../src/cli/rules-command.js';

describe('docs/rules.md', () => {
  it('is exactly what the catalogue generates (run `npm run docs` after changing rules/)', async () => {
    const committed = readFileSync(path.resolve(__dirname, '..', 'docs', 'rules.md'), 'utf8');
    expect(committed).toBe(await rulesReference());
  });
});
