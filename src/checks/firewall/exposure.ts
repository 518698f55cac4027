import type { IpFamily } from '../../model/firewall.js';
import type { Inventory } from '../../model/inventory.js';
import { modelsOf } from '../../model/inventory.js';
import { allNeeds, describeRef, describeVerdict, familiesOf, firewallOf } from './context.js';

/**
 * The per-port evidence table an auditor asks for ("which FTP ports are reachable, from
 * where, and which rule says so"), for the report's inventory section. One row per family
 * and port of interest: 21, 990, 20, 989, vsftpd's listen_port, and the passive range as
 * runs of ports with the same verdict and deciding rule.
 */
export interface ExposureRow {
  family: IpFamily;
  /** "21" or "40000-40100". */
  ports: string;
  role: string;
  verdict: 'open' | 'restricted' | 'closed' | 'unknown';
  description: string;
  decidedBy: string;
  location?: { file: string; line?: number };
}

export function firewallExposure(inv: Inventory): ExposureRow[] {
  if (!modelsOf(inv, 'firewall').length) return [];
  const fw = firewallOf(inv);
  const rows: ExposureRow[] = [];
  const needsList = allNeeds(inv);
  const families = new Set<IpFamily>(needsList.length ? needsList.flatMap(familiesOf) : ['ipv4']);
  for (const family of families) {
    const roles = new Map<number, string>([[21, 'FTP control (explicit TLS)'], [990, 'FTPS control (implicit TLS)'], [20, 'ftp-data (active mode source port)'], [989, 'ftps-data']]);
    for (const n of needsList) roles.set(n.listenPort, `vsftpd listen_port (${n.config.file})`);
    for (const [port, role] of [...roles].sort((a, b) => a[0] - b[0])) {
      const v = fw.portVerdict(family, port);
      rows.push({ family, ports: String(port), role, verdict: v.verdict, description: describeVerdict(v), decidedBy: describeRef(v.unknownBecause ?? v.decidedBy), location: (v.unknownBecause ?? v.decidedBy)?.location as ExposureRow['location'] });
    }
    for (const n of needsList) {
      if (!n.passive) continue;
      const { min, max } = n.passive;
      for (const span of fw.portMap(family)) {
        if (span.to < min || span.from > max) continue;
        const v = span.verdict;
        const from = Math.max(span.from, min);
        const to = Math.min(span.to, max);
        rows.push({ family, ports: from === to ? `${from}` : `${from}-${to}`, role: `vsftpd passive range ${min}-${max} (${n.config.file})`, verdict: v.verdict, description: describeVerdict(v), decidedBy: describeRef(v.unknownBecause ?? v.decidedBy), location: (v.unknownBecause ?? v.decidedBy)?.location as ExposureRow['location'] });
      }
    }
  }
  return rows;
}
