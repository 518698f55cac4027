import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, familiesOf, firewallOf, hasFirewallAndVsftpd, judgePort } from './context.js';

/**
 * An implicit-TLS-only server (ssl_enable + implicit_ssl, listening elsewhere than 21) has
 * no business on port 21: an open 21 exposes whatever plaintext FTP answers there. When
 * another vsftpd config of the same host serves port 21 itself (explicit FTPS beside
 * implicit, "mode both"), port 21 is meant to be open and its TLS policy is that config's
 * own rules' business.
 */
const servedOn21 = (inv: Parameters<Check['appliesTo']>[0]): boolean => allNeeds(inv).some((n) => !n.implicitOnly && n.listenPort === 21);

export const plaintextPortOpen: Check = {
  name: 'firewall.plaintext-port-open-implicit-only',
  target: 'firewall',
  description: 'Port 21 reachable while vsftpd serves implicit TLS only.',
  messageIds: ['pass', 'fail', 'notEvaluated', 'notApplicable'],
  appliesTo: (inv) => hasFirewallAndVsftpd(inv) && !servedOn21(inv) && allNeeds(inv).some((n) => n.implicitOnly && n.listenPort !== 21),
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      if (!needs.implicitOnly || needs.listenPort === 21) continue;
      for (const family of familiesOf(needs)) {
        out.push(judgePort(inventory, fw, needs, family, 21, {
          failWhen: (v) => v.verdict !== 'closed',
          options: ['listen_port', 'implicit_ssl', 'ssl_enable'],
          data: { listenPort: needs.listenPort, vsftpd: needs.config.file },
        }));
      }
    }
    return out;
  },
};
