import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../model/report.js';
import { runScan } from '../pipeline/scan.js';
import { renderJson, renderJsonChunks, writeJsonReport } from './json.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ftps-json-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const streamed = (report: ScanReport): string => [...renderJsonChunks(report)].join('');

describe('streamed JSON report', () => {
  it('is byte for byte JSON.stringify(report, null, 2) + newline for real scans', async () => {
    // A real tree: the three samples, a cert, a firewall ruleset, a broken and a non-UTF-8
    // file, so results, diagnostics, artifacts and inventory sections are all non-trivial.
    const tree = path.join(tmp, 'tree');
    for (const s of ['hardened', 'insecure', 'debian-stock']) {
      mkdirSync(path.join(tree, s), { recursive: true });
      writeFileSync(path.join(tree, s, 'vsftpd.conf'), readFileSync(path.join(ROOT, 'samples', s, 'etc', 'vsftpd.conf')));
    }
    writeFileSync(path.join(tree, 'bad-vsftpd.conf'), 'listen=YES\nlisten_ipv6=YES\nssl_enable=MAYBE\n  # indented "quote" \\ back\n');
    writeFileSync(path.join(tree, 'latin1-vsftpd.conf'), Buffer.from([0x66, 0x74, 0x70, 0x64, 0x5f, 0x62, 0x61, 0x6e, 0x6e, 0x65, 0x72, 0x3d, 0xe9, 0x0a]));
    writeFileSync(path.join(tree, 'empty-vsftpd.conf'), '');
    for (const paths of [[tree], [path.join(ROOT, 'samples')], [path.join(tmp, 'missing')]]) {
      const { report } = await runScan({ paths });
      expect(report.results.length + report.diagnostics.length).toBeGreaterThan(0);
      expect(streamed(report)).toBe(renderJson(report));
    }
  });

  it('follows JSON.stringify on omitted keys, empty containers, null holes and escapes', () => {
    const odd = {
      schemaVersion: '1.0',
      nothing: undefined,
      fn: () => 1,
      empty: [],
      emptyObject: {},
      results: [{ a: 1, b: undefined, nested: { deep: ['x', { y: 'line\nbreak "q" \u2028 é' }] } }, undefined, null, 'text', [], {}],
      when: new Date(0),
      zero: 0,
      flag: false,
      // eslint-disable-next-line no-sparse-arrays
      holes: [1, , 3],
    } as unknown as ScanReport;
    expect(streamed(odd)).toBe(renderJson(odd));
    expect(streamed({} as ScanReport)).toBe(renderJson({} as ScanReport));
  });

  it('hands a large report out in pieces and writes it to a file unchanged', async () => {
    const { report } = await runScan({ paths: [path.join(ROOT, 'samples')] });
    // Enough results to cross the chunk size several times.
    const big = { ...report, results: Array.from({ length: 40 }, () => report.results).flat() };
    const pieces = [...renderJsonChunks(big)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(renderJson(big));
    const file = path.join(tmp, 'big.json');
    writeJsonReport(big, file);
    expect(readFileSync(file, 'utf8')).toBe(renderJson(big));
  });
});
