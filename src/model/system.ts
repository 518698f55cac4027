/**
 * Models of the host's authentication policy files: what PAM, faillock, pwquality,
 * login.defs and fail2ban are configured to do. Each value keeps its line so that a
 * finding points at the line an administrator has to change.
 */

/** One `name value` setting as the owning program reads it. `value` null = flag key. */
export interface SystemSetting {
  /** Name as the program matches it (lower-cased where the program ignores case). */
  name: string;
  value: string | null;
  line: number;
  column: number;
  /** The raw line, for evidence. */
  text: string;
}

/** A line the owning program ignores or rejects, so the setting on it has no effect. */
export interface IgnoredLine {
  line: number;
  column: number;
  text: string;
  /** The setting the author evidently meant (e.g. PASS_MAX_DAYS for `PASS_MAX_DAYS=90`). */
  meant?: string;
  reason: string;
}

/** /etc/security/faillock.conf */
export interface FaillockFile {
  file: string;
  settings: SystemSetting[];
  ignored: IgnoredLine[];
}

/** /etc/security/pwquality.conf or a pwquality.conf.d drop-in. */
export interface PwqualityFile {
  file: string;
  /** Drop-ins are read first and the main file last, so the main file wins. */
  dropIn: boolean;
  settings: SystemSetting[];
  ignored: IgnoredLine[];
}

/** /etc/login.defs */
export interface LoginDefsFile {
  file: string;
  settings: SystemSetting[];
  ignored: IgnoredLine[];
}

/** One PAM rule line (`type control module args`) or an `@include`. */
export interface PamRule {
  /** auth | account | password | session (leading '-' stripped), or '@include'. */
  type: string;
  /** A word (required, include, ...) or a bracketed `[...]` control, verbatim. */
  control: string;
  /** Module path as written (pam_faillock.so, /lib/.../pam_unix.so); for includes the included service. */
  module: string;
  args: string[];
  line: number;
  text: string;
}

/** A file under pam.d/; `service` is its base name. */
export interface PamFile {
  file: string;
  service: string;
  rules: PamRule[];
}

export interface Fail2banEntry {
  key: string;
  /** Raw value (continuation lines joined with "\n", inline comments removed). */
  value: string;
  line: number;
  /** Line of each non-empty part of `value` (the key's line, then continuation lines). */
  lines: number[];
  text: string;
}

export interface Fail2banSection {
  name: string;
  line: number;
  entries: Record<string, Fail2banEntry>;
}

/** A fail2ban jail or filter file. */
export interface Fail2banFile {
  file: string;
  /** jail files are merged in fail2ban's order; filter.d files define failregex. */
  role: 'jail' | 'filter' | 'other';
  /**
   * Merge order among jail files (fail2ban reads jail.conf, jail.d/*.conf, jail.local,
   * jail.d/*.local; alphabetical within a directory). Higher wins.
   */
  layer: number;
  sections: Fail2banSection[];
}

declare module './inventory.js' {
  interface InventoryModels {
    faillock: FaillockFile[];
    pwquality: PwqualityFile[];
    'login-defs': LoginDefsFile[];
    pam: PamFile[];
    fail2ban: Fail2banFile[];
  }
}
