import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, familiesOf, firewallOf, hasFirewallAndVsftpd, judgePort } from './context.js';

/**
 * The FTP-family ports vsftpd does not use, judged inbound: 20 (ftp-data is outbound from
 * the server in active mode, never inbound), 989 (vsftpd has no implicit data port), and
 * whichever of 21/990 is not listen_port. Each is reported with the deciding rule, so the
 * pass results are the per-port evidence an auditor asks for.
 */
export const unneededFtpPortOpen: Check = {
  name: 'firewall.unneeded-ftp-port-open',
  target: 'firewall',
  description: 'FTP/FTPS ports open inbound that vsftpd does not listen on (20, 989, 21 or 990).',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: hasFirewallAndVsftpd,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    // Ports another vsftpd config of the host listens on are needed (explicit on 21 beside
    // implicit on 990 is two daemons, one config each).
    const served = new Set(allNeeds(inventory).map((n) => n.listenPort));
    for (const needs of allNeeds(inventory)) {
      // 21 while implicit-only is firewall/plaintext-port-open-implicit-only's finding.
      const ports = [20, 21, 989, 990].filter((p) => !served.has(p) && !(p === 21 && needs.implicitOnly));
      for (const family of familiesOf(needs)) {
        for (const port of ports) {
          out.push(judgePort(inventory, fw, needs, family, port, {
            failWhen: (v) => v.verdict !== 'closed',
            options: ['listen_port'],
            data: { listenPort: needs.listenPort },
          }));
        }
      }
    }
    return out;
  },
};
