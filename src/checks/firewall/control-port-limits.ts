import type { Check, CheckOutcome } from '../../engine/types.js';
import { allNeeds, describeRef, describeVerdict, familiesOf, familyName, firewallOf, hasFirewallAndVsftpd, limitersFor, locationOfRef, modelAssumptions, notEvaluated } from './context.js';

/** Brute force on the login: a rate or concurrency limit on the control port (informational). */
export const controlPortNoRateLimit: Check = {
  name: 'firewall.control-port-no-rate-limit',
  target: 'firewall',
  description: 'No connection rate or concurrency limit (limit, hashlimit, connlimit, recent, nft limit/meter/ct count) on the control port.',
  messageIds: ['pass', 'fail', 'notApplicable'],
  appliesTo: hasFirewallAndVsftpd,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      for (const family of familiesOf(needs)) {
        const v = fw.portVerdict(family, needs.listenPort);
        if (v.verdict === 'closed' || v.verdict === 'unknown') continue;
        const limiters = limitersFor(fw.rulesetsFor(family), family, needs.listenPort);
        const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
        const key = `${needs.config.file}/${family}/${needs.listenPort}/limit`;
        out.push(limiters.length
          ? { status: 'pass', messageId: 'pass', key, location: { ...limiters[0]!.location }, evidence: limiters[0]!.text, data: { port: needs.listenPort, family: familyName(family), rule: limiters[0]!.text } }
          : { status: 'fail', messageId: 'fail', key, location: locationOfRef(v.decidedBy, file), evidence: v.decidedBy?.text, assumptions: modelAssumptions(inventory, [], family), data: { port: needs.listenPort, family: familyName(family), decidedBy: describeRef(v.decidedBy) } });
      }
    }
    return out;
  },
};

/** The guides recommend limiting which clients may reach the server (informational). */
export const controlPortAnySource: Check = {
  name: 'firewall.control-port-any-source',
  target: 'firewall',
  description: 'The control port accepts connections from any source address.',
  messageIds: ['pass', 'fail', 'notEvaluated', 'notApplicable'],
  appliesTo: hasFirewallAndVsftpd,
  run: ({ inventory }) => {
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      for (const family of familiesOf(needs)) {
        const v = fw.portVerdict(family, needs.listenPort);
        const key = `${needs.config.file}/${family}/${needs.listenPort}/sources`;
        const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
        if (v.verdict === 'closed') continue;
        if (v.verdict === 'unknown') { out.push(notEvaluated(key, v, file)); continue; }
        const fail = v.verdict === 'open';
        out.push({
          status: fail ? 'fail' : 'pass',
          messageId: fail ? 'fail' : 'pass',
          key,
          location: locationOfRef(v.decidedBy, file),
          evidence: v.decidedBy?.text,
          assumptions: modelAssumptions(inventory, [], family),
          data: { port: needs.listenPort, family: familyName(family), verdict: describeVerdict(v), decidedBy: describeRef(v.decidedBy) },
        });
      }
    }
    return out;
  },
};
