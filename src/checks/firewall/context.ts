import type { CheckOutcome } from '../../engine/types.js';
import type { Condition, FirewallRule, FirewallRuleset, IpFamily } from '../../model/firewall.js';
import type { Inventory } from '../../model/inventory.js';
import { modelsOf } from '../../model/inventory.js';
import type { Location } from '../../model/location.js';
import type { EffectiveValue, VsftpdConfig } from '../../model/vsftpd.js';
import { FirewallModel, type PortVerdict, type RuleRef } from '../../firewall/reachability.js';
import { effectivePassiveRange } from '../vsftpd/pasv-range.js';
import { assumptionsFor } from '../vsftpd/describe.js';

/**
 * What the firewall checks share: one reachability model per inventory (every firewall
 * file found, evaluated as if all were loaded together), and what vsftpd needs from it.
 */
const models = new WeakMap<Inventory, FirewallModel>();

export function firewallOf(inv: Inventory): FirewallModel {
  let m = models.get(inv);
  if (!m) {
    m = new FirewallModel(modelsOf(inv, 'firewall'));
    models.set(inv, m);
  }
  return m;
}

export function hasFirewall(inv: Inventory): boolean {
  return modelsOf(inv, 'firewall').length > 0;
}

export function hasFirewallAndVsftpd(inv: Inventory): boolean {
  return hasFirewall(inv) && modelsOf(inv, 'vsftpd').length > 0;
}

/** What one vsftpd.conf asks of the firewall. */
export interface ServerNeeds {
  config: VsftpdConfig;
  listenPort: number;
  implicitOnly: boolean;
  ipv6: boolean;
  passive?: { min: number; max: number; notes: string[] };
  activeMode: boolean;
  connectFromPort20: boolean;
  /** Effective values used, for evidence and assumptions. */
  values: EffectiveValue[];
}

function eff(config: VsftpdConfig, name: string, used: EffectiveValue[]): EffectiveValue | undefined {
  const ev = config.effective(name);
  if (ev) used.push(ev);
  return ev;
}

export function serverNeeds(config: VsftpdConfig): ServerNeeds {
  const used: EffectiveValue[] = [];
  const listenPort = Number(eff(config, 'listen_port', used)?.value ?? 21) || 21;
  const ssl = eff(config, 'ssl_enable', used)?.value === true;
  const implicit = eff(config, 'implicit_ssl', used)?.value === true;
  const ipv6 = eff(config, 'listen_ipv6', used)?.value === true;
  const pasvEnable = eff(config, 'pasv_enable', used)?.value !== false;
  const portEnable = eff(config, 'port_enable', used)?.value !== false;
  const port20 = eff(config, 'connect_from_port_20', used)?.value === true;
  eff(config, 'pasv_min_port', used);
  eff(config, 'pasv_max_port', used);
  const needs: ServerNeeds = {
    config,
    listenPort,
    // implicit_ssl is silently ignored without ssl_enable (plaintext then).
    implicitOnly: ssl && implicit,
    ipv6,
    activeMode: portEnable,
    connectFromPort20: port20,
    values: used,
  };
  if (pasvEnable) needs.passive = effectivePassiveRange(config);
  return needs;
}

export function allNeeds(inv: Inventory): ServerNeeds[] {
  return modelsOf(inv, 'vsftpd').map(serverNeeds);
}

/** Families a server uses: IPv4 always (a :: socket takes IPv4 too), IPv6 when listen_ipv6=YES. */
export function familiesOf(needs: ServerNeeds): IpFamily[] {
  return needs.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
}

export function familyName(f: IpFamily): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}

export function describeRef(ref: RuleRef | undefined): string {
  if (!ref) return 'no rule (no base chain: the kernel accepts)';
  const where = ref.location.line !== undefined ? `${ref.location.file}:${ref.location.line}` : ref.location.file;
  return `${where} \`${ref.text}\``;
}

export function locationOfRef(ref: RuleRef | undefined, fallback: string): Location {
  if (ref?.location.file) return { ...ref.location };
  return { file: fallback };
}

/** "accepted from any source", "accepted only from 10.0.0.0/8", "dropped", with conditions. */
export function describeVerdict(v: PortVerdict): string {
  const cond = v.conditions.length ? ` (${v.conditions.join('; ')})` : '';
  switch (v.verdict) {
    case 'open': {
      const except = v.exceptCount ? ` except ${v.exceptSources.join(', ')}${v.exceptCount > v.exceptSources.length ? ` and ${v.exceptCount - v.exceptSources.length} more blocked ranges` : ''}` : '';
      return `accepted from any source${except}${cond}`;
    }
    case 'restricted': return `accepted only from ${v.acceptedSources.join(', ')}${v.acceptedSources.length >= 20 ? ', ...' : ''}${cond}`;
    case 'closed': return 'dropped or rejected for every source';
    case 'unknown': return `not decidable: ${describeRef(v.unknownBecause)} is not modelled`;
  }
}

export function firstFile(inv: Inventory): string {
  return modelsOf(inv, 'firewall')[0]?.file ?? '';
}

/** Assumptions every firewall verdict rests on, plus each ruleset's own. */
export function modelAssumptions(inv: Inventory, extra: EffectiveValue[] = [], family?: IpFamily): string[] {
  const fw = firewallOf(inv);
  const out = [
    'a first connection from a source with no history (rate limits within burst, connlimit/recent lists empty)',
  ];
  const all = modelsOf(inv, 'firewall');
  const rs = family ? all.filter((r) => r.families.includes(family)) : all;
  const tool = family === 'ipv4' ? /^ip6tables/ : family === 'ipv6' ? /^iptables/ : undefined;
  if (rs.length > 1) out.push(`all ${rs.length} firewall files are evaluated as if loaded together (${rs.map((r) => r.file).join(', ')})`);
  // A script's ip6tables caveat says nothing about an IPv4 verdict, and vice versa.
  for (const r of rs) out.push(...r.assumptions.filter((a) => !tool || !tool.test(a)).map((a) => `${r.file}: ${a}`));
  for (const e of fw.excluded) out.push(`${e.file} is left out: ${e.reason}`);
  out.push(...assumptionsFor(extra));
  return out;
}

/** A not-evaluated outcome for an undecidable verdict, located at the rule we cannot model. */
export function notEvaluated(key: string, v: PortVerdict, fallbackFile: string): CheckOutcome {
  return {
    status: 'not-evaluated',
    messageId: 'notEvaluated',
    key,
    location: locationOfRef(v.unknownBecause, fallbackFile),
    evidence: v.unknownBecause?.text,
    data: { reason: `tcp/${v.port} (${familyName(v.family)}) depends on ${describeRef(v.unknownBecause)}, which the model cannot judge` },
  };
}

/** Rules on a family's input path with a rate or concurrency limit that can see this port. */
export function limitersFor(rulesets: FirewallRuleset[], family: IpFamily, port: number): FirewallRule[] {
  const out: FirewallRule[] = [];
  const fams = family === 'ipv4' ? ['ip', 'inet'] : ['ip6', 'inet'];
  for (const rs of rulesets) {
    for (const t of rs.tables) {
      if (!fams.includes(t.family)) continue;
      for (const c of t.chains) {
        if (c.base && c.base.hook !== 'input' && c.base.hook !== 'prerouting') continue;
        for (const r of c.rules) {
          if (!r.conditions.some(isLimiter)) continue;
          const dports = r.conditions.filter((x): x is DportCondition => x.kind === 'dport');
          const seesPort = dports.every((d) => d.ranges.some((p) => port >= p.from && port <= p.to) !== d.negate);
          if (seesPort) out.push(r);
        }
      }
    }
  }
  return out;
}

type DportCondition = { kind: 'dport'; negate: boolean; ranges: { from: number; to: number }[] };

function isLimiter(c: Condition): boolean {
  return c.kind === 'ratelimit' || c.kind === 'connlimit' || (c.kind === 'recent' && c.mode !== 'set');
}

/** A port no rule names: what the default policy does to everything not explicitly allowed. */
export function unnamedPort(rulesets: FirewallRuleset[]): number {
  const named = (p: number) => rulesets.some((rs) => rs.tables.some((t) => t.chains.some((c) => c.rules.some((r) => r.conditions.some((x) => (x.kind === 'dport' || x.kind === 'sport') && x.ranges.some((rg) => p >= rg.from && p <= rg.to))))));
  for (const p of [31337, 12345, 54321, 4444, 61000, 7, 1]) if (!named(p)) return p;
  return 31337;
}

export interface PortJudgement {
  /** Which verdicts make it a failure (e.g. "closed" for a port that must be open). */
  failWhen: (v: PortVerdict) => boolean;
  /** vsftpd options the verdict rests on (for the assumptions line). */
  options: readonly string[];
  data: Record<string, string | number | boolean>;
  keySuffix?: string;
}

/**
 * The shared shape of the per-port rules: the model's verdict for one port of one family,
 * turned into pass/fail located on the deciding rule, or not-evaluated when the verdict
 * rests on a construct the model cannot judge.
 */
export function judgePort(inv: Inventory, fw: FirewallModel, needs: ServerNeeds, family: IpFamily, port: number, j: PortJudgement): CheckOutcome {
  const v = fw.portVerdict(family, port);
  const key = `${needs.config.file}/${family}/${port}${j.keySuffix ?? ''}`;
  const file = fw.rulesetsFor(family)[0]?.file ?? needs.config.file;
  if (v.verdict === 'unknown') return notEvaluated(key, v, file);
  const fail = j.failWhen(v);
  return {
    status: fail ? 'fail' : 'pass',
    messageId: fail ? 'fail' : 'pass',
    key,
    location: locationOfRef(v.decidedBy, file),
    evidence: v.decidedBy?.text,
    assumptions: modelAssumptions(inv, needs.values.filter((e) => j.options.includes(e.option)), family),
    data: { ...j.data, port, family: familyName(family), verdict: describeVerdict(v), decidedBy: describeRef(v.decidedBy) },
  };
}

/** The IP families the scanned rulesets govern (IPv4 when none says). */
export function rulesetFamilies(inv: Inventory): IpFamily[] {
  const families = new Set<IpFamily>(modelsOf(inv, 'firewall').flatMap((r) => r.families));
  return families.size ? [...families] : ['ipv4'];
}
