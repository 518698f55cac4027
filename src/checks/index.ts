import type { Check } from '../engine/types.js';
import { checks as vsftpd } from './vsftpd/index.js';
import { checks as x509 } from './x509/index.js';
import { checks as firewall } from './firewall/index.js';
import { checks as probe } from './probe/index.js';
import { checks as system } from './system/index.js';

/** Every check by name. A rule names its check; the loader refuses unknown names. */
export function allChecks(): Map<string, Check> {
  const map = new Map<string, Check>();
  for (const c of [...vsftpd, ...x509, ...firewall, ...probe, ...system]) {
    if (map.has(c.name)) throw new Error(`duplicate check name ${c.name}`);
    map.set(c.name, sameShape(c));
  }
  return map;
}

/**
 * A check in the one shape every check gets (the same properties in the same order): the
 * engine calls appliesTo and run of each in one loop, and checks written as literals of some
 * fifty shapes made V8 drop that loop's optimised code each time a new shape came
 * (--trace-deopt: evaluateRuns, 'wrong map'). Checks use no `this`.
 */
function sameShape(c: Check): Check {
  return { name: c.name, target: c.target, description: c.description, paramsSchema: c.paramsSchema, messageIds: c.messageIds, appliesTo: c.appliesTo, run: c.run };
}
