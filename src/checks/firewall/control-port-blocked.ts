import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, familiesOf, firewallOf, hasFirewallAndVsftpd, judgePort } from './context.js';

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
        out.push(judgePort(inventory, fw, needs, family, needs.listenPort, {
          failWhen: (v) => v.verdict === 'closed',
          options: ['listen_port', 'listen_ipv6'],
          data: { vsftpd: needs.config.file },
        }));
      }
    }
    return out;
  },
};
