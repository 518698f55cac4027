import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { allNeeds, firewallOf, hasFirewallAndVsftpd } from './context.js';

/**
 * listen_ipv6=YES puts vsftpd on IPv6 (and, through the :: socket, IPv4). A host that only
 * has iptables (IPv4) rules, or nft tables of family ip, leaves IPv6 wide open.
 */
export const ipv6Unfiltered: Check = {
  name: 'firewall.ipv6-unfiltered',
  target: 'firewall',
  description: 'vsftpd listens on IPv6 but no firewall file filters IPv6 input.',
  messageIds: ['pass', 'fail', 'notApplicable'],
  appliesTo: (inv) => hasFirewallAndVsftpd(inv) && allNeeds(inv).some((n) => n.ipv6),
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    const files = modelsOf(inventory, 'firewall').map((r) => r.file);
    for (const needs of allNeeds(inventory)) {
      if (!needs.ipv6) continue;
      const ev = needs.values.find((e) => e.option === 'listen_ipv6');
      const location = ev?.directive ? { ...ev.directive.location } : { file: needs.config.file };
      const filtered = fw.filtersFamily('ipv6');
      const v6files = fw.rulesetsFor('ipv6').map((r) => r.file);
      out.push({
        status: filtered ? 'pass' : 'fail',
        messageId: filtered ? 'pass' : 'fail',
        key: `${needs.config.file}/ipv6`,
        location,
        evidence: ev?.directive?.text ?? 'listen_ipv6=YES',
        data: { vsftpd: needs.config.file, files: (filtered ? v6files : files).join(', ') },
      });
    }
    return out;
  },
};
