import type { Inventory } from '../model/inventory.js';
import type { Result } from '../model/result.js';
import { hostKeyOf, hostOf } from '../discover/host-key.js';

export { hostKeyOf, hostOf };

const fileOf = (model: unknown): string | undefined => {
  const f = (model as { file?: unknown }).file;
  return typeof f === 'string' ? f : undefined;
};

/**
 * One inventory per host. With a single host (the usual case) the inventory is returned
 * unchanged. With several, file models go to their host, and models without a file (live
 * probe observations) form a group of their own: which of several hosts a probed endpoint
 * runs is not known, so none of them is compared with it.
 */
export function splitByHost(inv: Inventory, loneGroupFiles = Infinity, knownHosts?: ReadonlyMap<string, string>): Inventory[] {
  // Models name their file by its report path; the host comes from the path under the root
  // (knownHosts: already worked out, by report path, for at least every artifact).
  const hostByPath = knownHosts ?? new Map(inv.artifacts.map((a) => [a.path, hostKeyOf(a.absPath, inv.settings.roots)]));
  const hostOfFile = (f: string): string => hostByPath.get(f) ?? hostOf(f);
  const hosts = new Set<string>();
  for (const list of Object.values(inv.models as Record<string, unknown[]>)) {
    for (const m of list) {
      const f = fileOf(m);
      if (f !== undefined) hosts.add(hostOfFile(f));
    }
  }
  if (hosts.size <= 1) return [inv];
  // Bucket artifacts once: filtering all artifacts per new host was quadratic.
  const artifactsByHost = new Map<string, Inventory['artifacts']>();
  for (const a of inv.artifacts) {
    const h = hostByPath.get(a.path) ?? '';
    let list = artifactsByHost.get(h);
    if (!list) artifactsByHost.set(h, (list = []));
    list.push(a);
  }
  const groups = new Map<string, Inventory>();
  const group = (key: string): Inventory => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...inv, artifacts: artifactsByHost.get(key) ?? [], models: {} }));
    return g;
  };
  // Hosts in the order their first file was found, whatever kinds they hold: a scan judged
  // in batches of whole hosts (src/pipeline/text-stream.ts) then meets them in the same order.
  for (const h of artifactsByHost.keys()) if (hosts.has(h)) group(h);
  for (const [kind, list] of Object.entries(inv.models as Record<string, unknown[]>)) {
    for (const m of list) {
      const f = fileOf(m);
      const models = group(f === undefined ? '\0endpoints' : hostOfFile(f)).models as Record<string, unknown[]>;
      (models[kind] ??= []).push(m);
    }
  }
  // Hosts with nothing but vsftpd configs have nothing to cross-pair (vsftpd rules judge
  // each file alone): judge them together, so a tree of thousands of hosts does not run
  // every rule once per host; in groups of about loneGroupFiles configs (whole hosts), so a
  // caller can bound how much is alive at a time (the streamed text scan: one batch).
  const alone: Inventory[] = [];
  const lones: Inventory[] = [];
  let lone: { artifacts: Inventory['artifacts']; vsftpd: NonNullable<Inventory['models']['vsftpd']> } | undefined;
  for (const g of groups.values()) {
    const kinds = Object.keys(g.models);
    if (kinds.length === 1 && kinds[0] === 'vsftpd') {
      if (!lone || lone.vsftpd.length >= loneGroupFiles) {
        lone = { artifacts: [], vsftpd: [] };
        lones.push({ ...inv, artifacts: lone.artifacts, models: { vsftpd: lone.vsftpd } });
      }
      lone.artifacts.push(...g.artifacts);
      lone.vsftpd.push(...(g.models.vsftpd ?? []));
    } else alone.push(g);
  }
  return [...lones, ...alone];
}

/**
 * Results of several host groups as one list. A group with nothing for a rule to judge
 * yields the engine's generic not-applicable result (no location); it is dropped when the
 * rule judged something in another group, and kept once when it judged nothing anywhere.
 * Located results, not-applicable ones included, are all kept, as in a single-host scan.
 */
/** The engine's generic not-applicable result: a group had nothing for the rule (no location). */
export function isGenericNotApplicable(r: Pick<Result, 'status' | 'location'>): boolean {
  return r.status === 'not-applicable' && !r.location;
}

export function mergeHostResults(perGroup: Result[][]): Result[] {
  if (perGroup.length === 1) return perGroup[0];
  const all = perGroup.flat();
  const generic = isGenericNotApplicable;
  const judgedSomewhere = new Set(all.filter((r) => !generic(r)).map((r) => r.ruleId));
  const kept = new Set<string>();
  return all.filter((r) => {
    if (!generic(r)) return true;
    if (judgedSomewhere.has(r.ruleId)) return false;
    const key = `${r.ruleId}\0${r.fingerprint}`;
    if (kept.has(key)) return false;
    kept.add(key);
    return true;
  });
}

