import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { hasFirewall } from './context.js';

/** iptables-restore and `nft -f` are atomic: one bad line and none of the file loads. */
export const rulesetRejected: Check = {
  name: 'firewall.ruleset-rejected',
  target: 'firewall',
  description: 'Finds firewall files the loader would reject as a whole (iptables-restore, nft -f).',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => modelsOf(inv, 'firewall').some((r) => r.format !== 'iptables-script') && hasFirewall(inv),
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const rs of modelsOf(inventory, 'firewall')) {
      if (rs.format === 'iptables-script') continue;
      const loader = rs.format === 'nftables' ? 'nft -f' : rs.families.includes('ipv6') ? 'ip6tables-restore' : 'iptables-restore';
      const err = rs.loadErrors[0];
      out.push(err
        ? { status: 'fail', messageId: 'fail', key: rs.file, location: { ...err.location }, evidence: err.text || undefined, data: { file: rs.file, loader, error: err.message, count: rs.loadErrors.length } }
        : { status: 'pass', messageId: 'pass', key: rs.file, location: { file: rs.file }, data: { file: rs.file, loader } });
    }
    return out;
  },
};
