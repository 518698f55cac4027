import type { VsftpdFlavor } from '../model/vsftpd.js';

/** What `ftps-audit template` can write. `all` is every kind below. */
export const TEMPLATE_KINDS = ['vsftpd', 'iptables', 'nftables', 'fail2ban', 'faillock'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** explicit = AUTH TLS on the control port (21); implicit = TLS from the first byte (990); both = two daemons. */
export const TLS_MODES = ['explicit', 'implicit', 'both'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

export const BUILTIN_PACKS = ['hipaa', 'pci-dss', 'nist-800-52r2'] as const;
export type PackId = (typeof BUILTIN_PACKS)[number];

export interface PortRange {
  min: number;
  max: number;
}

/** Key type of the server certificate: decides which ECDHE suites can be used at all. */
export type CertKeyType = 'rsa' | 'ecdsa' | 'unknown';

/** Everything the generator needs; the command builds this from flags, tests build it directly. */
export interface GenerateOptions {
  packs: PackId[];
  flavor: VsftpdFlavor;
  mode: TlsMode;
  pasvRange: PortRange;
  /** Address announced in 227 replies (behind NAT); omitted = the control connection's local address. */
  pasvAddress?: string;
  certFile: string;
  keyFile: string;
  /** Read from certFile when it exists; 'unknown' admits both RSA and ECDSA suites. */
  certKeyType: CertKeyType;
  /** Source restriction for the FTP ports, per family. Empty = any source. */
  allowFrom: string[];
  /** Control port of the explicit daemon (mode explicit/both) or of the implicit one (mode implicit). */
  listenPort?: number;
  /** Log paths written into vsftpd.conf and read by the fail2ban jail (kept in step). */
  vsftpdLogFile: string;
  xferLogFile: string;
  /** Path the generated OpenSSL config is installed at (OPENSSL_CONF in the systemd drop-in). */
  opensslConfPath: string;
  /** pam_faillock tally directory; omitted = the module default (/var/run/faillock). */
  faillockDir?: string;
  /** Pass conf=PATH to pam_faillock (a faillock.conf outside /etc/security, e.g. for tests). */
  faillockConfPath?: string;
  /** The allow-list vsftpd reads (userlist_deny=NO) and the accounts written into it. */
  userlistFile: string;
  ftpUsers: string[];
  /** PAM service name vsftpd uses (pam_service_name) and the file name under /etc/pam.d. */
  pamServiceName: string;
  /** Site values kept from an existing config (--from); they override generator defaults. */
  site?: SiteValues;
}

/** Values that belong to the site, not to the hardening: kept verbatim when --from is given. */
export interface SiteValues {
  /** option name -> raw value, for the options listed in SITE_OPTIONS. */
  options: Record<string, string>;
}

/** One file of the generated set; path is relative to the target root (etc/vsftpd.conf). */
export interface GeneratedFile {
  kind: TemplateKind;
  path: string;
  content: string;
  /** What it is and where it goes, one line (printed by --out-dir and in stdout headers). */
  description: string;
  /** POSIX mode to write it with. */
  mode: number;
}
