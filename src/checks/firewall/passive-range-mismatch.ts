import type { Check, CheckOutcome } from '../../engine/types.js';
import type { PortVerdict } from '../../firewall/reachability.js';
import type { FirewallRule, FirewallRuleset } from '../../model/firewall.js';
import { allNeeds, describeRef, familiesOf, familyName, firewallOf, hasFirewallAndVsftpd, locationOfRef, modelAssumptions } from './context.js';

interface Span { from: number; to: number; verdict: PortVerdict }

const fmt = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`);

/**
 * With TLS on the control channel the firewall cannot read the 227 reply, so the passive
 * range must be opened explicitly and must equal vsftpd's effective range: narrower and
 * transfers fail at random (vsftpd picks any port in its range), wider and ports nobody
 * listens on are exposed for nothing.
 */
export const passiveRangeMismatch: Check = {
  name: 'firewall.passive-range-mismatch',
  target: 'firewall',
  description: "The firewall's open passive ports differ from vsftpd's effective pasv_min_port..pasv_max_port.",
  messageIds: ['pass', 'fail', 'passiveOff', 'notEvaluated'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { minBlock: { type: 'integer', minimum: 1, description: 'Width from which an open high-port block counts as a passive range when vsftpd has none.' } },
  },
  appliesTo: hasFirewallAndVsftpd,
  run: ({ inventory, params }) => {
    const minBlock = typeof params.minBlock === 'number' ? params.minBlock : 10;
    const fw = firewallOf(inventory);
    const out: CheckOutcome[] = [];
    for (const needs of allNeeds(inventory)) {
      for (const family of familiesOf(needs)) {
        const key = `${needs.config.file}/${family}/pasv`;
        const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
        const map: Span[] = fw.portMap(family).filter((s) => s.to > 1024);
        const isOpen = (s: Span) => s.verdict.verdict === 'open' || s.verdict.verdict === 'restricted';
        const assumptions = modelAssumptions(inventory, needs.values.filter((e) => e.option.startsWith('pasv_')), family);
        const pasv = needs.passive;
        const lo = pasv?.min ?? 1025;
        const hi = pasv?.max ?? 65535;
        const unknown = map.find((s) => s.verdict.verdict === 'unknown' && s.to >= lo && s.from <= hi);
        if (unknown) {
          out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key, location: locationOfRef(unknown.verdict.unknownBecause, file), data: { reason: `ports ${fmt(Math.max(unknown.from, lo), Math.min(unknown.to, hi))} (${familyName(family)}) depend on ${describeRef(unknown.verdict.unknownBecause)}, which the model cannot judge` } });
          continue;
        }
        if (!pasv) {
          const blocks = openBlocks(map.filter(isOpen)).filter((b) => b.to - b.from + 1 >= minBlock && !(needs.listenPort >= b.from && needs.listenPort <= b.to && b.to === b.from));
          const b = blocks[0];
          out.push(b
            ? { status: 'fail', messageId: 'fail', key, location: locationOfRef(b.verdict.decidedBy, file), evidence: b.verdict.decidedBy?.text, assumptions, data: { family: familyName(family), vsftpdRange: 'none (pasv_enable=NO)', detail: `the firewall opens ${blocks.map((x) => fmt(x.from, x.to)).join(', ')} (${describeRef(b.verdict.decidedBy)}) although vsftpd has passive mode off` } }
            : { status: 'pass', messageId: 'passiveOff', key, location: { file: needs.config.file }, assumptions, data: { family: familyName(family) } });
          continue;
        }
        const problems: string[] = [];
        let where: PortVerdict | undefined;
        const inRange = map.filter((s) => s.to >= lo && s.from <= hi);
        const closed = inRange.filter((s) => !isOpen(s));
        if (closed.length) {
          const total = closed.reduce((n, s) => n + Math.min(s.to, hi) - Math.max(s.from, lo) + 1, 0);
          const related = acceptsRelated(fw.rulesetsFor(family));
          problems.push(`too narrow: ${total} of vsftpd's ${hi - lo + 1} passive ports are closed (${closed.slice(0, 5).map((s) => `${fmt(Math.max(s.from, lo), Math.min(s.to, hi))} by ${describeRef(s.verdict.decidedBy)}`).join('; ')}${closed.length > 5 ? '; ...' : ''}), so transfers fail whenever vsftpd picks one of them${related ? ` (${related.location.file}:${related.location.line} accepts RELATED traffic, but the FTP conntrack helper cannot read the encrypted PASV reply, so FTPS data connections are never RELATED)` : ''}`);
          where ??= closed[0]!.verdict;
        }
        const blocks = openBlocks(map.filter(isOpen));
        const touching = blocks.filter((b) => b.to >= lo - 1 && b.from <= hi + 1);
        const extra: string[] = [];
        for (const b of touching) {
          if (b.from < lo) extra.push(fmt(b.from, lo - 1));
          if (b.to > hi) extra.push(fmt(hi + 1, b.to));
        }
        const extraCount = touching.reduce((n, b) => n + Math.max(0, lo - b.from) + Math.max(0, b.to - hi), 0);
        if (extraCount > 0) {
          problems.push(`too wide: the firewall also opens ${extra.join(', ')} (${extraCount} ports vsftpd never uses)`);
          where ??= touching[0]!.verdict;
        }
        if (!touching.length) {
          const elsewhere = blocks.filter((b) => b.to - b.from + 1 >= minBlock);
          if (elsewhere.length) problems.push(`the firewall opens ${elsewhere.map((b) => fmt(b.from, b.to)).join(', ')} instead`);
        }
        const fail = problems.length > 0;
        const opener = touching[0]?.verdict;
        out.push({
          status: fail ? 'fail' : 'pass',
          messageId: fail ? 'fail' : 'pass',
          key,
          location: locationOfRef((where ?? opener)?.decidedBy, file),
          evidence: (where ?? opener)?.decidedBy?.text,
          assumptions: [...assumptions, ...pasv.notes],
          data: {
            family: familyName(family),
            vsftpdRange: `${lo}-${hi}${pasv.notes.length ? ` (${pasv.notes.join('; ')})` : ''}`,
            detail: problems.join('; '),
            decidedBy: describeRef(opener?.decidedBy),
          },
        });
      }
    }
    return out;
  },
};

/** An input rule that accepts ct state RELATED: the usual sign of relying on the FTP helper. */
function acceptsRelated(rulesets: FirewallRuleset[]): FirewallRule | undefined {
  for (const rs of rulesets) {
    for (const t of rs.tables) {
      for (const c of t.chains) {
        if (c.base && c.base.hook !== 'input') continue;
        const r = c.rules.find((x) => x.target.kind === 'accept' && x.conditions.some((k) => k.kind === 'ctstate' && !k.negate && k.states.includes('related')));
        if (r) return r;
      }
    }
  }
  return undefined;
}

/** Merge adjacent open spans into blocks (keeping the first span's verdict for reference). */
function openBlocks(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && last.to + 1 >= s.from) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}
