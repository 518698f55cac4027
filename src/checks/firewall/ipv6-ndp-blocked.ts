import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, describeRef, firewallOf, hasFirewallAndVsftpd, locationOfRef, modelAssumptions } from './context.js';

/**
 * Every IPv6 connection starts with neighbour discovery (ICMPv6 135/136). conntrack leaves
 * those packets untracked, so a DROP policy with only `ct state established,related` and
 * port rules silently cuts the server off IPv6, FTPS included.
 */
export const ipv6NdpBlocked: Check = {
  name: 'firewall.ipv6-ndp-blocked',
  target: 'firewall',
  description: 'IPv6 neighbour discovery (ICMPv6 neighbour solicitation/advertisement) is dropped, so no IPv6 client can connect.',
  messageIds: ['pass', 'fail', 'notEvaluated', 'notApplicable'],
  appliesTo: (inv) => hasFirewallAndVsftpd(inv) && allNeeds(inv).some((n) => n.ipv6) && firewallOf(inv).filtersFamily('ipv6'),
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      if (!needs.ipv6) continue;
      const r = fw.neighbourDiscovery();
      const key = `${needs.config.file}/ipv6/ndp`;
      const file = fw.rulesetsFor('ipv6')[0]?.file ?? needs.config.file;
      if (r.decision === 'unknown') {
        out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key, location: locationOfRef(r.decidedBy, file), data: { reason: `neighbour discovery depends on ${describeRef(r.decidedBy)}, which the model cannot judge` } });
        continue;
      }
      const fail = r.decision === 'drop';
      const what = r.stage === 'syn' ? 'incoming neighbour solicitations' : r.stage === 'reply' ? 'outgoing neighbour advertisements/solicitations' : 'incoming neighbour advertisements';
      out.push({
        status: fail ? 'fail' : 'pass',
        messageId: fail ? 'fail' : 'pass',
        key,
        location: locationOfRef(r.decidedBy, file),
        evidence: r.decidedBy?.text,
        assumptions: modelAssumptions(inventory, [], 'ipv6'),
        data: { vsftpd: needs.config.file, what, decidedBy: describeRef(r.decidedBy) },
      });
    }
    return out;
  },
};
