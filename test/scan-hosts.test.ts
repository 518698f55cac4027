import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../src/model/artifact.js';
import type { Inventory } from '../src/model/inventory.js';
import { hostOf, splitByHost } from '../src/pipeline/hosts.js';
import { defaultSettings, runScan } from '../src/pipeline/scan.js';
import { parseVsftpdConf } from '../src/parsers/vsftpd/index.js';

/**
 * One scan, two hosts: each vsftpd.conf must be judged against its own host's firewall,
 * never against the union of every firewall file in the tree.
 */
let tree: string;

function host(name: string, pasv: [number, number]): void {
  const etc = path.join(tree, 'inventories', name, 'etc');
  mkdirSync(path.join(etc, 'iptables'), { recursive: true });
  writeFileSync(path.join(etc, 'vsftpd.conf'), `listen=YES\nssl_enable=YES\npasv_min_port=${pasv[0]}\npasv_max_port=${pasv[1]}\nport_enable=NO\n`);
  writeFileSync(
    path.join(etc, 'iptables', 'rules.v4'),
    `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 21 -j ACCEPT\n-A INPUT -p tcp --dport ${pasv[0]}:${pasv[1]} -j ACCEPT\nCOMMIT\n`,
  );
}

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-hosts-'));
  host('ftp1', [40000, 40100]);
  host('ftp2', [50000, 50100]);
  // A third host with a vsftpd.conf and no firewall file at all.
  mkdirSync(path.join(tree, 'inventories', 'ftp3', 'etc'), { recursive: true });
  writeFileSync(path.join(tree, 'inventories', 'ftp3', 'etc', 'vsftpd.conf'), 'listen=YES\nssl_enable=YES\npasv_min_port=60000\npasv_max_port=60100\n');
});
afterAll(() => rmSync(tree, { recursive: true, force: true }));

describe('scanning several hosts at once', () => {
  it('a file belongs to the host whose etc/ holds it', () => {
    expect(hostOf('inventories/ftp1/etc/vsftpd.conf')).toBe('inventories/ftp1');
    expect(hostOf('/srv/rootfs/etc/iptables/rules.v4')).toBe('/srv/rootfs');
    expect(hostOf('etc/vsftpd.conf')).toBe('');
    expect(hostOf('roles/ftp/files/vsftpd.conf')).toBe('');
  });

  it('judges each vsftpd.conf against its own firewall', async () => {
    const { report } = await runScan({ paths: [tree] });
    const mismatch = report.results.filter((r) => r.ruleId === 'firewall/passive-range-mismatch');
    expect(mismatch.length).toBeGreaterThanOrEqual(2);
    expect(mismatch.map((r) => `${r.status} ${r.message}`).filter((m) => !m.startsWith('pass'))).toEqual([]);
    // ftp3 has no firewall: it is judged by no firewall rule (none of the others' files).
    expect(report.results.filter((r) => r.ruleId.startsWith('firewall/') && r.location?.file?.includes('ftp3/')).length).toBe(0);
    expect(mismatch.some((r) => r.message.includes('60000'))).toBe(false);
    expect(report.results.some((r) => r.ruleId === 'vsftpd/ssl-disabled' && r.location?.file?.includes('ftp3/'))).toBe(true);
    // Rules with nothing to judge anywhere still appear once, not once per host.
    const na = report.results.filter((r) => r.ruleId === 'probe/config-differs-from-live');
    expect(na.length).toBe(1);
  });
});

describe('grouping hosts that hold only vsftpd configs', () => {
  // Seven hosts with one vsftpd.conf each, one with two (etc/vsftpd.conf and etc/vsftpd/vsftpd.conf),
  // and one that also has a firewall file (judged on its own).
  const files = [...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((h) => `${h}/etc/vsftpd.conf`), 'h/etc/vsftpd.conf', 'h/etc/vsftpd/vsftpd.conf'];
  const settings = defaultSettings({ roots: ['/t'] });
  const artifact = (p: string): Artifact => ({ path: p, absPath: `/t/${p}`, kind: 'vsftpd-conf', size: 1, sha256: '', mode: 0o644, classifiedBy: 'name' });
  const inv: Inventory = {
    settings,
    artifacts: [...files.map(artifact), artifact('fw/etc/iptables/rules.v4')],
    models: {
      vsftpd: [...files, 'fw/etc/vsftpd.conf'].map((f) => parseVsftpdConf('listen=YES\n', f, 'debian')),
      firewall: [{ file: 'fw/etc/iptables/rules.v4' } as never],
    },
    diagnostics: [],
  };
  const filesOf = (g: Inventory) => (g.models.vsftpd ?? []).map((c) => c.file);

  it('makes one group of them by default', () => {
    const groups = splitByHost(inv);
    expect(groups.map(filesOf)).toEqual([files, ['fw/etc/vsftpd.conf']]);
  });

  it('cuts them into groups of about the size asked, keeping each host whole and every file once', () => {
    const groups = splitByHost(inv, 3);
    expect(groups.map(filesOf)).toEqual([files.slice(0, 3), files.slice(3, 6), files.slice(6), ['fw/etc/vsftpd.conf']]);
    // Each group's artifacts are its own files.
    for (const g of groups.slice(0, 3)) expect(g.artifacts.map((a) => a.path)).toEqual(filesOf(g));
    expect(splitByHost(inv, 1).slice(0, -1).map(filesOf)).toEqual([...files.slice(0, 7).map((f) => [f]), files.slice(7)]);
  });
});
