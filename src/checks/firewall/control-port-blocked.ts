import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, describeRef, describeVerdict, familiesOf, familyName, firewallOf, hasFirewallAndVsftpd, locationOfRef, modelAssumptions, notEvaluated } from './context.js';

/** The port vsftpd listens on must get through, or the service is down for everyone. */
export const controlPortBlocked: Check = {
  name: 'firewall.control-port-blocked',
  target: 'firewall',
  description: "vsftpd's listen_port is dropped by the firewall (service unreachable).",
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: hasFirewallAndVsftpd,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      for (const family of familiesOf(needs)) {
        const v = fw.portVerdict(family, needs.listenPort);
        const key = `${needs.config.file}/${family}/${needs.listenPort}`;
        const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
        if (v.verdict === 'unknown') { out.push(notEvaluated(key, v, file)); continue; }
        const fail = v.verdict === 'closed';
        out.push({
          status: fail ? 'fail' : 'pass',
          messageId: fail ? 'fail' : 'pass',
          key,
          location: locationOfRef(v.decidedBy, file),
          evidence: v.decidedBy?.text,
          assumptions: modelAssumptions(inventory, needs.values.filter((e) => e.option === 'listen_port' || e.option === 'listen_ipv6'), family),
          data: { port: needs.listenPort, family: familyName(family), vsftpd: needs.config.file, verdict: describeVerdict(v), decidedBy: describeRef(v.decidedBy) },
        });
      }
    }
    return out;
  },
};
