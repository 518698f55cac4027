/**
 * `template --from vsftpd.conf`: read an existing config the way the daemon would (the real
 * parser), keep what belongs to the site (paths, ports, banner, user lists, limits that are
 * already stricter), drop or fix what is wrong, and say for every line what happened and why.
 */
import { isIP } from 'node:net';
import type { VsftpdConfig, VsftpdFlavor } from '../model/vsftpd.js';
import { parseVsftpdConf, optionSpec } from '../parsers/vsftpd/index.js';
import { parseBool, parseUint } from '../parsers/vsftpd/grammar.js';
import type { HardenedSetting, SettingSection } from './vsftpd-settings.js';
import type { TlsMode } from './types.js';
import { formatUmask } from './pack-params.js';

export type DiffKind = 'changed' | 'added' | 'removed' | 'kept' | 'fixed' | 'warning';

export interface DiffEntry {
  kind: DiffKind;
  option: string;
  from?: string;
  to?: string;
  /** Line in the --from file. */
  line?: number;
  why: string;
  cite?: string;
}

/** One option as the site wrote it, after recovering names the daemon would not accept. */
interface SiteSetting {
  name: string;
  raw: string;
  line: number;
  /** The line had to be repaired to be read at all (spaces around '=', inline comment...). */
  repaired?: string;
}

export interface SiteConfig {
  file: string;
  flavor: VsftpdFlavor;
  parsed: VsftpdConfig;
  /** Last occurrence of every option the flavor knows, repaired where possible. */
  settings: Map<string, SiteSetting>;
  /** Notes about lines that could not be kept at all. */
  notes: DiffEntry[];
}

/** Options that only matter for anonymous or guest access, which the hardened set turns off. */
const ANON_ONLY = /^(anon_|no_anon_password$|secure_email_list_enable$|email_password_file$|deny_email_enable$|banned_email_file$|ftp_username$|guest_username$|virtual_use_local_privs$|anon_root$|chown_uploads$|chown_username$|chown_upload_mode$)/;

/** Non-catalogue options that are dropped, with the reason. */
const DROPPED: Record<string, string> = {
  chroot_list_file: 'chroot_list_enable=NO: every local user is jailed, the exception list is not read',
  require_cert: 'client certificates are not part of the hardened set; re-add require_cert=YES only together with validate_cert=YES and ca_certs_file',
  validate_cert: 'client certificates are not part of the hardened set (see require_cert)',
  ca_certs_file: 'client certificates are not part of the hardened set (see require_cert)',
  dsa_cert_file: 'DSA certificates are not used (rsa_cert_file carries RSA or ECDSA)',
  dsa_private_key_file: 'DSA certificates are not used (rsa_cert_file carries RSA or ECDSA)',
  one_process_model: "refused with local_enable=YES ('one_process_model' is anonymous only)",
  listen_address6: 'listen_ipv6=NO: the IPv6 address is not used',
  implicit_ssl: 'set by --mode (implicit_ssl=YES only in the implicit config)',
};

/** Site values that are kept but deserve a warning. */
const WARN: Record<string, string> = {
  user_config_dir: 'per-user files can override any hardened setting and vsftpd ignores errors in them: review each file',
};

function recover(name: string, raw: string | undefined, flavor: VsftpdFlavor): { name: string; raw: string; repaired?: string } | undefined {
  const value = raw ?? '';
  if (optionSpec(flavor, name)) return { name, raw: value };
  const trimmed = name.trim();
  if (trimmed !== name && optionSpec(flavor, trimmed)) {
    return { name: trimmed, raw: value.trim(), repaired: 'spaces around "=" (vsftpd reads the name with the space and refuses to start)' };
  }
  return undefined;
}

/** Parse the --from file with the real parser and collect what the site set. */
export function readSiteConfig(text: string | Buffer, file: string, flavor: VsftpdFlavor): SiteConfig {
  const parsed = parseVsftpdConf(text, file, flavor);
  const settings = new Map<string, SiteSetting>();
  const notes: DiffEntry[] = [];
  for (const d of parsed.directives) {
    const r = recover(d.name, d.rawValue, flavor);
    if (!r) {
      const name = d.name.trim();
      const other = name.startsWith('#') ? 'an indented comment (vsftpd reads it as a setting and refuses to start)' : `unknown to the ${flavor} build: vsftpd refuses to start`;
      notes.push({ kind: 'removed', option: name, from: d.text, line: d.location.line, why: other });
      continue;
    }
    settings.set(r.name, { name: r.name, raw: r.raw.replace(/\r$/, ''), line: d.location.line ?? 0, ...(r.repaired ? { repaired: r.repaired } : {}) });
  }
  return { file, flavor, parsed, settings, notes };
}

/** The value the site meant, normalised to what the daemon reads (or undefined if unreadable). */
export function siteValue(site: SiteConfig, name: string): string | undefined {
  const s = site.settings.get(name);
  if (!s) return undefined;
  const spec = optionSpec(site.flavor, name);
  if (!spec) return undefined;
  if (spec.type === 'string') {
    // Debian and RHEL trim string values; writing them trimmed means the same on every build.
    const v = s.raw.trim();
    return v === '' ? undefined : v;
  }
  if (spec.type === 'bool') {
    const exact = parseBool(s.raw);
    if (exact !== undefined) return exact ? 'YES' : 'NO';
    // "YES # comment", "NO " and the like: the daemon refuses them; keep the intent.
    const first = parseBool(s.raw.trim().split(/\s+/)[0] ?? '');
    if (first === undefined) return undefined;
    s.repaired ??= `"${s.raw}" is not a boolean to vsftpd (inline comment or blanks): it refuses to start`;
    return first ? 'YES' : 'NO';
  }
  const u = parseUint(s.raw);
  if (u.rest.trim() !== '' || u.noDigits) s.repaired ??= `"${s.raw}" is read as ${u.value} (vsftpd ignores the rest)`;
  // Modes and umasks are shown the way they are meant: octal with a leading 0.
  if (/(_umask|_mode)$/.test(name)) return formatUmask(u.value);
  return String(u.value);
}

export interface SiteOverrides {
  /** Values for settings marked `site` in the catalogue (paths, ports, banner...). */
  site: Record<string, string>;
  /** Stricter limits the site already had. */
  stricter: Record<string, string>;
  mode?: TlsMode;
  pamServiceName?: string;
  notes: DiffEntry[];
}

/** Numeric settings where a site value is kept if it is stricter than the generated one. */
export const STRICTER: Record<string, 'lower' | 'higher' | 'bits'> = {
  idle_session_timeout: 'lower',
  data_connection_timeout: 'lower',
  max_clients: 'lower',
  max_per_ip: 'lower',
  max_login_fails: 'lower',
  delay_failed_login: 'higher',
  local_umask: 'bits',
};

export function isStricter(kind: 'lower' | 'higher' | 'bits', site: number, ours: number): boolean {
  if (kind === 'lower') return site > 0 && site < ours; // 0 means unlimited for these options
  if (kind === 'higher') return site > ours;
  return (site & ours) === ours && site !== ours && site <= 0o777;
}

/** Decide which site values the hardened config keeps. `flags` = values given on the command line (they win). */
export function siteOverrides(site: SiteConfig, explicitFlags: Set<string>): SiteOverrides {
  const out: SiteOverrides = { site: {}, stricter: {}, notes: [] };
  const v = (n: string): string | undefined => siteValue(site, n);
  const note = (e: DiffEntry): void => void out.notes.push(e);
  const line = (n: string): number | undefined => site.settings.get(n)?.line;

  if (!explicitFlags.has('listen-port') && v('listen_port')) out.site.listen_port = v('listen_port')!;
  if (!explicitFlags.has('pasv-range')) {
    const min = Number(v('pasv_min_port') ?? NaN);
    const max = Number(v('pasv_max_port') ?? NaN);
    if (min > 1024 && max < 65535 && max >= min) {
      out.site.pasv_min_port = String(min);
      out.site.pasv_max_port = String(max);
    } else if (site.settings.has('pasv_min_port') || site.settings.has('pasv_max_port')) {
      note({ kind: 'changed', option: 'pasv_min_port/pasv_max_port', from: `${v('pasv_min_port') ?? 'unset'}-${v('pasv_max_port') ?? 'unset'}`, line: line('pasv_min_port'), why: 'vsftpd ignores pasv_min_port <= 1024 and pasv_max_port >= 65535 or below the minimum: replaced by the --pasv-range default; pass --pasv-range to choose' });
    }
  }
  if (!explicitFlags.has('pasv-address') && v('pasv_address')) {
    if (isIP(v('pasv_address')!) === 4) out.site.pasv_address = v('pasv_address')!;
    else note({ kind: 'removed', option: 'pasv_address', from: v('pasv_address'), line: line('pasv_address'), why: 'not an IPv4 literal: vsftpd does not resolve names there (pass --pasv-address)' });
  }
  if (!explicitFlags.has('cert')) {
    if (v('rsa_cert_file')) out.site.rsa_cert_file = v('rsa_cert_file')!;
    // Without a separate key file vsftpd reads the key from the certificate file.
    if (v('rsa_private_key_file')) out.site.rsa_private_key_file = v('rsa_private_key_file')!;
    else if (v('rsa_cert_file')) out.site.rsa_private_key_file = v('rsa_cert_file')!;
  }
  for (const n of ['vsftpd_log_file', 'xferlog_file']) if (v(n)) out.site[n] = v(n)!;
  const banner = v('ftpd_banner');
  if (banner) {
    if (/vsftpd|\d+\.\d+\.\d+/i.test(banner)) note({ kind: 'changed', option: 'ftpd_banner', from: banner, line: line('ftpd_banner'), why: 'the banner names the product or a version' });
    else out.site.ftpd_banner = banner;
  }
  const pam = v('pam_service_name');
  if (pam && /^[A-Za-z0-9_.-]+$/.test(pam)) {
    out.site.pam_service_name = pam;
    out.pamServiceName = pam;
  }
  // An allow-list is reused; a deny-list file must not become the allow-list.
  const ulFile = v('userlist_file');
  if (ulFile) {
    if (v('userlist_enable') === 'YES' && v('userlist_deny') === 'NO') out.site.userlist_file = ulFile;
    else note({ kind: 'warning', option: 'userlist_file', from: ulFile, line: line('userlist_file'), why: `${ulFile} was ${v('userlist_enable') === 'YES' ? 'a DENY list (userlist_deny=YES)' : 'not used (userlist_enable=NO)'}; it is not reused as the allow-list: list the FTP accounts in the new userlist_file` });
  }
  if (!explicitFlags.has('mode')) {
    out.mode = v('implicit_ssl') === 'YES' && v('ssl_enable') === 'YES' ? 'implicit' : 'explicit';
  }
  for (const [n, kind] of Object.entries(STRICTER)) {
    const sv = v(n);
    if (sv !== undefined) out.stricter[n] = JSON.stringify({ value: Number(sv), kind });
  }
  return out;
}

/** Apply stricter site limits to generated sections (in place), and report them. */
export function applyStricter(sections: SettingSection[], stricter: Record<string, string>, notes: DiffEntry[], site: SiteConfig): void {
  for (const sec of sections) {
    for (const s of sec.settings) {
      const raw = stricter[s.name];
      if (!raw) continue;
      const { value, kind } = JSON.parse(raw) as { value: number; kind: 'lower' | 'higher' | 'bits' };
      const ours = s.name === 'local_umask' ? parseInt(s.value, 8) : Number(s.value);
      if (isStricter(kind, value, ours)) {
        const text = s.name === 'local_umask' ? formatUmask(value) : String(value);
        notes.push({ kind: 'kept', option: s.name, to: text, line: site.settings.get(s.name)?.line, why: `site value is stricter than the generated ${s.value}` });
        s.value = text;
      }
    }
  }
}

/** Site settings that are not part of the hardened catalogue and are kept, as a section. */
export function keptSection(site: SiteConfig, catalogue: Set<string>, notes: DiffEntry[]): SettingSection {
  const settings: HardenedSetting[] = [];
  for (const [name, s] of site.settings) {
    if (catalogue.has(name)) continue;
    const why = DROPPED[name] ?? (ANON_ONLY.test(name) ? 'anonymous and guest access are off: the option has no effect' : undefined);
    if (why) {
      notes.push({ kind: 'removed', option: name, from: s.raw, line: s.line, why });
      continue;
    }
    let value = siteValue(site, name);
    if (value === undefined) {
      notes.push({ kind: 'removed', option: name, from: s.raw, line: s.line, why: 'value vsftpd cannot read' });
      continue;
    }
    if (name === 'cmds_allowed' || name === 'cmds_denied') {
      // vsftpd compares against the upper-cased command: lower-case entries never match.
      const up = value.split(',').map((c) => c.trim().toUpperCase()).join(',');
      if (up !== value) notes.push({ kind: 'fixed', option: name, from: value, to: up, line: s.line, why: 'vsftpd compares commands in upper case: lower-case entries never match' });
      value = up;
    }
    const spec = optionSpec(site.flavor, name);
    if (s.repaired) notes.push({ kind: 'fixed', option: name, from: s.raw, to: value, line: s.line, why: s.repaired });
    if (WARN[name]) notes.push({ kind: 'warning', option: name, from: value, line: s.line, why: WARN[name]! });
    settings.push({ name, value, why: `kept from ${site.file}:${s.line}`, ref: 'site value (ftps-audit template --from)' });
  }
  return { title: `Site settings kept from ${site.file}`, settings };
}

/**
 * What changed between the site config and the generated one, per hardened setting:
 * changed (site value differs), added (site relied on the build default), kept (site value used).
 */
export function diffHardened(site: SiteConfig, sections: SettingSection[], siteUsed: Record<string, string>, cite: (s: HardenedSetting) => string | undefined): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const sec of sections) {
    for (const s of sec.settings) {
      const sv = siteValue(site, s.name);
      const ln = site.settings.get(s.name)?.line;
      if (sv !== undefined) {
        const repaired = site.settings.get(s.name)?.repaired;
        if (sv === s.value) {
          if (repaired) out.push({ kind: 'fixed', option: s.name, from: site.settings.get(s.name)!.raw, to: s.value, line: ln, why: repaired });
          continue;
        }
        if (siteUsed[s.name] === s.value) continue;
        out.push({ kind: 'changed', option: s.name, from: sv, to: s.value, line: ln, why: s.why, cite: cite(s) });
      } else {
        const def = site.parsed.effective(s.name);
        const defText = def?.value === null || def?.value === undefined ? 'unset' : typeof def.value === 'boolean' ? (def.value ? 'YES' : 'NO') : String(def.value);
        if (defText === s.value) continue; // same as the build default: written explicitly, not a change
        out.push({ kind: 'added', option: s.name, from: `${site.flavor} default ${defText}`, to: s.value, why: s.why, cite: cite(s) });
      }
    }
  }
  return out;
}

const LABEL: Record<DiffKind, string> = { changed: '~', added: '+', removed: '-', kept: '=', fixed: '!', warning: '?' };
const TITLE: Record<DiffKind, string> = {
  changed: 'Changed',
  added: 'Added (the site relied on a compiled-in default)',
  removed: 'Removed',
  fixed: 'Fixed (the daemon would have misread or refused the line)',
  kept: 'Kept from the site (stricter or site-specific)',
  warning: 'Review',
};

/** A readable report of the changes, grouped by kind, each with its reason and citation. */
export function formatDiff(entries: DiffEntry[], file: string, target: string): string {
  const lines = [`--- ${file}`, `+++ ${target}`];
  for (const kind of ['changed', 'added', 'removed', 'fixed', 'kept', 'warning'] as DiffKind[]) {
    const group = entries.filter((e) => e.kind === kind);
    if (!group.length) continue;
    lines.push('', `${TITLE[kind]}:`);
    for (const e of group) {
      const where = e.line ? ` (line ${e.line})` : '';
      const change = e.from !== undefined && e.to !== undefined ? `${e.from} -> ${e.to}` : e.to !== undefined ? e.to : e.from ?? '';
      lines.push(`${LABEL[kind]} ${e.option}${change ? `: ${change}` : ''}${where}`);
      lines.push(`    why: ${e.why}`);
      if (e.cite) lines.push(`    cites: ${e.cite}`);
    }
  }
  const counts = (['changed', 'added', 'removed', 'fixed', 'kept', 'warning'] as DiffKind[]).map((k) => `${entries.filter((e) => e.kind === k).length} ${k}`);
  lines.push('', `Summary: ${counts.join(', ')}`);
  return lines.join('\n') + '\n';
}
