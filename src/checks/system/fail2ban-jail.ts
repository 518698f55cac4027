import type { Fail2banEntry, Fail2banFile } from '../../model/system.js';

/**
 * Values fail2ban would get from files that are not jail files and so are not classified
 * (paths-common.conf / paths-debian.conf on Debian 12, and jail.conf's [DEFAULT]). Used only
 * when the scanned files do not define the name; every such use becomes an assumption.
 */
export const DEBIAN_FALLBACKS: Record<string, string> = {
  vsftpd_log: '/var/log/vsftpd.log',
  syslog_authpriv: '/var/log/auth.log',
  bantime: '10m',
  enabled: 'false',
};

export interface ResolvedValue {
  value: string;
  /** The entry that set the key (absent when it came from a fallback). */
  entry?: Fail2banEntry;
  file?: string;
  fallbacks: string[];
}

/**
 * One jail as fail2ban sees it after reading jail.conf, jail.d/*.conf, jail.local and
 * jail.d/*.local into one ConfigParser: a key comes from the jail's section in the last file
 * that sets it, else from the last [DEFAULT] that does; `%(name)s` is then interpolated the
 * same way (`%(__name__)s` is the jail name).
 */
export class JailView {
  private readonly ordered: Fail2banFile[];

  constructor(files: Fail2banFile[], readonly name: string) {
    this.ordered = files.filter((f) => f.role === 'jail').sort((a, b) => a.layer - b.layer || a.file.localeCompare(b.file));
  }

  /** Is the jail's section in any scanned jail file? */
  defined(): { file: string; line: number } | undefined {
    for (const f of this.ordered) for (const s of f.sections) if (s.name === this.name) return { file: f.file, line: s.line };
    return undefined;
  }

  private raw(key: string): { entry: Fail2banEntry; file: string } | undefined {
    let own: { entry: Fail2banEntry; file: string } | undefined;
    let dflt: { entry: Fail2banEntry; file: string } | undefined;
    for (const f of this.ordered) {
      for (const s of f.sections) {
        const e = s.entries[key];
        if (!e) continue;
        if (s.name === this.name) own = { entry: e, file: f.file };
        else if (s.name === 'DEFAULT') dflt = { entry: e, file: f.file };
      }
    }
    return own ?? dflt;
  }

  get(key: string): ResolvedValue | undefined {
    const found = this.raw(key);
    const fallbacks: string[] = [];
    let value: string;
    if (found) value = found.entry.value;
    else if (key in DEBIAN_FALLBACKS) { value = DEBIAN_FALLBACKS[key]!; fallbacks.push(`${key} = ${value} (Debian 12 default; not in the scanned files)`); }
    else return undefined;
    value = this.interpolate(value, fallbacks, 0);
    return { value, ...(found ? { entry: found.entry, file: found.file } : {}), fallbacks };
  }

  private interpolate(value: string, fallbacks: string[], depth: number): string {
    if (depth > 10) return value;
    return value.replace(/%\(([^)]+)\)s/g, (whole, name: string) => {
      if (name === '__name__') return this.name;
      const found = this.raw(name.toLowerCase());
      if (found) return this.interpolate(found.entry.value, fallbacks, depth + 1);
      const fb = DEBIAN_FALLBACKS[name];
      if (fb !== undefined) { fallbacks.push(`${name} = ${fb} (Debian 12 paths-*.conf; not in the scanned files)`); return fb; }
      return whole;
    });
  }
}

/** ConfigParser booleans as fail2ban reads `enabled`. */
export function f2bBoolean(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(s)) return true;
  if (['0', 'no', 'false', 'off'].includes(s)) return false;
  return undefined;
}

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(y|years?)$/, 365 * 86400], [/^(mo|months?)$/, 30 * 86400], [/^(w|weeks?)$/, 7 * 86400],
  [/^(d|days?)$/, 86400], [/^(h|hours?)$/, 3600], [/^(m|mins?|minutes?)$/, 60], [/^(s|secs?|seconds?)?$/, 1],
];

/** fail2ban time abbreviations ("10m", "1h 30m", "600", "-1" = permanent). Undefined if unparsable. */
export function f2bSeconds(v: string): number | undefined {
  const s = v.trim().toLowerCase();
  if (/^-\d+$/.test(s)) return parseInt(s, 10);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('').replace(/\s/g, '') !== s.replace(/\s/g, '')) return undefined;
  let total = 0;
  for (const [, n, unit] of parts) {
    const mult = UNIT_SECONDS.find(([re]) => re.test(unit!))?.[1];
    if (mult === undefined) return undefined;
    total += parseFloat(n!) * mult;
  }
  return total;
}
