import type { FirewallTable, FirewallUnsupported } from '../../model/firewall.js';

/** Every rule condition or target the model cannot judge, located, for the report. */
export function collectUnsupported(tables: FirewallTable[]): FirewallUnsupported[] {
  const out: FirewallUnsupported[] = [];
  for (const t of tables) {
    for (const c of t.chains) {
      for (const r of c.rules) {
        for (const cond of r.conditions) {
          if (cond.kind === 'unknown') out.push({ message: `match not modelled: ${cond.text}`, text: r.text, location: r.location });
        }
        if (r.target.kind === 'unknown') out.push({ message: `target not modelled: ${r.target.text}`, text: r.text, location: r.location });
      }
    }
  }
  return out;
}
