import { describe, expect, it } from 'vitest';
import { FirewallModel } from '../src/firewall/reachability.js';
import { parseIptablesSave } from '../src/parsers/iptables/save.js';
import { parseNftables } from '../src/parsers/nftables/ruleset.js';

const ipt = (body: string, file = 'rules.v4') => parseIptablesSave(file, `*filter\n${body}\nCOMMIT\n`).model;
const nft = (text: string) => parseNftables('nftables.conf', text).model;

describe('reachability model', () => {
  it('first terminal match wins, the policy decides the rest, and the deciding line is reported', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 990 -j ACCEPT\n-A INPUT -p tcp --dport 990 -j DROP')]);
    expect(m.portVerdict('ipv4', 990)).toMatchObject({ verdict: 'open', decidedBy: { location: { line: 4 } } });
    expect(m.portVerdict('ipv4', 21)).toMatchObject({ verdict: 'closed', decidedBy: { location: { line: 2 }, text: 'ip filter INPUT policy drop' } });
  });

  it('needs the established packets through too: NEW-only rules do not make a port reachable', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n-A INPUT -p tcp -m state --state NEW --dport 21 -j ACCEPT')]);
    const r = m.connection({ family: 'ipv4', port: 21, peer: '192.0.2.1' });
    expect(r).toMatchObject({ decision: 'drop', stage: 'established' });
    expect(m.portVerdict('ipv4', 21).verdict).toBe('closed');
  });

  it('lists the sources of a restricted port and treats a blocklist as open with exceptions', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp --dport 21 -j ACCEPT\n-A INPUT -s 192.0.2.7 -j DROP\n-A INPUT -p tcp --dport 990 -j ACCEPT')]);
    expect(m.portVerdict('ipv4', 21)).toMatchObject({ verdict: 'restricted', acceptedSources: ['10.0.0.0/8'] });
    expect(m.portVerdict('ipv4', 990)).toMatchObject({ verdict: 'open', exceptSources: ['192.0.2.7'], exceptCount: 1 });
  });

  it('follows jumps, RETURN and goto', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -j A\n-A INPUT -p tcp --dport 21 -j ACCEPT\n-A A -s 192.0.2.0/24 -j RETURN\n-A A -p tcp --dport 21 -g B\n-A B -j DROP')]);
    expect(m.connection({ family: 'ipv4', port: 21, peer: '192.0.2.5' })).toMatchObject({ decision: 'accept', decidedBy: { location: { line: 7 } } });
    expect(m.connection({ family: 'ipv4', port: 21, peer: '198.51.100.5' })).toMatchObject({ decision: 'drop', decidedBy: { location: { line: 10 } } });
  });

  it('nftables: accept ends only its own base chain; a later base chain may still drop', () => {
    const m = new FirewallModel([nft('table inet a {\n chain in { type filter hook input priority 0; tcp dport 21 accept }\n}\ntable inet b {\n chain in { type filter hook input priority 10; ip saddr 192.0.2.9 drop }\n}\n')]);
    expect(m.connection({ family: 'ipv4', port: 21, peer: '192.0.2.9' })).toMatchObject({ decision: 'drop', decidedBy: { location: { line: 5 } } });
    expect(m.connection({ family: 'ipv4', port: 21, peer: '192.0.2.8' }).decision).toBe('accept');
    expect(m.portVerdict('ipv6', 21).verdict).toBe('open');
  });

  it('judges interface- and address-specific rules per world and says so', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -i eth0 -p tcp --dport 21 -j ACCEPT\n-A INPUT -d 203.0.113.5 -p tcp --dport 990 -j ACCEPT')]);
    expect(m.portVerdict('ipv4', 21)).toMatchObject({ verdict: 'open', conditions: ['only via interface eth0'] });
    expect(m.portVerdict('ipv4', 990)).toMatchObject({ verdict: 'open', conditions: ['only to server address 203.0.113.5'] });
    expect(m.connection({ family: 'ipv4', port: 21, peer: '192.0.2.1', iface: 'eth1' }).decision).toBe('drop');
  });

  it('an unmodelled match on the path makes the verdict unknown, pointing at that rule', () => {
    const m = new FirewallModel([ipt(':INPUT DROP [0:0]\n-A INPUT -m set --match-set allow src -j ACCEPT\n-A INPUT -p tcp --dport 21 -j ACCEPT')]);
    expect(m.portVerdict('ipv4', 21)).toMatchObject({ verdict: 'unknown', unknownBecause: { location: { line: 3 } } });
  });

  it('a file the loader rejects has no effect, and says why', () => {
    const bad = parseIptablesSave('rules.v4', '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 21 -j ACCEPT\n').model;
    const m = new FirewallModel([bad]);
    expect(m.portVerdict('ipv4', 31337).verdict).toBe('open');
    expect(m.excluded[0]!.reason).toMatch(/COMMIT expected/);
  });

  it('shares one evaluation between ports no rule tells apart, with the same answer as port-by-port', () => {
    const rs = ipt(':INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 40000:40100 -j ACCEPT\n-A INPUT -p tcp --dport 40050 -j DROP');
    const shared = new FirewallModel([rs]);
    const fresh = new FirewallModel([rs], { cache: false });
    for (const p of [39999, 40000, 40049, 40050, 40051, 40100, 40101]) {
      expect(shared.portVerdict('ipv4', p).verdict, String(p)).toBe(fresh.portVerdict('ipv4', p).verdict);
    }
    expect(shared.portMap('ipv4').filter((s) => s.verdict.verdict === 'open').map((s) => [s.from, s.to])).toEqual([[40000, 40100]]);
  });

  it('models outbound connections for active mode', () => {
    const m = new FirewallModel([ipt(':INPUT ACCEPT [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT')]);
    expect(m.outbound('ipv4', 20, 50000)).toMatchObject({ decision: 'drop', stage: 'syn' });
    const open = new FirewallModel([ipt(':INPUT ACCEPT [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -p tcp --sport 20 -j ACCEPT')]);
    expect(open.outbound('ipv4', 20, 50000).decision).toBe('accept');
  });
});

describe('implicit dependencies the loaders add', () => {
  it('nft "reject with tcp reset" only matches TCP (nft adds meta l4proto tcp)', () => {
    const m = new FirewallModel([nft('table inet t {\n chain c {\n  type filter hook input priority 0; policy accept;\n  reject with tcp reset\n }\n}\n')]);
    expect(m.portVerdict('ipv4', 21).verdict).toBe('closed');
    expect(m.neighbourDiscovery().decision).toBe('accept');
  });
});

describe('deciding rule across base chains', () => {
  it('an accept by policy names the last base chain\'s policy (filter INPUT), not raw PREROUTING', () => {
    const text = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 21 -j ACCEPT\nCOMMIT\n';
    const model = new FirewallModel([parseIptablesSave('etc/iptables/rules.v4', text).model]);
    expect(model.portVerdict('ipv4', 990).decidedBy?.text).toMatch(/filter INPUT policy accept/);
    expect(model.portVerdict('ipv4', 21).decidedBy?.text).toMatch(/--dport 21 -j ACCEPT/);
  });
});
