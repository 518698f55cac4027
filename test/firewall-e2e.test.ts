import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScan } from '../src/pipeline/scan.js';

/** Discovery → parsers → inventory → engine with the built-in packs, on a small tree. */
describe('firewall rules end to end through the scan pipeline', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  function tree(files: Record<string, string>): string {
    const root = mkdtempSync(path.join(tmpdir(), 'fw-e2e-'));
    dirs.push(root);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    return root;
  }

  const VSFTPD = [
    'listen=NO', 'listen_ipv6=YES', 'ssl_enable=YES', 'implicit_ssl=YES', 'listen_port=990',
    'pasv_min_port=40000', 'pasv_max_port=40100', 'port_enable=NO',
    'rsa_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem', '',
  ].join('\n');

  it('judges a guide-style iptables script against vsftpd.conf', async () => {
    const root = tree({
      'etc/vsftpd.conf': VSFTPD,
      'firewall/setup.sh': [
        '#!/bin/sh',
        'iptables -F',
        'iptables -P INPUT DROP',
        'iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
        'iptables -A INPUT -p tcp -m multiport --dports 21,990 -j ACCEPT',
        'iptables -A INPUT -p tcp --dport 40000:40200 -j ACCEPT',
        'iptables -A INPUT -p tcp --dport 21 -j CT --helper ftp',
        '',
      ].join('\n'),
    });
    const { report } = await runScan({ paths: [root] });
    const fw = report.results.filter((r) => r.ruleId.startsWith('firewall/'));
    const status = (id: string) => fw.filter((r) => r.ruleId === id).map((r) => r.status);
    const msg = (id: string) => fw.filter((r) => r.ruleId === id).map((r) => r.message).join(' | ');
    expect(report.artifacts.some((a) => a.kind === 'iptables-script')).toBe(true);
    expect(status('firewall/default-accept')).toEqual(['pass']);
    expect(status('firewall/control-port-blocked')).toEqual(['pass', 'pass']);
    expect(status('firewall/plaintext-port-open-implicit-only')).toContain('fail');
    expect(status('firewall/passive-range-mismatch')).toContain('fail');
    expect(msg('firewall/passive-range-mismatch')).toContain('40101-40200');
    expect(status('firewall/ipv6-unfiltered')).toEqual(['fail']);
    expect(status('firewall/conntrack-ftp-helper')).toEqual(['fail']);
    const located = fw.find((r) => r.ruleId === 'firewall/plaintext-port-open-implicit-only')!;
    expect(located.location?.file).toMatch(/(^|\/)firewall\/setup\.sh$/);
    expect(located.location?.line).toBe(5);
    expect(located.controls.map((c) => `${c.pack}:${c.control}`)).toEqual(expect.arrayContaining(['pci-dss:1.2.6', 'hipaa:164.312(e)(1)']));
  });

  it('flags a default-accept iptables-save file, located at its policy line', async () => {
    const root = tree({
      'etc/vsftpd.conf': VSFTPD.replace('listen_ipv6=YES', 'listen_ipv6=NO').replace('listen=NO', 'listen=YES'),
      'etc/iptables/rules.v4': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n',
    });
    const { report } = await runScan({ paths: [root] });
    const r = report.results.find((x) => x.ruleId === 'firewall/default-accept')!;
    expect(r.status).toBe('fail');
    expect(r.location?.file).toMatch(/(^|\/)etc\/iptables\/rules\.v4$/);
    expect(r.location?.line).toBe(2);
    expect(r.controls.map((c) => `${c.pack}:${c.control}`)).toEqual(expect.arrayContaining(['pci-dss:1.3.1', 'pci-dss:1.2.1', 'hipaa:164.312(a)(1)']));
    expect(report.results.find((x) => x.ruleId === 'firewall/ipv6-unfiltered')?.status).toBe('not-applicable');
  });

  it('passes a hardened nftables ruleset that matches vsftpd', async () => {
    const root = tree({
      'etc/vsftpd.conf': VSFTPD,
      'etc/nftables.conf': [
        'flush ruleset',
        'table inet filter {',
        '  chain input {',
        '    type filter hook input priority 0; policy drop;',
        '    iif lo accept',
        '    ct state established,related accept',
        '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept',
        '    tcp dport 990 ct state new meter ftps { ip saddr limit rate 10/minute } accept',
        '    tcp dport 40000-40100 ct state new accept',
        '  }',
        '  chain output {',
        '    type filter hook output priority 0; policy drop;',
        '    ct state established,related accept',
        '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept',
        '    udp dport 53 accept',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const { report } = await runScan({ paths: [root] });
    const fw = report.results.filter((r) => r.ruleId.startsWith('firewall/'));
    const failing = fw.filter((r) => r.status !== 'pass' && r.status !== 'not-applicable' && !['firewall/control-port-any-source'].includes(r.ruleId));
    expect(failing.map((r) => `${r.ruleId}: ${r.message}`)).toEqual([]);
    expect(fw.filter((r) => r.ruleId === 'firewall/passive-range-mismatch').map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(fw.find((r) => r.ruleId === 'firewall/control-port-any-source')?.status).toBe('fail');
    expect(fw.filter((r) => r.ruleId === 'firewall/ipv6-ndp-blocked').map((r) => r.status)).toEqual(['pass']);
  });

  it('catches an IPv6 ruleset that silently drops neighbour discovery', async () => {
    const root = tree({
      'etc/vsftpd.conf': VSFTPD,
      'etc/nftables.conf': 'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    ct state established,related accept\n    tcp dport { 990, 40000-40100 } accept\n  }\n}\n',
    });
    const { report } = await runScan({ paths: [root] });
    const r = report.results.find((x) => x.ruleId === 'firewall/ipv6-ndp-blocked')!;
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/drops incoming neighbour solicitations/);
    expect(r.location?.line).toBe(3);
  });
});
