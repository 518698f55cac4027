import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { describeRef, familyName, firewallOf, hasFirewall, locationOfRef, modelAssumptions, rulesetFamilies } from './context.js';

/** PCI 1.3.2: outbound traffic restricted to what is necessary. Informational on a server. */
export const outputDefaultAccept: Check = {
  name: 'firewall.output-default-accept',
  target: 'firewall',
  description: 'New outbound connections to arbitrary ports are allowed (no egress filtering).',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: hasFirewall,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const rulesets = modelsOf(inventory, 'firewall');
    const out: CheckOutcome[] = [];
    for (const family of rulesetFamilies(inventory)) {
      const r = fw.outbound(family, 45000, 31337);
      const file = fw.rulesetsFor(family)[0]?.file ?? rulesets[0]!.file;
      const key = `${family}/egress`;
      if (r.decision === 'unknown') {
        out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key, location: locationOfRef(r.decidedBy, file), data: { reason: `outbound ${familyName(family)} traffic depends on ${describeRef(r.decidedBy)}, which the model cannot judge` } });
        continue;
      }
      const fail = r.decision === 'accept';
      out.push({
        status: fail ? 'fail' : 'pass',
        messageId: fail ? 'fail' : 'pass',
        key,
        location: locationOfRef(r.decidedBy, file),
        evidence: r.decidedBy?.text,
        assumptions: modelAssumptions(inventory, [], family),
        data: { family: familyName(family), decidedBy: describeRef(r.decidedBy) },
      });
    }
    return out;
  },
};
