import type { CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { PamFile, PamRule, SystemSetting } from '../../model/system.js';

/** The setting that wins among files read in order (last occurrence of the last file). */
export function lastSetting(files: { settings: SystemSetting[] }[], name: string): { setting: SystemSetting; file: string } | undefined {
  let found: { setting: SystemSetting; file: string } | undefined;
  for (const f of files as { settings: SystemSetting[]; file: string }[]) {
    for (const s of f.settings) if (s.name === name) found = { setting: s, file: f.file };
  }
  return found;
}

export function intOf(s: SystemSetting | undefined): number | undefined {
  if (!s || s.value === null || !/^[+-]?\d+$/.test(s.value)) return undefined;
  return parseInt(s.value, 10);
}

export function notEvaluated(key: string, reason: string, file?: string): CheckOutcome {
  return { status: 'not-evaluated', messageId: 'notEvaluated', key, data: { reason }, ...(file ? { location: { file } } : {}) };
}

/** Base name of a PAM module path: /lib/x86_64-linux-gnu/security/pam_unix.so -> pam_unix. */
export function moduleName(rule: PamRule): string {
  return (rule.module.split('/').pop() ?? rule.module).replace(/\.so$/, '');
}

/** The service vsftpd asks PAM for: pam_service_name of the scanned vsftpd.conf, else Debian's "vsftpd". */
export function vsftpdPamService(inv: Inventory): { service: string; source: string } {
  const conf = modelsOf(inv, 'vsftpd')[0];
  const v = conf?.effective('pam_service_name');
  if (conf && v && typeof v.value === 'string') {
    return { service: v.value, source: v.source === 'explicit' ? `pam_service_name in ${conf.file}` : `${v.flavor} default of pam_service_name` };
  }
  return { service: 'vsftpd', source: 'no vsftpd.conf scanned; Debian ships pam_service_name=vsftpd' };
}

export interface StackRule { rule: PamRule; file: string }

/**
 * The rules of one PAM service with `@include`, `include` and `substack` expanded from the
 * other scanned pam.d files (bounded depth, no cycles). Missing included files are reported
 * so a verdict can say what it could not see.
 */
export function pamStack(files: PamFile[], service: string): { rules: StackRule[]; missing: string[] } | undefined {
  const byService = new Map(files.map((f) => [f.service, f]));
  const root = byService.get(service);
  if (!root) return undefined;
  const rules: StackRule[] = [];
  const missing: string[] = [];
  const visit = (f: PamFile, depth: number, onlyType: string | undefined, seen: Set<string>): void => {
    for (const r of f.rules) {
      const include = r.type === '@include' ? r.module : ['include', 'substack'].includes(r.control) ? r.module : undefined;
      const type = r.type === '@include' ? onlyType : r.type;
      if (include !== undefined) {
        if (onlyType && type && type !== onlyType) continue;
        const target = byService.get(include.split('/').pop()!);
        if (!target) { missing.push(include); continue; }
        if (depth < 8 && !seen.has(target.service)) visit(target, depth + 1, type, new Set([...seen, target.service]));
        continue;
      }
      if (onlyType && r.type !== onlyType) continue;
      rules.push({ rule: r, file: f.file });
    }
  };
  visit(root, 0, undefined, new Set([root.service]));
  return { rules, missing: [...new Set(missing)] };
}
