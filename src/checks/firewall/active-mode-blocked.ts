import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, describeRef, familiesOf, familyName, firewallOf, hasFirewallAndVsftpd, locationOfRef, modelAssumptions } from './context.js';

/**
 * Active mode (port_enable=YES, the default) has the server open the data connection:
 * from port 20 with connect_from_port_20=YES, else from an unprivileged port. If the
 * firewall blocks that outbound connection (or its replies), active transfers can only
 * fail: either allow them or turn active mode off in vsftpd.
 */
export const activeModeBlocked: Check = {
  name: 'firewall.active-mode-blocked',
  target: 'firewall',
  description: 'vsftpd allows active mode but the firewall blocks its outbound data connections.',
  messageIds: ['pass', 'fail', 'notEvaluated', 'notApplicable'],
  appliesTo: (inv) => hasFirewallAndVsftpd(inv) && allNeeds(inv).some((n) => n.activeMode),
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      if (!needs.activeMode) continue;
      for (const family of familiesOf(needs)) {
        const source = needs.connectFromPort20 ? 20 : 45000;
        const r = fw.outbound(family, source, 50000);
        const key = `${needs.config.file}/${family}/active`;
        const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
        const from = needs.connectFromPort20 ? 'port 20 (connect_from_port_20=YES)' : 'an unprivileged port (connect_from_port_20=NO)';
        if (r.decision === 'unknown') {
          out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key, location: locationOfRef(r.decidedBy, file), data: { reason: `outbound ${familyName(family)} data connections depend on ${describeRef(r.decidedBy)}, which the model cannot judge` } });
          continue;
        }
        const fail = r.decision === 'drop';
        out.push({
          status: fail ? 'fail' : 'pass',
          messageId: fail ? 'fail' : 'pass',
          key,
          location: locationOfRef(r.decidedBy, file),
          evidence: r.decidedBy?.text,
          assumptions: modelAssumptions(inventory, needs.values.filter((e) => e.option === 'port_enable' || e.option === 'connect_from_port_20'), family),
          data: { family: familyName(family), from, stage: r.stage === 'reply' ? 'the client\'s replies' : 'the outbound connection', decidedBy: describeRef(r.decidedBy) },
        });
      }
    }
    return out;
  },
};
