import type { VsftpdFlavor, VsftpdOptionType, VsftpdValue } from '../../model/vsftpd.js';

/**
 * The options each build of vsftpd 3.0.3 knows, with their type and compiled-in default.
 *
 * Where the facts come from (read, never copied):
 * - upstream: parseconf.c (the three name tables) and tunables.c (tunables_load_defaults) of
 *   vsftpd 3.0.3. The order below is the order of parseconf.c, which matters only for
 *   readability: names are unique across the three tables.
 * - debian (3.0.3-13): the option names and types were probed on /usr/sbin/vsftpd with `-o`
 *   (unknown → "unrecognised variable", bool → "bad bool" on a non-boolean, uint → "missing
 *   value" on an empty value, string → accepted empty), and the defaults were read from the
 *   running binary's variables (located through its relocation table) right after it parsed
 *   its arguments. test/vsftpd-daemon-agreement.test.ts re-checks names and types against the
 *   real binary.
 * - rhel: Red Hat's tree (InfrastructureServices/vsftpd, 3.0.3 + Fedora/RHEL patches, 2022).
 *   Note: that tree has no `ssl_ciphersuites`; TLS 1.3 suites cannot be configured there either.
 */
export interface VsftpdOptionSpec {
  name: string;
  type: VsftpdOptionType;
  /** Compiled-in default; null for a string means unset ("none"). */
  default: VsftpdValue;
}

type Row = readonly [name: string, type: VsftpdOptionType, def: VsftpdValue];

const UPSTREAM_ROWS: readonly Row[] = [
  // Booleans (parseconf_bool_array)
  ['anonymous_enable', 'bool', true],
  ['local_enable', 'bool', false],
  ['pasv_enable', 'bool', true],
  ['port_enable', 'bool', true],
  ['chroot_local_user', 'bool', false],
  ['write_enable', 'bool', false],
  ['anon_upload_enable', 'bool', false],
  ['anon_mkdir_write_enable', 'bool', false],
  ['anon_other_write_enable', 'bool', false],
  ['chown_uploads', 'bool', false],
  ['connect_from_port_20', 'bool', false],
  ['xferlog_enable', 'bool', false],
  ['dirmessage_enable', 'bool', false],
  ['anon_world_readable_only', 'bool', true],
  ['async_abor_enable', 'bool', false],
  ['ascii_upload_enable', 'bool', false],
  ['ascii_download_enable', 'bool', false],
  ['one_process_model', 'bool', false],
  ['xferlog_std_format', 'bool', false],
  ['pasv_promiscuous', 'bool', false],
  ['deny_email_enable', 'bool', false],
  ['chroot_list_enable', 'bool', false],
  ['setproctitle_enable', 'bool', false],
  ['text_userdb_names', 'bool', false],
  ['ls_recurse_enable', 'bool', false],
  ['log_ftp_protocol', 'bool', false],
  ['guest_enable', 'bool', false],
  ['userlist_enable', 'bool', false],
  ['userlist_deny', 'bool', true],
  ['use_localtime', 'bool', false],
  ['check_shell', 'bool', true],
  ['hide_ids', 'bool', false],
  ['listen', 'bool', true],
  ['port_promiscuous', 'bool', false],
  ['passwd_chroot_enable', 'bool', false],
  ['no_anon_password', 'bool', false],
  ['tcp_wrappers', 'bool', false],
  ['use_sendfile', 'bool', true],
  ['force_dot_files', 'bool', false],
  ['listen_ipv6', 'bool', false],
  ['dual_log_enable', 'bool', false],
  ['syslog_enable', 'bool', false],
  ['background', 'bool', false],
  ['virtual_use_local_privs', 'bool', false],
  ['session_support', 'bool', false],
  ['download_enable', 'bool', true],
  ['dirlist_enable', 'bool', true],
  ['chmod_enable', 'bool', true],
  ['secure_email_list_enable', 'bool', false],
  ['run_as_launching_user', 'bool', false],
  ['no_log_lock', 'bool', false],
  ['ssl_enable', 'bool', false],
  ['allow_anon_ssl', 'bool', false],
  ['force_local_logins_ssl', 'bool', true],
  ['force_local_data_ssl', 'bool', true],
  ['ssl_sslv2', 'bool', false],
  ['ssl_sslv3', 'bool', false],
  ['ssl_tlsv1', 'bool', true],
  ['tilde_user_enable', 'bool', false],
  ['force_anon_logins_ssl', 'bool', false],
  ['force_anon_data_ssl', 'bool', false],
  ['mdtm_write', 'bool', true],
  ['lock_upload_files', 'bool', true],
  ['pasv_addr_resolve', 'bool', false],
  ['debug_ssl', 'bool', false],
  ['require_cert', 'bool', false],
  ['validate_cert', 'bool', false],
  ['strict_ssl_read_eof', 'bool', true],
  ['strict_ssl_write_shutdown', 'bool', false],
  ['ssl_request_cert', 'bool', true],
  ['delete_failed_uploads', 'bool', false],
  ['implicit_ssl', 'bool', false],
  ['ptrace_sandbox', 'bool', false],
  ['require_ssl_reuse', 'bool', true],
  ['isolate', 'bool', true],
  ['isolate_network', 'bool', true],
  ['ftp_enable', 'bool', true],
  ['http_enable', 'bool', false],
  ['seccomp_sandbox', 'bool', true],
  ['allow_writeable_chroot', 'bool', false],
  // Unsigned integers (parseconf_uint_array); octal literals where tunables.c writes octal
  ['accept_timeout', 'uint', 60],
  ['connect_timeout', 'uint', 60],
  ['local_umask', 'uint', 0o77],
  ['anon_umask', 'uint', 0o77],
  ['ftp_data_port', 'uint', 20],
  ['idle_session_timeout', 'uint', 300],
  ['data_connection_timeout', 'uint', 300],
  ['pasv_min_port', 'uint', 5001],
  ['pasv_max_port', 'uint', 0],
  ['anon_max_rate', 'uint', 0],
  ['local_max_rate', 'uint', 0],
  ['listen_port', 'uint', 21],
  ['max_clients', 'uint', 2000],
  ['file_open_mode', 'uint', 0o666],
  ['max_per_ip', 'uint', 50],
  ['trans_chunk_size', 'uint', 0],
  ['delay_failed_login', 'uint', 1],
  ['delay_successful_login', 'uint', 0],
  ['max_login_fails', 'uint', 3],
  ['chown_upload_mode', 'uint', 0o600],
  // Strings (parseconf_str_array); null = unset ("none")
  ['secure_chroot_dir', 'string', '/usr/share/empty'],
  ['ftp_username', 'string', 'ftp'],
  ['chown_username', 'string', 'root'],
  ['xferlog_file', 'string', '/var/log/xferlog'],
  ['vsftpd_log_file', 'string', '/var/log/vsftpd.log'],
  ['message_file', 'string', '.message'],
  ['nopriv_user', 'string', 'nobody'],
  ['ftpd_banner', 'string', null],
  ['banned_email_file', 'string', '/etc/vsftpd.banned_emails'],
  ['chroot_list_file', 'string', '/etc/vsftpd.chroot_list'],
  ['pam_service_name', 'string', 'ftp'],
  ['guest_username', 'string', 'ftp'],
  ['userlist_file', 'string', '/etc/vsftpd.user_list'],
  ['anon_root', 'string', null],
  ['local_root', 'string', null],
  ['banner_file', 'string', null],
  ['pasv_address', 'string', null],
  ['listen_address', 'string', null],
  ['user_config_dir', 'string', null],
  ['listen_address6', 'string', null],
  ['cmds_allowed', 'string', null],
  ['hide_file', 'string', null],
  ['deny_file', 'string', null],
  ['user_sub_token', 'string', null],
  ['email_password_file', 'string', '/etc/vsftpd.email_passwords'],
  ['rsa_cert_file', 'string', '/usr/share/ssl/certs/vsftpd.pem'],
  ['dsa_cert_file', 'string', null],
  ['ssl_ciphers', 'string', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['rsa_private_key_file', 'string', null],
  ['dsa_private_key_file', 'string', null],
  ['ca_certs_file', 'string', null],
  ['cmds_denied', 'string', null],
];

interface FlavorDelta {
  /** Options this build adds to upstream's tables. */
  added: readonly Row[];
  /** Upstream options whose compiled-in default this build changes. */
  defaults: Readonly<Record<string, VsftpdValue>>;
}

const FLAVOR_DELTAS: Readonly<Record<VsftpdFlavor, FlavorDelta>> = {
  upstream: { added: [], defaults: {} },
  debian: {
    added: [
      ['utf8_filesystem', 'bool', false],
      ['upload_file', 'string', null],
      ['download_file', 'string', null],
    ],
    defaults: {
      // Debian patches: inetd mode by default, no seccomp sandbox (it kills TLS sessions on
      // Debian 12), its own PAM service and an empty dir that the package creates.
      listen: false,
      seccomp_sandbox: false,
      pam_service_name: 'vsftpd',
      secure_chroot_dir: '/var/run/vsftpd/empty',
    },
  },
  rhel: {
    added: [
      ['ssl_tlsv1_1', 'bool', false],
      ['ssl_tlsv1_2', 'bool', true],
      ['ssl_tlsv1_3', 'bool', true],
      ['reverse_lookup_enable', 'bool', true],
      ['userlist_log', 'bool', false],
      ['better_stou', 'bool', false],
      ['log_die', 'bool', false],
      ['wc_logs_enable', 'bool', false],
      ['bind_retries', 'uint', 9],
      ['dh_param_file', 'string', null],
      ['ecdh_param_file', 'string', null],
      ['ssl_sni_hostname', 'string', null],
    ],
    defaults: {
      background: true,
      ssl_tlsv1: false,
      seccomp_sandbox: false,
      banned_email_file: '/etc/vsftpd/banned_emails',
      chroot_list_file: '/etc/vsftpd/chroot_list',
      userlist_file: '/etc/vsftpd/user_list',
      email_password_file: '/etc/vsftpd/email_passwords',
      ssl_ciphers: 'PROFILE=SYSTEM',
    },
  },
};

function buildTable(flavor: VsftpdFlavor): ReadonlyMap<string, VsftpdOptionSpec> {
  const delta = FLAVOR_DELTAS[flavor];
  const table = new Map<string, VsftpdOptionSpec>();
  for (const [name, type, def] of [...UPSTREAM_ROWS, ...delta.added]) {
    table.set(name, { name, type, default: name in delta.defaults ? delta.defaults[name]! : def });
  }
  return table;
}

const TABLES: Readonly<Record<VsftpdFlavor, ReadonlyMap<string, VsftpdOptionSpec>>> = {
  upstream: buildTable('upstream'),
  debian: buildTable('debian'),
  rhel: buildTable('rhel'),
};

/** Every option the given build accepts, keyed by its exact (case-sensitive) name. */
export function optionTable(flavor: VsftpdFlavor): ReadonlyMap<string, VsftpdOptionSpec> {
  return TABLES[flavor];
}

export function optionSpec(flavor: VsftpdFlavor, name: string): VsftpdOptionSpec | undefined {
  return TABLES[flavor].get(name);
}

/** The builds (other than `flavor`) that do know `name`; used to explain an unknown option. */
export function flavorsKnowing(name: string, except?: VsftpdFlavor): VsftpdFlavor[] {
  return (Object.keys(TABLES) as VsftpdFlavor[]).filter((f) => f !== except && TABLES[f].has(name));
}

/**
 * Options read as file modes or umasks: a value without a leading 0 is decimal, which is
 * almost never what the writer meant (local_umask=22 is octal 026).
 */
export const MODE_OPTIONS: ReadonlySet<string> = new Set([
  'local_umask',
  'anon_umask',
  'file_open_mode',
  'chown_upload_mode',
]);
