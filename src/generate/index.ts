import type { VsftpdFlavor } from '../model/vsftpd.js';
import { C } from './citations.js';
import { tls13Suites } from './ciphers.js';
import { FAIL2BAN_FILTER_NAME, FAIL2BAN_JAIL_NAME, PATHS, userlistPath, vsftpdConfPath } from './layout.js';
import { resolveParams, type ResolvedParams } from './pack-params.js';
import { renderTemplate } from './render.js';
import { TEMPLATE_KINDS, type GenerateOptions, type GeneratedFile, type PackId, type TemplateKind } from './types.js';
import { assertOneLine, parseCidr, TemplateUsageError } from './validate.js';
import { commentLines, hardenedSections, instancesFor, type SettingSection, type VsftpdInstance } from './vsftpd-settings.js';
import { generatorVersion } from './version.js';

export * from './types.js';
export { resolveParams } from './pack-params.js';
export { instancesFor, commentLines, type SettingSection, type HardenedSetting } from './vsftpd-settings.js';
export { TemplateUsageError } from './validate.js';

const FLAVOR_LABEL: Record<VsftpdFlavor, string> = { upstream: 'upstream vsftpd 3.0.3', debian: 'Debian 12 vsftpd 3.0.3', rhel: 'RHEL vsftpd 3.0.3' };

/** Default options for everything the command does not ask for. */
export function defaultOptions(partial: Partial<GenerateOptions> = {}): GenerateOptions {
  const flavor = partial.flavor ?? 'debian';
  return {
    userlistFile: '/' + userlistPath(flavor),
    ftpUsers: [],
    packs: ['hipaa', 'pci-dss', 'nist-800-52r2'],
    flavor: 'debian',
    mode: 'explicit',
    pasvRange: { min: 40000, max: 40100 },
    certFile: '/etc/ssl/certs/vsftpd.pem',
    keyFile: '/etc/ssl/private/vsftpd.key',
    certKeyType: 'unknown',
    allowFrom: [],
    vsftpdLogFile: '/var/log/vsftpd.log',
    xferLogFile: '/var/log/xferlog',
    opensslConfPath: '/' + PATHS.opensslConf,
    pamServiceName: 'vsftpd',
    ...partial,
  };
}

function packList(packs: readonly PackId[]): string {
  return packs.length ? packs.join(', ') : '(none: ftps-audit baseline)';
}

/** Pick a citation per control family for the selected packs (first pack that has one). */
function citeFor(packs: readonly PackId[]): Record<keyof typeof C, string> {
  const out = {} as Record<keyof typeof C, string>;
  for (const key of Object.keys(C) as (keyof typeof C)[]) {
    const cites = C[key] as Partial<Record<PackId, string>>;
    const parts = [...new Set(packs.map((p) => cites[p]).filter((x): x is string => Boolean(x)))];
    out[key] = parts.length ? parts.join('; ') : Object.values(cites)[0] ?? '';
  }
  return out;
}

/** The rendered sections, with the site values of --from applied. */
export function vsftpdSections(opts: GenerateOptions, params: ResolvedParams, inst: VsftpdInstance): SettingSection[] {
  const sections = hardenedSections(opts, params, inst);
  const site = opts.site?.options ?? {};
  for (const sec of sections) {
    for (const s of sec.settings) {
      if (s.site && site[s.name] !== undefined) s.value = site[s.name]!;
      assertOneLine(s.name, s.value);
    }
  }
  return sections;
}

function renderVsftpd(opts: GenerateOptions, params: ResolvedParams, inst: VsftpdInstance, extras: GenerateExtras): string {
  const hardened = vsftpdSections(opts, params, inst);
  extras.adjustSections?.(hardened);
  const sections = [...hardened, ...(extras.vsftpdExtraSections ?? [])].map((sec) => ({
    title: sec.title,
    settings: sec.settings.map((s) => ({ name: s.name, value: s.value, comments: commentLines(s, opts.packs) })),
  }));
  return renderTemplate('vsftpd.conf.hbs', {
    version: generatorVersion(),
    role: inst.role,
    flavorLabel: FLAVOR_LABEL[opts.flavor],
    packList: packList(opts.packs),
    from: opts.site ? 'the --from config' : undefined,
    sections,
  });
}

export interface GenerateExtras {
  /** Extra sections appended to every vsftpd.conf (site settings kept by --from). */
  vsftpdExtraSections?: SettingSection[];
  /** Last word on the hardened sections (--from: keep stricter site limits). */
  adjustSections?: (sections: SettingSection[]) => void;
}

function vsftpdFiles(opts: GenerateOptions, params: ResolvedParams, extras: GenerateExtras): GeneratedFile[] {
  const cite = citeFor(opts.packs);
  const files: GeneratedFile[] = [];
  const insts = instancesFor(opts);
  for (const inst of insts) {
    files.push({
      kind: 'vsftpd',
      path: vsftpdConfPath(opts.flavor, inst.role, opts.mode),
      content: renderVsftpd(opts, params, inst, extras),
      description: `vsftpd configuration (${inst.role} FTPS on port ${inst.port}); owned by root`,
      mode: 0o600,
    });
  }
  const userlistRel = opts.userlistFile.replace(/^\//, '');
  for (const u of opts.ftpUsers) {
    if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(u)) throw new TemplateUsageError(`--ftp-user: "${u}" is not an account name`);
  }
  files.push({
    kind: 'vsftpd',
    path: userlistRel,
    content: renderTemplate('vsftpd-user_list.hbs', { version: generatorVersion(), path: opts.userlistFile, users: opts.ftpUsers }),
    description: opts.ftpUsers.length
      ? `allow-list of FTP accounts (${opts.ftpUsers.length})`
      : 'allow-list of FTP accounts: EMPTY, add one account name per line (--ftp-user) or nobody can log in',
    mode: 0o644,
  });
  const allowChaCha = params.allowChaCha20.value;
  files.push({
    kind: 'vsftpd',
    path: PATHS.opensslConf,
    content: renderTemplate('openssl-vsftpd.cnf.hbs', {
      version: generatorVersion(),
      dropInPath: '/' + PATHS.systemdDropIn,
      suiteCite: cite.suites,
      versionCite: cite.versions,
      tls13: tls13Suites(allowChaCha).join(':'),
      tls13Why: allowChaCha ? 'Mozilla intermediate (AES-GCM and ChaCha20-Poly1305)' : `AES-GCM only, no ChaCha20 (${params.allowChaCha20.why})`,
    }),
    description: 'OpenSSL configuration for vsftpd (TLS 1.3 suites, TLS 1.2 floor), loaded via OPENSSL_CONF',
    mode: 0o644,
  });
  files.push({
    kind: 'vsftpd',
    path: PATHS.systemdDropIn,
    content: renderTemplate('systemd-vsftpd-dropin.conf.hbs', {
      version: generatorVersion(),
      unit: 'vsftpd.service',
      path: '/' + PATHS.systemdDropIn,
      suiteCite: cite.suites,
      opensslConfPath: opts.opensslConfPath,
    }),
    description: 'systemd drop-in that sets OPENSSL_CONF for vsftpd.service',
    mode: 0o644,
  });
  const implicit = insts.find((i) => i.role === 'implicit');
  if (opts.mode === 'both' && implicit) {
    files.push({
      kind: 'vsftpd',
      path: PATHS.systemdImplicitUnit,
      content: renderTemplate('systemd-vsftpd-implicit.service.hbs', {
        version: generatorVersion(),
        configPath: '/' + vsftpdConfPath(opts.flavor, 'implicit', 'both'),
        mainUnit: 'vsftpd.service',
        port: implicit.port,
        // RHEL's build defaults to background=YES (forks); Debian and upstream stay in the foreground.
        serviceType: opts.flavor === 'rhel' ? 'forking' : 'simple',
        secureChrootDir: opts.flavor === 'rhel' ? undefined : '/var/run/vsftpd/empty',
        suiteCite: cite.suites,
        opensslConfPath: opts.opensslConfPath,
      }),
      description: 'systemd unit for the second (implicit FTPS) vsftpd',
      mode: 0o644,
    });
  }
  return files;
}

/** Ports the daemons need, the single source for both firewalls and the fail2ban jail. */
export function portPlan(opts: GenerateOptions): { control: { role: string; port: number }[]; pasv: { role: string; min: number; max: number }[] } {
  const insts = instancesFor(opts);
  return {
    control: insts.map((i) => ({ role: i.role, port: i.port })),
    // One entry per distinct range (mode both: the two daemons share one range).
    pasv: insts
      .filter((i, n) => insts.findIndex((j) => j.pasv.min === i.pasv.min && j.pasv.max === i.pasv.max) === n)
      .map((i) => ({ role: insts.length > 1 ? 'explicit and implicit' : i.role, min: i.pasv.min, max: i.pasv.max })),
  };
}

function modeLabel(opts: GenerateOptions): string {
  return portPlan(opts)
    .control.map((c) => `${c.role} on ${c.port}`)
    .join(', ');
}

function iptablesFiles(opts: GenerateOptions, params: ResolvedParams): GeneratedFile[] {
  const cite = citeFor(opts.packs);
  const plan = portPlan(opts);
  const cidrs = opts.allowFrom.map(parseCidr);
  const out: GeneratedFile[] = [];
  for (const family of [4, 6] as const) {
    // vsftpd listens on IPv4 only (listen=YES): no FTP port is opened over IPv6.
    const serve = family === 4;
    const famCidrs = cidrs.filter((c) => c.family === family).map((c) => c.text);
    const tool = family === 4 ? 'iptables' : 'ip6tables';
    const installPath = '/' + (family === 4 ? PATHS.iptablesV4(opts.flavor) : PATHS.iptablesV6(opts.flavor));
    out.push({
      kind: 'iptables',
      path: installPath.slice(1),
      content: renderTemplate('iptables.rules.hbs', {
        version: generatorVersion(),
        tool,
        family: family === 4 ? 'IPv4' : 'IPv6',
        ipv6: family === 6,
        serve,
        installPath,
        modeLabel: modeLabel(opts),
        packList: packList(opts.packs),
        cite,
        ratePerMinute: params.controlConnRatePerMinute.value,
        control: plan.control.map((c) => ({ ...c, limitName: `ftps_ctl_${c.port}` })),
        pasv: plan.pasv,
        // [''] = one rule without -s (any source).
        sources: famCidrs.length ? famCidrs : opts.allowFrom.length ? [] : [''],
      }),
      description: `${tool}-restore rules (default drop, FTPS ports only)`,
      mode: 0o640,
    });
  }
  return out;
}

function nftablesFiles(opts: GenerateOptions, params: ResolvedParams): GeneratedFile[] {
  const cite = citeFor(opts.packs);
  const plan = portPlan(opts);
  const cidrs = opts.allowFrom.map(parseCidr);
  const allow4 = cidrs.filter((c) => c.family === 4).map((c) => c.text);
  const installPath = '/' + PATHS.nftables(opts.flavor);
  // Source restriction given, but none for IPv4 (the only family served): nothing may connect.
  const blockAll = opts.allowFrom.length > 0 && allow4.length === 0;
  return [
    {
      kind: 'nftables',
      path: installPath.slice(1),
      content: renderTemplate('nftables.conf.hbs', {
        version: generatorVersion(),
        installPath,
        modeLabel: modeLabel(opts),
        packList: packList(opts.packs),
        cite,
        ratePerMinute: params.controlConnRatePerMinute.value,
        allow4: allow4.length ? allow4.join(', ') : undefined,
        control: blockAll ? [] : plan.control,
        pasv: blockAll ? [] : plan.pasv,
      }),
      description: 'nftables ruleset (table inet ftps_audit: default drop, FTPS ports only)',
      mode: 0o640,
    },
  ];
}

function fail2banFiles(opts: GenerateOptions, params: ResolvedParams): GeneratedFile[] {
  const cite = citeFor(opts.packs);
  const plan = portPlan(opts);
  const ports = [...plan.control.map((c) => String(c.port)), ...plan.pasv.map((p) => `${p.min}:${p.max}`)].join(',');
  const common = { version: generatorVersion(), cite, logFile: opts.vsftpdLogFile };
  return [
    {
      kind: 'fail2ban',
      path: PATHS.fail2banJail,
      content: renderTemplate('fail2ban-jail.local.hbs', {
        ...common,
        jailName: FAIL2BAN_JAIL_NAME,
        filterName: FAIL2BAN_FILTER_NAME,
        jailPath: '/' + PATHS.fail2banJail,
        filterPath: '/' + PATHS.fail2banFilter,
        pamService: opts.pamServiceName,
        ports,
        maxRetry: params.fail2banMaxRetry.value,
        maxRetryWhy: params.fail2banMaxRetry.why,
        findTime: params.fail2banFindTime.value,
        findTimeWhy: params.fail2banFindTime.why,
        banTime: params.fail2banBanTime.value,
        banTimeWhy: params.fail2banBanTime.why,
      }),
      description: 'fail2ban jail for vsftpd (bans source addresses)',
      mode: 0o644,
    },
    {
      kind: 'fail2ban',
      path: PATHS.fail2banFilter,
      content: renderTemplate('fail2ban-filter.conf.hbs', common),
      description: "fail2ban filter for vsftpd's log format (FAIL LOGIN lines)",
      mode: 0o644,
    },
  ];
}

function faillockFiles(opts: GenerateOptions, params: ResolvedParams): GeneratedFile[] {
  const cite = citeFor(opts.packs);
  const confArg = opts.faillockConfPath ? ` conf=${opts.faillockConfPath}` : '';
  const rhel = opts.flavor === 'rhel';
  return [
    {
      kind: 'faillock',
      path: PATHS.faillockConf,
      content: renderTemplate('faillock.conf.hbs', {
        version: generatorVersion(),
        packList: packList(opts.packs),
        cite,
        pamService: opts.pamServiceName,
        deny: params.faillockDeny.value,
        denyWhy: params.faillockDeny.why,
        failInterval: params.faillockFailInterval.value,
        intervalWhy: params.faillockFailInterval.why,
        unlockTime: params.faillockUnlockTime.value,
        unlockWhy: params.faillockUnlockTime.why,
        dir: opts.faillockDir,
      }),
      description: 'pam_faillock settings: account lockout (PCI DSS 8.3.4)',
      mode: 0o644,
    },
    {
      kind: 'faillock',
      path: PATHS.pam(opts.pamServiceName),
      content: renderTemplate('pam-vsftpd.hbs', {
        version: generatorVersion(),
        packList: packList(opts.packs),
        cite,
        pamService: opts.pamServiceName,
        faillockConf: opts.faillockConfPath ?? '/' + PATHS.faillockConf,
        confArg,
        flavorLabel: FLAVOR_LABEL[opts.flavor],
        ftpusers: rhel ? '/etc/vsftpd/ftpusers' : '/etc/ftpusers',
        accountIncludes: rhel
          ? [{ what: 'account', line: 'account\tinclude\tpassword-auth' }, { what: 'session', line: 'session\tinclude\tpassword-auth' }]
          : [{ what: 'account', line: '@include common-account' }, { what: 'session', line: '@include common-session' }],
      }),
      description: `PAM stack for vsftpd with pam_faillock (service ${opts.pamServiceName})`,
      mode: 0o644,
    },
  ];
}

/** Render the hardened set for the requested kinds (all = every kind). */
export function generateSet(kinds: readonly TemplateKind[] | 'all', opts: GenerateOptions, extras: GenerateExtras = {}): GeneratedFile[] {
  const want = new Set(kinds === 'all' ? TEMPLATE_KINDS : kinds);
  const params = resolveParams(opts.packs);
  const files: GeneratedFile[] = [];
  if (want.has('vsftpd')) files.push(...vsftpdFiles(opts, params, extras));
  if (want.has('iptables')) files.push(...iptablesFiles(opts, params));
  if (want.has('nftables')) files.push(...nftablesFiles(opts, params));
  if (want.has('fail2ban')) files.push(...fail2banFiles(opts, params));
  if (want.has('faillock')) files.push(...faillockFiles(opts, params));
  return files;
}
