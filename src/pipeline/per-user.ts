import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ScanSettings } from '../model/inventory.js';
import type { VsftpdConfig } from '../model/vsftpd.js';
import { parseVsftpdConf } from '../parsers/vsftpd/index.js';

/**
 * Files in a main config's user_config_dir are not configs of their own: vsftpd reads the
 * one named after the user at login, on top of the main file, and skips every line it
 * cannot use (errs_fatal=0). Judged as main configs they would fail every rule whose option
 * they do not set (ssl_enable unset → "TLS disabled"). They are taken out of the main list,
 * re-read as per-user files, and what vsftpd would skip in them is reported as diagnostics.
 */
export function separatePerUserFiles(
  configs: VsftpdConfig[],
  artifacts: Artifact[],
  settings: ScanSettings,
  maxFileBytes: number,
  /** Only a config of the same host can own a per-user file (cross-file pairing stays within a host). */
  sameHost: (a: VsftpdConfig, b: VsftpdConfig) => boolean = () => true,
): { main: VsftpdConfig[]; diagnostics: Diagnostic[] } {
  const byPath = new Map(artifacts.map((a) => [a.path, a]));
  const dirs: { dir: string; owner: VsftpdConfig }[] = [];
  for (const c of configs) {
    const dir = c.effective('user_config_dir')?.value;
    const own = byPath.get(c.file);
    if (typeof dir !== 'string' || !dir || !own) continue;
    const candidates = new Set<string>();
    if (settings.rootDir && path.isAbsolute(dir)) candidates.add(path.join(settings.rootDir, dir));
    // A checkout of one host's /etc: /etc/vsftpd/users sits beside the config's etc/.
    const etcAt = own.absPath.split(path.sep).indexOf('etc');
    if (path.isAbsolute(dir) && etcAt > 0) candidates.add(path.join(own.absPath.split(path.sep).slice(0, etcAt).join(path.sep) || path.sep, dir));
    if (!path.isAbsolute(dir)) candidates.add(path.resolve(path.dirname(own.absPath), dir));
    for (const d of candidates) dirs.push({ dir: d.endsWith(path.sep) ? d : d + path.sep, owner: c });
  }
  if (dirs.length === 0) return { main: configs, diagnostics: [] };
  const main: VsftpdConfig[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const c of configs) {
    const art = byPath.get(c.file);
    const hit = art && dirs.find((d) => art.absPath.startsWith(d.dir) && d.owner !== c && sameHost(d.owner, c));
    if (!art || !hit) {
      main.push(c);
      continue;
    }
    const user = path.basename(art.absPath);
    diagnostics.push({
      level: 'info',
      code: 'vsftpd/per-user-file',
      message: `per-user settings for "${user}" (user_config_dir of ${hit.owner.file}): applied on top of that file at ${user}'s login, so not judged as a config of its own`,
      location: { file: c.file },
    });
    let perUser: VsftpdConfig;
    try {
      const bytes = readFileSync(art.absPath);
      perUser = parseVsftpdConf(bytes.length > maxFileBytes ? bytes.subarray(0, maxFileBytes) : bytes, c.file, c.flavor, 'per-user');
    } catch {
      continue; // read at collection time; vanished since: nothing more to say
    }
    for (const issue of perUser.issues) {
      diagnostics.push({ level: 'warning', code: `vsftpd/per-user-${issue.code}`, message: issue.message, location: issue.location });
    }
  }
  return { main, diagnostics };
}
