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
    map.set(c.name, c);
  }
  return map;
}
