import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../src/checks/index.js';
import { loadCatalogue } from '../src/engine/catalogue.js';
import { BUILTIN_PACKS, loadPack } from '../src/engine/packs.js';
import { planRuns } from '../src/engine/evaluate.js';

const checks = allChecks();

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ftps-audit-pack-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('rule catalogue and packs', () => {
  it('loads the whole built-in catalogue and every built-in pack without a problem', async () => {
    const catalogue = await loadCatalogue(checks);
    expect(catalogue.size).toBeGreaterThanOrEqual(40);
    for (const name of BUILTIN_PACKS) {
      const pack = await loadPack(name, catalogue, checks);
      expect(pack.controls.length).toBeGreaterThan(0);
      for (const c of pack.controls) for (const r of c.rules) expect(catalogue.has(r.id)).toBe(true);
    }
  });

  it('resolves pack parameters into rule params ($param)', async () => {
    const catalogue = await loadCatalogue(checks);
    const pci = await loadPack('pci-dss', catalogue, checks);
    const entry = pci.controls.find((c) => c.id === '8.2.8')!.rules.find((r) => r.id === 'vsftpd/idle-timeout-too-long')!;
    expect(JSON.stringify(entry.params)).toContain('"value":900');
  });

  it('a user pack adds rules as data (generic option check) and is planned with the built-ins', async () => {
    const catalogue = await loadCatalogue(checks);
    const file = tmpFile(
      'acme.yaml',
      `id: acme
title: ACME FTP standard
version: "1"
rules:
  - id: acme/banner-required
    title: A banner must be set
    rationale: Legal notice.
    severity: low
    target: vsftpd
    check: vsftpd.option
    params: { expect: [ { option: ftpd_banner, op: set } ] }
    messages: { pass: "banner set", fail: "no banner ({{source}})" }
    remediation: { text: "Set one.", fix: "ftpd_banner=Authorised use only." }
    references: [ { title: "ACME standard 4.1" } ]
controls:
  - id: FTP-1
    title: Banner
    rules: [acme/banner-required, vsftpd/ssl-disabled]
`,
    );
    const pack = await loadPack(file, catalogue, checks);
    expect(pack.ownRules.map((r) => r.id)).toEqual(['acme/banner-required']);
    const runs = planRuns([pack, await loadPack('pci-dss', catalogue, checks)], catalogue);
    const ssl = runs.find((r) => r.rule.id === 'vsftpd/ssl-disabled')!;
    expect(ssl.controls.map((c) => c.pack)).toEqual(expect.arrayContaining(['acme', 'pci-dss']));
  });

  it('a broken user pack is refused with the file, the line and the field named', async () => {
    const catalogue = await loadCatalogue(checks);
    const file = tmpFile(
      'broken.yaml',
      `id: broken
title: Broken
version: "1"
controls:
  - id: X-1
    rules:
      - id: vsftpd/ssl-disabled
        severity: catastrophic
`,
    );
    await expect(loadPack(file, catalogue, checks)).rejects.toThrow(/broken\.yaml.*line 8.*severity/s);
  });

  it('refuses a pack that names a rule the catalogue does not have', async () => {
    const catalogue = await loadCatalogue(checks);
    const file = tmpFile('unknown.yaml', `id: u\ntitle: U\nversion: "1"\ncontrols:\n  - id: A\n    rules: [vsftpd/no-such-rule]\n`);
    await expect(loadPack(file, catalogue, checks)).rejects.toThrow(/vsftpd\/no-such-rule.*no such rule/);
  });

  it('refuses parameters that do not fit the check', async () => {
    const catalogue = await loadCatalogue(checks);
    const file = tmpFile('params.yaml', `id: p\ntitle: P\nversion: "1"\ncontrols:\n  - id: A\n    rules:\n      - { id: vsftpd/pasv-range-unbounded, params: { maxWidth: "wide" } }\n`);
    await expect(loadPack(file, catalogue, checks)).rejects.toThrow(/maxWidth.*must be integer/);
  });

  it('YAML syntax errors name the line', async () => {
    const catalogue = await loadCatalogue(checks);
    const file = tmpFile('syntax.yaml', `id: s\ntitle: [unclosed\n`);
    await expect(loadPack(file, catalogue, checks)).rejects.toThrow(/syntax\.yaml: line \d+/);
  });
});
