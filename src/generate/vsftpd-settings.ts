import type { VsftpdFlavor } from '../model/vsftpd.js';
import { C, citeLine, type Cites } from './citations.js';
import { cipherListProblems, tls12CipherList, tls13Suites } from './ciphers.js';
import { formatUmask, type ResolvedParams } from './pack-params.js';
import type { GenerateOptions, PackId, PortRange } from './types.js';
import { TemplateUsageError } from './validate.js';

/** One vsftpd.conf line with the reason it is there. */
export interface HardenedSetting {
  name: string;
  value: string;
  /** What the line does or which trap it avoids (one line). */
  why: string;
  /** Controls it implements; the comment cites those of the selected packs. */
  cites?: Cites;
  /** Reference used when no selected pack's control applies (source, man page, observation). */
  ref?: string;
  /**
   * Site-specific: a value taken from --from wins over the generated one (paths, ports,
   * banners, PAM service). Security settings are never site values.
   */
  site?: boolean;
}

export interface SettingSection {
  title: string;
  settings: HardenedSetting[];
}

/** One vsftpd process: mode both runs two (explicit on 21, implicit on 990). */
export interface VsftpdInstance {
  role: 'explicit' | 'implicit';
  port: number;
  pasv: PortRange;
}

export const DEFAULT_EXPLICIT_PORT = 21;
export const DEFAULT_IMPLICIT_PORT = 990;

/**
 * The daemons the mode needs. In mode both the two daemons share one passive range: each
 * picks a random free port in it per transfer and retries on a port in use (as sessions of one
 * daemon already do), and the firewall opens exactly that one range.
 */
export function instancesFor(opts: Pick<GenerateOptions, 'mode' | 'listenPort' | 'pasvRange'>): VsftpdInstance[] {
  const { mode, pasvRange } = opts;
  if (mode === 'explicit') return [{ role: 'explicit', port: opts.listenPort ?? DEFAULT_EXPLICIT_PORT, pasv: pasvRange }];
  if (mode === 'implicit') return [{ role: 'implicit', port: opts.listenPort ?? DEFAULT_IMPLICIT_PORT, pasv: pasvRange }];
  const explicitPort = opts.listenPort ?? DEFAULT_EXPLICIT_PORT;
  if (explicitPort === DEFAULT_IMPLICIT_PORT) {
    throw new TemplateUsageError(`mode both: the explicit daemon cannot listen on ${DEFAULT_IMPLICIT_PORT}, the implicit one does (--listen-port sets the explicit port)`);
  }
  return [
    { role: 'explicit', port: explicitPort, pasv: pasvRange },
    { role: 'implicit', port: DEFAULT_IMPLICIT_PORT, pasv: pasvRange },
  ];
}

/** The hardened settings for one daemon, grouped in sections, in file order. */
export function hardenedSections(opts: GenerateOptions, params: ResolvedParams, inst: VsftpdInstance): SettingSection[] {
  const f: VsftpdFlavor = opts.flavor;
  const ciphers = tls12CipherList(opts.certKeyType, params.allowChaCha20.value).join(':');
  // Judge our own choice with the expander the scan uses: a list it would flag is a bug here.
  const problems = cipherListProblems(ciphers, opts.certKeyType, params.allowChaCha20.value, tls13Suites(params.allowChaCha20.value));
  if (problems.length) throw new Error(`internal: generated ssl_ciphers ${ciphers}: ${problems.join('; ')}`);

  const service: HardenedSetting[] = [
    { name: 'listen', value: 'YES', why: 'run standalone (Debian compiles listen=NO); one IPv4 socket', ref: 'vsftpd.conf(5) listen; Debian default differs' },
    { name: 'listen_ipv6', value: 'NO', why: 'listen=YES with listen_ipv6=YES refuses to start ("run two copies")', ref: 'vsftpd 3.0.3 main.c' },
    { name: 'listen_port', value: String(inst.port), why: `${inst.role} FTPS control port; the firewall opens exactly this port`, cites: C.ports, site: true },
  ];
  if (inst.role === 'implicit') {
    service.push({ name: 'implicit_ssl', value: 'YES', why: 'TLS from the first byte (port 990 style); needs ssl_enable=YES or it is silently plaintext', cites: C.transit });
  }

  const access: HardenedSetting[] = [
    { name: 'anonymous_enable', value: 'NO', why: 'written explicitly: the compiled-in default is YES on every build', cites: C.uniqueId },
    { name: 'local_enable', value: 'YES', why: 'every login is a named local account', cites: C.uniqueId },
    { name: 'guest_enable', value: 'NO', why: 'no mapping of many logins to one shared identity', cites: C.uniqueId },
    { name: 'write_enable', value: 'YES', why: 'uploads are the service; limited by chroot and umask below', cites: C.leastPrivilege },
    { name: 'local_umask', value: formatUmask(params.localUmask.value), why: 'octal with its leading 0: a bare 27 would be read as decimal 27 = octal 033', cites: C.leastPrivilege },
    { name: 'chroot_local_user', value: 'YES', why: 'jail every local user in their home directory', cites: C.leastPrivilege },
    { name: 'chroot_list_enable', value: 'NO', why: 'with chroot_local_user=YES the list names users who are NOT jailed: no exceptions', cites: C.leastPrivilege },
    { name: 'allow_writeable_chroot', value: 'NO', why: 'keep the check that refuses a writable chroot root; give users a writable subdirectory', cites: C.leastPrivilege },
    { name: 'hide_ids', value: 'YES', why: 'listings show ftp/ftp instead of local user and group names', cites: C.necessaryOnly },
    { name: 'ls_recurse_enable', value: 'NO', why: 'no "ls -R" (a cheap way to load the server)', cites: C.necessaryOnly },
    { name: 'dirmessage_enable', value: 'NO', why: 'no .message files shown on cd', cites: C.necessaryOnly },
    { name: 'userlist_enable', value: 'YES', why: 'consult userlist_file before asking for a password', cites: C.leastPrivilege },
    { name: 'userlist_deny', value: 'NO', why: 'userlist_file is an ALLOW-list: only the accounts named in it may log in', cites: C.leastPrivilege },
    { name: 'userlist_file', value: opts.userlistFile, why: 'one account name per line (written with this set); a missing file refuses every login', cites: C.leastPrivilege, site: true },
    { name: 'pam_service_name', value: opts.pamServiceName, why: `PAM stack with pam_faillock (etc/pam.d/${opts.pamServiceName} in this set)`, cites: C.lockout, site: true },
  ];

  const sandbox: HardenedSetting[] = [
    { name: 'isolate', value: 'YES', why: 'per-session PID/IPC namespaces', cites: C.leastPrivilege },
    { name: 'isolate_network', value: 'YES', why: 'per-session network namespace for the unprivileged process (needs port_promiscuous=NO)', cites: C.leastPrivilege },
  ];
  if (f === 'rhel') {
    sandbox.push({ name: 'seccomp_sandbox', value: 'NO', why: 'RHEL build default, written explicitly', ref: 'RH vsftpd tree tunables.c' });
  } else {
    sandbox.push({
      name: 'seccomp_sandbox',
      value: 'NO',
      why:
        f === 'debian'
          ? "Debian 12's build kills TLS sessions under its own sandbox (observed: handshake dies, curl \"wrong version number\"); isolate/isolate_network stay on"
          : "the 3.0.3 syscall allow-list predates OpenSSL 3: a build against OpenSSL 3 (e.g. Debian 12) kills TLS sessions under it; isolate/isolate_network stay on",
      ref: 'observed with Debian 12 vsftpd 3.0.3-13 + OpenSSL 3.0; see docs/hardening.md',
    });
  }

  const tls: HardenedSetting[] = [
    { name: 'ssl_enable', value: 'YES', why: 'TLS on; without it every force_* option below is ignored', cites: C.transit },
    { name: 'allow_anon_ssl', value: 'NO', why: 'anonymous access is off; no TLS for it either', cites: C.uniqueId },
    { name: 'force_local_logins_ssl', value: 'YES', why: 'USER/PASS only after AUTH TLS: clear-text logins get 530', cites: C.authCrypto },
    { name: 'force_local_data_ssl', value: 'YES', why: 'data channel must be TLS: PROT C transfers are refused', cites: C.transit },
    { name: 'ssl_sslv2', value: 'NO', why: 'SSL 2.0 off', cites: C.versions },
    { name: 'ssl_sslv3', value: 'NO', why: 'SSL 3.0 off', cites: C.versions },
    { name: 'ssl_tlsv1', value: 'NO', why: 'TLS 1.0 off (the default is YES)', cites: C.versions },
  ];
  if (f === 'rhel') {
    tls.push(
      { name: 'ssl_tlsv1_1', value: 'NO', why: 'TLS 1.1 off (RHEL build option)', cites: C.versions },
      { name: 'ssl_tlsv1_2', value: 'YES', why: 'TLS 1.2 on', cites: C.versions },
      { name: 'ssl_tlsv1_3', value: 'YES', why: 'TLS 1.3 on', cites: C.versions },
    );
  }
  tls.push(
    {
      name: 'ssl_ciphers',
      value: ciphers,
      why:
        (f === 'rhel' ? '' : 'no ssl_tlsv1_1 switch on this build: every suite here is TLS 1.2-only, so TLS 1.0/1.1 find no shared suite; ') +
        `ECDHE + AEAD only, for a ${opts.certKeyType === 'unknown' ? 'RSA or ECDSA' : opts.certKeyType.toUpperCase()} certificate` +
        (params.allowChaCha20.value ? '' : `; no ChaCha20 (${params.allowChaCha20.why})`) +
        '; TLS 1.3 suites come from the OpenSSL config (OPENSSL_CONF)',
      cites: C.suites,
    },
    { name: 'rsa_cert_file', value: opts.certFile, why: 'server certificate chain (any key type; vsftpd loads ECDSA from this option too)', cites: C.certificate, site: true },
    { name: 'rsa_private_key_file', value: opts.keyFile, why: 'private key, readable by root only', cites: C.certificate, site: true },
    { name: 'require_ssl_reuse', value: 'YES', why: 'data connections must resume the control session: no data-channel hijack by a third party', cites: C.integrity },
    { name: 'strict_ssl_read_eof', value: 'YES', why: 'an upload must end with a TLS close_notify: truncation is detected', cites: C.integrity },
    { name: 'ssl_request_cert', value: 'NO', why: 'no client certificate is used for authentication (without validate_cert any one would be accepted)', cites: C.authCrypto },
    { name: 'debug_ssl', value: 'NO', why: 'no TLS diagnostics in the log', cites: C.necessaryOnly },
  );

  const network: HardenedSetting[] = [
    { name: 'pasv_enable', value: 'YES', why: 'passive mode only: the client opens data connections to a fixed range', cites: C.ports },
    { name: 'pasv_min_port', value: String(inst.pasv.min), why: 'fixed passive range (>1024); the firewall opens exactly it, since no conntrack helper can read a TLS-encrypted 227 reply', cites: C.ports, site: true },
    { name: 'pasv_max_port', value: String(inst.pasv.max), why: 'end of the passive range (<65535, >= pasv_min_port, else vsftpd uses 65535)', cites: C.ports, site: true },
  ];
  if (opts.pasvAddress) {
    network.push({ name: 'pasv_address', value: opts.pasvAddress, why: 'public address announced in 227 replies (NAT)', cites: C.ports, site: true });
  }
  network.push(
    { name: 'pasv_promiscuous', value: 'NO', why: 'data connection must come from the control connection\'s address', cites: C.integrity },
    { name: 'port_enable', value: 'NO', why: 'no active mode: no outbound port-20 connections to open in the firewall', cites: C.necessaryOnly },
    { name: 'port_promiscuous', value: 'NO', why: 'no FTP bounce (PORT to third hosts)', cites: C.necessaryOnly },
    { name: 'connect_from_port_20', value: 'NO', why: 'active mode is off', cites: C.necessaryOnly },
  );

  const limits: HardenedSetting[] = [
    { name: 'max_clients', value: String(params.maxClients.value), why: `bounded concurrent sessions (${params.maxClients.why})`, cites: C.bruteForce },
    { name: 'max_per_ip', value: String(params.maxPerIp.value), why: `bounded sessions per source (${params.maxPerIp.why})`, cites: C.bruteForce },
    { name: 'max_login_fails', value: '3', why: 'drop the connection after 3 failures (per connection only: not an account lockout, see pam_faillock)', cites: C.bruteForce },
    { name: 'delay_failed_login', value: '2', why: 'seconds slept after each failed login', cites: C.bruteForce },
    { name: 'idle_session_timeout', value: String(params.idleSessionTimeout.value), why: params.idleSessionTimeout.why, cites: C.idle },
    { name: 'data_connection_timeout', value: String(params.dataConnectionTimeout.value), why: params.dataConnectionTimeout.why, cites: C.idle },
  ];

  const logging: HardenedSetting[] = [
    { name: 'xferlog_enable', value: 'YES', why: 'logging on', cites: C.audit },
    { name: 'dual_log_enable', value: 'YES', why: 'vsftpd-format log (CONNECT, OK/FAIL LOGIN) as well as the transfer log: xferlog_std_format alone has no login events', cites: C.audit },
    { name: 'vsftpd_log_file', value: opts.vsftpdLogFile, why: 'login events; the fail2ban jail in this set reads this file', cites: C.audit, site: true },
    { name: 'xferlog_file', value: opts.xferLogFile, why: 'wu-ftpd style transfer log', cites: C.audit, site: true },
    { name: 'log_ftp_protocol', value: 'YES', why: 'every command and reply (vsftpd writes PASS <password>, never the password)', cites: C.audit },
    { name: 'syslog_enable', value: 'NO', why: 'to the files above (syslog_enable=YES would suppress vsftpd_log_file)', cites: C.audit },
    { name: 'use_localtime', value: 'YES', why: 'timestamps in local time, as fail2ban reads them', cites: C.loginMonitoring },
  ];

  const banner: HardenedSetting[] = [
    { name: 'ftpd_banner', value: 'FTPS service ready.', why: 'replaces "(vsFTPd 3.0.3)": no product or version disclosed', cites: C.disclosure, ref: 'information disclosure', site: true },
  ];

  return [
    { title: 'Service', settings: service },
    { title: 'Access control', settings: access },
    { title: 'Process isolation', settings: sandbox },
    { title: 'TLS', settings: tls },
    { title: 'Passive mode', settings: network },
    { title: 'Limits and sessions', settings: limits },
    { title: 'Logging', settings: logging },
    { title: 'Banner', settings: banner },
  ];
}

/** Comment lines for a setting: the reason, then the controls of the selected packs. */
export function commentLines(s: HardenedSetting, packs: readonly PackId[]): string[] {
  const lines = [s.why];
  const cite = citeLine(s.cites ?? {}, packs, s.ref);
  if (cite) lines.push(cite);
  return lines;
}
