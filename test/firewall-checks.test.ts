import { describe, expect, it } from 'vitest';
import type { Check, CheckOutcome, RuleDefinition } from '../src/engine/types.js';
import type { FirewallRuleset } from '../src/model/firewall.js';
import type { Inventory } from '../src/model/inventory.js';
import { checks } from '../src/checks/firewall/index.js';
import { buildConfig } from '../src/parsers/vsftpd/config.js';
import { parseIptablesSave } from '../src/parsers/iptables/save.js';
import { parseIptablesScript } from '../src/parsers/iptables/script.js';
import { parseNftables } from '../src/parsers/nftables/ruleset.js';

/** Each check run directly (check.run), on a config that trips it and one that does not. */
const byName = new Map(checks.map((c) => [c.name, c]));
const rule = { id: 'firewall/test', messages: {} } as unknown as RuleDefinition;

function inventory(vsftpd: string | undefined, ...firewall: FirewallRuleset[]): Inventory {
  return {
    settings: { flavor: 'debian', now: new Date(), roots: [], hostnames: [], expiryWarningDays: 30, live: false },
    artifacts: [],
    models: { vsftpd: vsftpd === undefined ? [] : [buildConfig(Buffer.from(vsftpd), 'etc/vsftpd.conf', 'debian').config], firewall },
    diagnostics: [],
  };
}

function run(name: string, inv: Inventory, params: Record<string, unknown> = {}): CheckOutcome[] {
  const check: Check = byName.get(name)!;
  expect(check, name).toBeDefined();
  if (!check.appliesTo(inv)) return [{ status: 'not-applicable', messageId: 'notApplicable', key: 'na' }];
  return check.run({ inventory: inv, params, rule });
}
const statuses = (o: CheckOutcome[]) => o.map((x) => x.status);

const v4 = (body: string) => parseIptablesSave('etc/iptables/rules.v4', `*filter\n${body}\nCOMMIT\n`).model;
const v6 = (body: string) => parseIptablesSave('etc/iptables/rules.v6', `*filter\n${body}\nCOMMIT\n`).model;
const HARDENED = ':INPUT DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -s 198.51.100.0/24 -p tcp --dport 990 -m conntrack --ctstate NEW -m recent --update --seconds 60 --hitcount 10 --name ftps -j DROP\n-A INPUT -s 198.51.100.0/24 -p tcp --dport 990 -m conntrack --ctstate NEW -j ACCEPT\n-A INPUT -s 198.51.100.0/24 -p tcp --dport 40000:40100 -m conntrack --ctstate NEW -j ACCEPT\n-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT';
const IMPLICIT = 'listen=YES\nssl_enable=YES\nimplicit_ssl=YES\nlisten_port=990\npasv_min_port=40000\npasv_max_port=40100\nport_enable=NO\n';

describe('firewall checks, run directly', () => {
  it('every check has a unique name, a firewall target and declared message ids', () => {
    expect(new Set(checks.map((c) => c.name)).size).toBe(checks.length);
    for (const c of checks) {
      expect(c.target).toBe('firewall');
      expect(c.messageIds?.length).toBeGreaterThan(0);
    }
  });

  it('a hardened ruleset matching an implicit-TLS vsftpd passes everything', () => {
    const inv = inventory(IMPLICIT, v4(HARDENED));
    for (const c of checks) {
      const out = run(c.name, inv);
      for (const o of out) expect([c.name, o.status, o.data]).toEqual([c.name, expect.stringMatching(/^(pass|not-applicable)$/), o.data]);
    }
  });

  it('firewall.ruleset-rejected', () => {
    expect(statuses(run('firewall.ruleset-rejected', inventory(undefined, v4(':INPUT DROP [0:0]'))))).toEqual(['pass']);
    const bad = parseIptablesSave('r.v4', '*filter\n-A INPUT -j NOPE\nCOMMIT\n').model;
    const out = run('firewall.ruleset-rejected', inventory(undefined, bad));
    expect(out).toMatchObject([{ status: 'fail', location: { file: 'r.v4', line: 2 }, data: { loader: 'iptables-restore' } }]);
  });

  it('firewall.default-accept', () => {
    expect(run('firewall.default-accept', inventory(undefined, v4(':INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT')))).toMatchObject([{ status: 'fail', location: { line: 2 } }]);
    // A catch-all REJECT in a jumped-to chain is as good as a DROP policy.
    expect(statuses(run('firewall.default-accept', inventory(undefined, v4(':INPUT ACCEPT [0:0]\n:END - [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j END\n-A END -j REJECT'))))).toEqual(['pass']);
  });

  it('firewall.output-default-accept', () => {
    expect(statuses(run('firewall.output-default-accept', inventory(undefined, v4(':OUTPUT ACCEPT [0:0]'))))).toEqual(['fail']);
    expect(statuses(run('firewall.output-default-accept', inventory(undefined, v4(HARDENED))))).toEqual(['pass']);
  });

  it('firewall.control-port-blocked', () => {
    const out = run('firewall.control-port-blocked', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -p tcp --dport 21 -j ACCEPT')));
    expect(out).toMatchObject([{ status: 'fail', data: { port: 990 } }]);
    expect(statuses(run('firewall.control-port-blocked', inventory(IMPLICIT, v4(HARDENED))))).toEqual(['pass']);
  });

  it('firewall.plaintext-port-open-implicit-only', () => {
    expect(statuses(run('firewall.plaintext-port-open-implicit-only', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 21,990 -j ACCEPT'))))).toEqual(['fail']);
    expect(statuses(run('firewall.plaintext-port-open-implicit-only', inventory(IMPLICIT, v4(HARDENED))))).toEqual(['pass']);
    // implicit_ssl without ssl_enable is ignored by vsftpd: not an implicit-only server.
    expect(statuses(run('firewall.plaintext-port-open-implicit-only', inventory('listen=YES\nimplicit_ssl=YES\nlisten_port=990\n', v4(HARDENED))))).toEqual(['not-applicable']);
    // Explicit FTPS on 21 beside implicit on 990 (two configs, one host): 21 is meant to be open.
    const both = inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 21,990 -j ACCEPT'));
    both.models.vsftpd!.push(buildConfig(Buffer.from('listen=YES\nssl_enable=YES\nlisten_port=21\npasv_min_port=40000\npasv_max_port=40100\n'), 'etc/vsftpd-explicit.conf', 'debian').config);
    expect(statuses(run('firewall.plaintext-port-open-implicit-only', both))).toEqual(['not-applicable']);
  });

  it('firewall.unneeded-ftp-port-open', () => {
    const out = run('firewall.unneeded-ftp-port-open', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 20,21,989,990 -j ACCEPT')));
    expect(out.filter((o) => o.status === 'fail').map((o) => o.data?.port)).toEqual([20, 989]);
    expect(statuses(run('firewall.unneeded-ftp-port-open', inventory(IMPLICIT, v4(HARDENED))))).toEqual(['pass', 'pass']);
    // A second vsftpd config serving 21 (explicit beside implicit): 21 is needed, not judged.
    const both = inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -p tcp -m multiport --dports 20,21,989,990 -j ACCEPT'));
    both.models.vsftpd!.push(buildConfig(Buffer.from('listen=YES\nssl_enable=YES\nlisten_port=21\npasv_min_port=40000\npasv_max_port=40100\n'), 'etc/vsftpd-explicit.conf', 'debian').config);
    const fails = run('firewall.unneeded-ftp-port-open', both).filter((o) => o.status === 'fail').map((o) => o.data?.port);
    expect([...new Set(fails)]).toEqual([20, 989]);
  });

  it('firewall.passive-range-mismatch: too narrow, too wide, all high ports, passive off', () => {
    const narrow = run('firewall.passive-range-mismatch', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 40000:40049 -j ACCEPT')));
    expect(narrow).toMatchObject([{ status: 'fail', location: { line: 2 } }]);
    expect(String(narrow[0]!.data?.detail)).toMatch(/too narrow: 51 of vsftpd's 101 passive ports are closed \(40050-40100/);
    const helper = run('firewall.passive-range-mismatch', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p tcp --dport 990 -j ACCEPT')));
    expect(String(helper[0]!.data?.detail)).toMatch(/rules\.v4:3 accepts RELATED traffic, but the FTP conntrack helper cannot read the encrypted PASV reply/);
    const wide = run('firewall.passive-range-mismatch', inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 1024:65535 -j ACCEPT')));
    expect(String(wide[0]!.data?.detail)).toMatch(/too wide: the firewall also opens 1024-39999, 40101-65535/);
    // Debian default: pasv_min_port=5001, max 0 -> 5001-65535.
    const dflt = run('firewall.passive-range-mismatch', inventory('listen=YES\n', v4(HARDENED)));
    expect(dflt[0]).toMatchObject({ status: 'fail', data: { vsftpdRange: '5001-65535' } });
    const ignoredMin = run('firewall.passive-range-mismatch', inventory('listen=YES\npasv_min_port=1000\npasv_max_port=40100\n', v4(HARDENED)));
    expect(String(ignoredMin[0]!.data?.vsftpdRange)).toMatch(/^1024-40100 \(pasv_min_port=1000 is ignored/);
    const off = run('firewall.passive-range-mismatch', inventory('listen=YES\npasv_enable=NO\n', v4(HARDENED)));
    expect(off[0]).toMatchObject({ status: 'fail', data: { vsftpdRange: 'none (pasv_enable=NO)' } });
    expect(statuses(run('firewall.passive-range-mismatch', inventory(IMPLICIT, v4(HARDENED))))).toEqual(['pass']);
  });

  it('firewall.conntrack-ftp-helper', () => {
    const out = run('firewall.conntrack-ftp-helper', inventory(undefined, parseIptablesSave('r.v4', '*raw\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\nCOMMIT\n*filter\n-A INPUT -m conntrack --ctstate RELATED -m helper --helper ftp -j ACCEPT\nCOMMIT\n').model));
    expect(out.map((o) => [o.status, o.location?.line])).toEqual([['fail', 2], ['fail', 5]]);
    const nftOut = run('firewall.conntrack-ftp-helper', inventory(undefined, parseNftables('n', 'table inet f {\n chain pre {\n  type filter hook prerouting priority 0;\n  tcp dport 21 ct helper set "ftp-standard"\n }\n}\n').model));
    expect(nftOut).toMatchObject([{ status: 'fail', location: { line: 4 } }]);
    expect(statuses(run('firewall.conntrack-ftp-helper', inventory(undefined, v4(HARDENED))))).toEqual(['pass']);
  });

  it('firewall.ipv6-unfiltered', () => {
    const conf = 'listen=NO\nlisten_ipv6=YES\n';
    expect(run('firewall.ipv6-unfiltered', inventory(conf, v4(HARDENED)))).toMatchObject([{ status: 'fail', location: { file: 'etc/vsftpd.conf', line: 2 } }]);
    expect(statuses(run('firewall.ipv6-unfiltered', inventory(conf, v4(HARDENED), v6(':INPUT DROP [0:0]'))))).toEqual(['pass']);
    expect(statuses(run('firewall.ipv6-unfiltered', inventory(conf, parseNftables('n', 'table ip f {\n chain i { type filter hook input priority 0; policy drop; }\n}\n').model)))).toEqual(['fail']);
    expect(statuses(run('firewall.ipv6-unfiltered', inventory(conf, parseNftables('n', 'table inet f {\n chain i { type filter hook input priority 0; policy drop; }\n}\n').model)))).toEqual(['pass']);
  });

  it('firewall.ipv6-ndp-blocked', () => {
    const conf = 'listen=NO\nlisten_ipv6=YES\n';
    const blocked = run('firewall.ipv6-ndp-blocked', inventory(conf, v6(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p tcp --dport 21 -j ACCEPT')));
    expect(blocked).toMatchObject([{ status: 'fail', location: { line: 2 }, data: { what: 'incoming neighbour solicitations' } }]);
    expect(statuses(run('firewall.ipv6-ndp-blocked', inventory(conf, v6(':INPUT DROP [0:0]\n-A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT\n-A INPUT -p ipv6-icmp --icmpv6-type 136 -j ACCEPT'))))).toEqual(['pass']);
    const outDrop = run('firewall.ipv6-ndp-blocked', inventory(conf, v6(':INPUT ACCEPT [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT')));
    expect(outDrop).toMatchObject([{ status: 'fail', data: { what: 'outgoing neighbour advertisements/solicitations' } }]);
    expect(statuses(run('firewall.ipv6-ndp-blocked', inventory('listen=YES\n', v6(':INPUT DROP [0:0]'))))).toEqual(['not-applicable']);
  });

  it('firewall.control-port-no-rate-limit and control-port-any-source', () => {
    const plain = inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 990 -j ACCEPT'));
    expect(statuses(run('firewall.control-port-no-rate-limit', plain))).toEqual(['fail']);
    expect(statuses(run('firewall.control-port-any-source', plain))).toEqual(['fail']);
    const guarded = inventory(IMPLICIT, v4(HARDENED));
    expect(run('firewall.control-port-no-rate-limit', guarded)).toMatchObject([{ status: 'pass', location: { line: 6 } }]);
    expect(run('firewall.control-port-any-source', guarded)).toMatchObject([{ status: 'pass', data: { verdict: 'accepted only from 198.51.100.0/24' } }]);
  });

  it('firewall.active-mode-blocked', () => {
    const active = 'listen=YES\nconnect_from_port_20=YES\n';
    expect(run('firewall.active-mode-blocked', inventory(active, v4(HARDENED)))).toMatchObject([{ status: 'fail', data: { from: 'port 20 (connect_from_port_20=YES)' } }]);
    expect(statuses(run('firewall.active-mode-blocked', inventory(active, v4(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT'))))).toEqual(['pass']);
    expect(statuses(run('firewall.active-mode-blocked', inventory(IMPLICIT, v4(HARDENED))))).toEqual(['not-applicable']);
  });

  it('firewall.unsupported-construct lists every unmodelled construct, located', () => {
    const script = parseIptablesScript('fw.sh', 'iptables -A INPUT -m geoip --src-cc CN -j DROP\niptables -A INPUT -s $ADMIN -j ACCEPT\n').model;
    expect(run('firewall.unsupported-construct', inventory(undefined, script)).map((o) => [o.status, o.location?.line])).toEqual([['not-evaluated', 2], ['not-evaluated', 1]]);
    expect(statuses(run('firewall.unsupported-construct', inventory(undefined, v4(HARDENED))))).toEqual(['pass']);
  });

  it('verdicts that depend on unmodelled rules are not-evaluated, never guessed', () => {
    const inv = inventory(IMPLICIT, v4(':INPUT DROP [0:0]\n-A INPUT -m set --match-set partners src -j ACCEPT\n-A INPUT -p tcp --dport 990 -j ACCEPT'));
    expect(run('firewall.control-port-blocked', inv)).toMatchObject([{ status: 'not-evaluated', location: { line: 3 } }]);
    expect(run('firewall.passive-range-mismatch', inv)).toMatchObject([{ status: 'not-evaluated' }]);
  });
});

describe('firewall exposure table (report inventory section)', () => {
  it('lists each FTP port and the passive range with verdict and deciding rule', async () => {
    const { firewallExposure } = await import('../src/checks/firewall/exposure.js');
    const rows = firewallExposure(inventory(IMPLICIT, v4(HARDENED.replace('-A INPUT -s 198.51.100.0/24 -p tcp --dport 40000:40100', '-A INPUT -p tcp --dport 40050:40100 -j DROP\n-A INPUT -s 198.51.100.0/24 -p tcp --dport 40000:40100'))));
    expect(rows.map((r) => [r.ports, r.verdict])).toEqual([
      ['20', 'closed'], ['21', 'closed'], ['989', 'closed'], ['990', 'restricted'], ['40000-40049', 'restricted'], ['40050-40100', 'closed'],
    ]);
    expect(rows.find((r) => r.ports === '990')).toMatchObject({ description: 'accepted only from 198.51.100.0/24', location: { file: 'etc/iptables/rules.v4', line: 7 } });
  });
});
