import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { hasFirewall } from './context.js';

/** Every construct kept out of the model, located: never silently ignored. */
export const unsupportedConstruct: Check = {
  name: 'firewall.unsupported-construct',
  target: 'firewall',
  description: 'Firewall constructs the reachability model does not evaluate.',
  messageIds: ['pass', 'notEvaluated'],
  appliesTo: hasFirewall,
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    for (const rs of modelsOf(inventory, 'firewall')) {
      if (!rs.unsupported.length) {
        out.push({ status: 'pass', messageId: 'pass', key: rs.file, location: { file: rs.file }, data: { file: rs.file } });
        continue;
      }
      for (const u of rs.unsupported) {
        out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key: `${rs.file}/${u.message}/${u.text}`, location: { ...u.location }, evidence: u.text || undefined, data: { reason: u.message } });
      }
    }
    return out;
  },
};
