import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate } from '../src/generate/command.js';

/**
 * The README shows one complete hardened set (issue 8). Regenerate it the way the README
 * says and compare every file block, so the README cannot drift from the templates.
 */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-readme-set-'));
  mkdirSync(path.join(dir, 'etc', 'ssl', 'certs'), { recursive: true });
  mkdirSync(path.join(dir, 'etc', 'ssl', 'private'), { recursive: true });
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'etc/ssl/private/ftp.key'), '-out', path.join(dir, 'etc/ssl/certs/ftp.pem'), '-days', '2', '-subj', '/CN=ftp.example.org']);
  if (r.status !== 0) throw new Error(String(r.stderr));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readmeBlocks(): Map<string, string> {
  const readme = readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('### A complete hardened set')[1]!.split('**Apply it**')[0]!;
  const blocks = new Map<string, string>();
  for (const m of section.matchAll(/<summary><code>([^<]+)<\/code><\/summary>\n\n```\n([\s\S]*?)\n```/g)) blocks.set(m[1]!, m[2]!);
  return blocks;
}

describe('README: the hardened set it shows', () => {
  it('is exactly what `template all --pack pci-dss …` writes today', () => {
    const out = buildTemplate({
      kind: 'all',
      pack: ['pci-dss'],
      cert: path.join(dir, 'etc/ssl/certs/ftp.pem'),
      key: path.join(dir, 'etc/ssl/private/ftp.key'),
      ftpUser: ['alice'],
      pasvRange: '40000-40100',
      allowFrom: ['203.0.113.0/24'],
    });
    const shown = readmeBlocks();
    expect(shown.size).toBeGreaterThanOrEqual(10);
    for (const f of out.files) {
      const generated = f.content.split(`${dir}/etc/`).join('/etc/').replace(/\n+$/, '');
      expect(shown.get(f.path), `README lacks ${f.path}`).toBeDefined();
      expect(shown.get(f.path), `README's ${f.path} differs from the template output`).toBe(generated);
    }
  });
});
