import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../src/pipeline/scan.js';

/**
 * user_config_dir files are per-user overrides, not configs: judged on their own they would
 * fail every rule whose option they do not set.
 */
let tree: string;

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-peruser-'));
  mkdirSync(path.join(tree, 'etc', 'vsftpd', 'users'), { recursive: true });
  writeFileSync(path.join(tree, 'etc', 'vsftpd.conf'), 'listen=YES\nssl_enable=YES\nanonymous_enable=NO\nlocal_enable=YES\nuser_config_dir=/etc/vsftpd/users\n');
  // Per-user files: no ssl_enable, and one line vsftpd would skip for that user.
  writeFileSync(path.join(tree, 'etc', 'vsftpd', 'users', 'alice.vsftpd.conf'), 'local_root=/srv/ftp/alice\nwrite_enable=YES\n');
  writeFileSync(path.join(tree, 'etc', 'vsftpd', 'users', 'bob-vsftpd.conf'), 'write_enable=YES\nlocal_umask = 027\n');
});
afterAll(() => rmSync(tree, { recursive: true, force: true }));

describe('user_config_dir files', () => {
  it('are not judged as main configs, and what vsftpd would skip in them is a located warning', async () => {
    const { report } = await runScan({ paths: [tree] });
    const judgedFiles = new Set(report.results.filter((r) => r.ruleId === 'vsftpd/ssl-disabled').map((r) => r.location?.file));
    expect([...judgedFiles].map((f) => path.basename(String(f)))).toEqual(['vsftpd.conf']);
    const perUser = report.diagnostics.filter((d) => d.code === 'vsftpd/per-user-file');
    expect(perUser.map((d) => path.basename(String(d.location?.file))).sort()).toEqual(['alice.vsftpd.conf', 'bob-vsftpd.conf']);
    const skipped = report.diagnostics.filter((d) => d.code.startsWith('vsftpd/per-user-') && d.code !== 'vsftpd/per-user-file');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0].location?.line).toBe(2);
  });
});
