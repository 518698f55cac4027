/**
 * Library side of `ftps-audit template`: flags in, files (and the --from diff) out, and
 * writing them to --out-dir without overwriting. The oclif command only parses flags.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { VsftpdFlavor } from '../model/vsftpd.js';
import { readCertKeyType } from './cert-info.js';
import { citeLine } from './citations.js';
import { applyStricter, diffHardened, formatDiff, keptSection, readSiteConfig, siteOverrides, type DiffEntry } from './from-config.js';
import { defaultOptions, generateSet, vsftpdSections } from './index.js';
import { userlistPath } from './layout.js';
import { resolveParams } from './pack-params.js';
import { BUILTIN_PACKS, TEMPLATE_KINDS, TLS_MODES, type GeneratedFile, type GenerateOptions, type PackId, type TemplateKind, type TlsMode } from './types.js';
import { parseCidr, parseIpLiteral, parsePort, parsePortRange, TemplateUsageError } from './validate.js';
import { instancesFor } from './vsftpd-settings.js';

export interface TemplateFlags {
  kind: string;
  pack?: string[];
  flavor?: string;
  mode?: string;
  pasvRange?: string;
  pasvAddress?: string;
  cert?: string;
  key?: string;
  allowFrom?: string[];
  listenPort?: number;
  ftpUser?: string[];
  from?: string;
}

export interface TemplateOutput {
  files: GeneratedFile[];
  /** The --from diff (readable text), when --from was given. */
  diff?: string;
  diffEntries?: DiffEntry[];
  /** Things the operator must know (empty allow-list, unreadable certificate...). */
  warnings: string[];
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new TemplateUsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export function buildTemplate(flags: TemplateFlags): TemplateOutput {
  const warnings: string[] = [];
  const kinds: TemplateKind[] | 'all' = flags.kind === 'all' ? 'all' : [oneOf(flags.kind, TEMPLATE_KINDS, 'kind')!];
  const packs = (flags.pack?.length ? flags.pack : [...BUILTIN_PACKS]).map((p) => oneOf(p, BUILTIN_PACKS, '--pack')!) as PackId[];
  const flavor = oneOf<VsftpdFlavor>(flags.flavor, ['upstream', 'debian', 'rhel'], '--vsftpd-flavor') ?? 'debian';
  const explicit = new Set<string>();
  if (flags.mode) explicit.add('mode');
  if (flags.pasvRange) explicit.add('pasv-range');
  if (flags.pasvAddress) explicit.add('pasv-address');
  if (flags.cert) explicit.add('cert');
  if (flags.listenPort !== undefined) explicit.add('listen-port');
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new TemplateUsageError('--cert and --key go together');

  const partial: Partial<GenerateOptions> = { packs: [...new Set(packs)], flavor };
  partial.mode = oneOf<TlsMode>(flags.mode, TLS_MODES, '--mode') ?? 'explicit';
  if (flags.pasvRange) partial.pasvRange = parsePortRange(flags.pasvRange);
  if (flags.pasvAddress) partial.pasvAddress = parseIpLiteral(flags.pasvAddress, '--pasv-address');
  if (flags.cert) partial.certFile = path.resolve(flags.cert);
  if (flags.key) partial.keyFile = path.resolve(flags.key);
  if (flags.listenPort !== undefined) partial.listenPort = parsePort(flags.listenPort, '--listen-port');
  partial.allowFrom = (flags.allowFrom ?? []).map((c) => parseCidr(c).text);
  partial.ftpUsers = flags.ftpUser ?? [];

  // --from: site values first, so that the key type can be read from the site's certificate.
  let site: ReturnType<typeof readSiteConfig> | undefined;
  let over: ReturnType<typeof siteOverrides> | undefined;
  if (flags.from) {
    let text: Buffer;
    try {
      text = readFileSync(flags.from);
    } catch (e) {
      throw new TemplateUsageError(`--from: cannot read ${flags.from} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    site = readSiteConfig(text, flags.from, flavor);
    over = siteOverrides(site, explicit);
    if (over.mode) partial.mode = over.mode;
    if (over.pamServiceName) partial.pamServiceName = over.pamServiceName;
    if (over.site.rsa_cert_file) partial.certFile = over.site.rsa_cert_file;
    if (over.site.rsa_private_key_file) partial.keyFile = over.site.rsa_private_key_file;
    if (over.site.listen_port) partial.listenPort = Number(over.site.listen_port);
    if (over.site.pasv_min_port) partial.pasvRange = { min: Number(over.site.pasv_min_port), max: Number(over.site.pasv_max_port) };
    if (over.site.pasv_address) partial.pasvAddress = over.site.pasv_address;
    if (over.site.vsftpd_log_file) partial.vsftpdLogFile = over.site.vsftpd_log_file;
    if (over.site.xferlog_file) partial.xferLogFile = over.site.xferlog_file;
    if (over.site.userlist_file) partial.userlistFile = over.site.userlist_file;
    // Everything else reached the options above; only the banner is applied as a raw site value.
    partial.site = { options: over.site.ftpd_banner ? { ftpd_banner: over.site.ftpd_banner } : {} };
  }

  const opts = defaultOptions(partial);
  if (!flags.cert && !site) {
    warnings.push(`no --cert: rsa_cert_file=${opts.certFile}; ssl_ciphers admits ECDHE suites for both RSA and ECDSA certificates`);
  }
  const kt = readCertKeyType(opts.certFile);
  opts.certKeyType = kt.keyType;
  if (kt.note && (flags.cert || site)) warnings.push(`${kt.note}: ssl_ciphers admits ECDHE suites for both RSA and ECDSA certificates`);
  if (opts.ftpUsers.length === 0 && !opts.site?.options.userlist_file && (kinds === 'all' || kinds.includes('vsftpd'))) {
    warnings.push(`the allow-list ${opts.userlistFile} is empty: add the FTP account names (one per line, or --ftp-user NAME) or every login is refused`);
  }
  if (opts.allowFrom.length && !opts.allowFrom.some((c) => parseCidr(c).family === 4)) {
    warnings.push('--allow-from lists no IPv4 network: vsftpd listens on IPv4 only, so no client can connect');
  }

  const params = resolveParams(opts.packs);
  const notes: DiffEntry[] = [...(site?.notes ?? []), ...(over?.notes ?? [])];
  const adjust = site && over ? (sections: Parameters<typeof applyStricter>[0]) => applyStricter(sections, over!.stricter, [], site!) : undefined;
  const catalogue = new Set(vsftpdSections(opts, params, instancesFor(opts)[0]!).flatMap((s) => s.settings.map((x) => x.name)));
  const kept = site ? keptSection(site, catalogue, notes) : undefined;
  const files = generateSet(kinds, opts, {
    ...(kept && kept.settings.length ? { vsftpdExtraSections: [kept] } : {}),
    ...(adjust ? { adjustSections: adjust } : {}),
  });

  let diff: string | undefined;
  let diffEntries: DiffEntry[] | undefined;
  if (site && over) {
    const main = instancesFor(opts)[0]!;
    const sections = vsftpdSections(opts, params, main);
    applyStricter(sections, over.stricter, notes, site);
    const cite = (s: { cites?: Parameters<typeof citeLine>[0]; ref?: string }): string | undefined => citeLine(s.cites ?? {}, opts.packs, s.ref);
    diffEntries = [...diffHardened(site, sections, over.site, cite), ...notes];
    for (const k of kept?.settings ?? []) diffEntries.push({ kind: 'kept', option: k.name, to: k.value, line: site.settings.get(k.name)?.line, why: 'site setting outside the hardened catalogue' });
    for (const [name, value] of Object.entries(over.site)) diffEntries.push({ kind: 'kept', option: name, to: value, line: site.settings.get(name)?.line, why: 'site-specific value' });
    diff = formatDiff(diffEntries, flags.from!, files.find((f) => f.kind === 'vsftpd')?.path ?? 'hardened vsftpd.conf');
  }
  return { files, warnings, ...(diff ? { diff, diffEntries: diffEntries! } : {}) };
}

/** Refuses to overwrite unless force; creates directories; applies each file's mode. */
export function writeTemplateFiles(files: GeneratedFile[], outDir: string, force: boolean): string[] {
  const targets = files.map((f) => path.join(outDir, f.path));
  const existing = targets.filter((t) => existsSync(t));
  if (existing.length && !force) {
    throw new TemplateUsageError(`refusing to overwrite ${existing.length} existing file(s) without --force: ${existing.map((e) => path.relative(process.cwd(), e) || e).join(', ')}`);
  }
  files.forEach((f, i) => {
    const t = targets[i]!;
    mkdirSync(path.dirname(t), { recursive: true });
    writeFileSync(t, f.content, { mode: f.mode });
    chmodSync(t, f.mode);
  });
  return targets;
}

/** All files on one stream, each introduced by a comment line every format accepts. */
export function concatForStdout(files: GeneratedFile[]): string {
  if (files.length === 1) return files[0]!.content;
  return files.map((f) => `# ==> ${f.path} <== ${f.description}\n${f.content}`).join('\n');
}

export { userlistPath };
