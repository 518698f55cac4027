import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { describeRef, describeVerdict, familyName, firewallOf, hasFirewall, locationOfRef, modelAssumptions, notEvaluated, rulesetFamilies, unnamedPort } from './context.js';

/**
 * Default-deny on input: a port nobody opened must be dropped. Judged by the model on a
 * port no rule names, so a catch-all DROP/REJECT at the end of INPUT, in a jumped-to chain,
 * or a later nft base chain counts as much as a DROP policy.
 */
export const defaultAccept: Check = {
  name: 'firewall.default-accept',
  target: 'firewall',
  description: 'Input default policy ACCEPT with no catch-all DROP/REJECT (judged on a port no rule names).',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: hasFirewall,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const rulesets = modelsOf(inventory, 'firewall');
    const out: CheckOutcome[] = [];
    for (const family of rulesetFamilies(inventory)) {
      const port = unnamedPort(fw.rulesetsFor(family));
      const v = fw.portVerdict(family, port);
      const key = `${family}/default`;
      const file = fw.rulesetsFor(family)[0]?.file ?? rulesets[0]!.file;
      if (v.verdict === 'unknown') { out.push(notEvaluated(key, v, file)); continue; }
      const fail = v.verdict === 'open';
      out.push({
        status: fail ? 'fail' : 'pass',
        messageId: fail ? 'fail' : 'pass',
        key,
        location: locationOfRef(v.decidedBy, file),
        evidence: v.decidedBy?.text,
        assumptions: modelAssumptions(inventory, [], family),
        data: { family: familyName(family), port, verdict: describeVerdict(v), decidedBy: describeRef(v.decidedBy) },
      });
    }
    return out;
  },
};
