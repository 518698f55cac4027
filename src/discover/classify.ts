import { isAscii } from 'node:buffer';
import path from 'node:path';
import type { ArtifactKind } from '../model/artifact.js';

/**
 * Content first, name second: a file is what it says it is, whatever it is called
 * (hardening repos keep vsftpd.conf as templates/ftp.j2 or roles/x/files/server.cfg).
 * Each sniffer looks at the first few KiB only.
 */
export interface Classification {
  kind: ArtifactKind;
  by: 'content' | 'name';
}

// Options only vsftpd has; one of them at the start of a line marks a vsftpd.conf.
const VSFTPD_MARKERS =
  /^[ \t]*(anonymous_enable|local_enable|write_enable|ssl_enable|force_local_logins_ssl|force_local_data_ssl|chroot_local_user|allow_writeable_chroot|pasv_min_port|pasv_max_port|rsa_cert_file|rsa_private_key_file|xferlog_enable|xferlog_std_format|listen_ipv6|connect_from_port_20|secure_chroot_dir|pam_service_name|require_ssl_reuse|ssl_tlsv1|ssl_sslv3|implicit_ssl|local_umask|anon_upload_enable|userlist_enable|ftpd_banner|dual_log_enable|idle_session_timeout|seccomp_sandbox|max_per_ip)=/m;

const PEM = /-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|X509 CRL|PKCS7|(RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY|PUBLIC KEY|RSA PUBLIC KEY|EC PARAMETERS)-----/;
const IPTABLES_SAVE = /^\*(filter|nat|mangle|raw|security)\s*$[\s\S]*^COMMIT\s*$/m;
const IPTABLES_POLICY = /^:(INPUT|FORWARD|OUTPUT) (ACCEPT|DROP) \[\d+:\d+\]/m;
// `iptables -S` output: policies as commands, no *table header.
const IPTABLES_LIST_RULES = /^-P (INPUT|FORWARD|OUTPUT) (ACCEPT|DROP)\s*$[\s\S]*^-A \S+ /m;
// What every `table <family>` match of NFTABLES holds, unanchored (the full pattern is costly
// on long config files). Not just the word "table": "writable chroot" in the comments of most
// vsftpd.conf files holds that. ("ip" also stands for ip6.) Such a match also holds a '{',
// which most other files lack: looked for first, it spares them the regex.
const TABLE_FAMILY = /table\s+(?:inet|ip|arp|bridge|netdev)/;
const NFTABLES = /^\s*(flush ruleset|table\s+(inet|ip|ip6|arp|bridge|netdev)\s+\S+\s*\{|#!\s*\/u?s?r?\/?s?bin\/nft)/m;
const IPTABLES_CMD = /^[ \t-]*(?:(?:sudo|command|shell:|cmd:|-)\s+)*(?:\/s?bin\/|\/usr\/s?bin\/)?ip6?tables(?:-legacy|-nft)?\s+(-[A-Za-z]|--(append|insert|policy|flush|new-chain|table))/m;
// iptables inside Ansible shell/command strings, after ; or &&, or through IPT=/sbin/iptables.
const IPTABLES_CMD_EMBEDDED = /(^|[\s"'`;&|(])(?:\/usr)?(?:\/s?bin\/)?ip6?tables(?:-legacy|-nft)?\s+(-[AIDRPFNX]\s|--(append|insert|policy|flush|new-chain)\b)|^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=["']?(?:\S*\/)?ip6?tables["']?\s*$/m;
const FAIL2BAN = /^\[[A-Za-z0-9_.-]+\]\s*$[\s\S]*^\s*(bantime|findtime|maxretry|logpath|failregex|banaction|enabled)\s*=/m;
const PWQUALITY = /^\s*(minlen|dcredit|ucredit|lcredit|ocredit|minclass|maxrepeat|difok|dictcheck)\s*=/m;
const LOGIN_DEFS = /^\s*(PASS_MAX_DAYS|PASS_MIN_DAYS|PASS_WARN_AGE|ENCRYPT_METHOD|LOGIN_RETRIES|UMASK)\s+\S/m;
const FAILLOCK = /^\s*(deny|unlock_time|fail_interval|even_deny_root)\s*(=|$)/m;
const PAM = /^\s*-?(auth|account|password|session)\s+(required|requisite|sufficient|optional|include|substack|\[[^\]]*\])\s+\S/m;
const CLIENT_SCRIPT = /\b(curl\b[^\n]*\bftps?:\/\/|curl\b[^\n]*--(ftp-ssl|ssl-reqd)|lftp\b|ftp-ssl|wget\b[^\n]*\bftps?:\/\/)/;

const X509_NAMES = /\.(pem|crt|cer|der|key|p12|pfx|p7b|csr)$/i;

function looksDer(head: Buffer): boolean {
  // ASN.1 SEQUENCE with a long-form length: how every DER certificate and key starts.
  return head.length > 4 && head[0] === 0x30 && (head[1] === 0x82 || head[1] === 0x81 || head[1] === 0x83);
}

/** headText: the head as text, when the caller has it already (see collect's asciiText). */
export function classify(relPath: string, head: Buffer, isText: boolean, headText?: string): Classification | undefined {
  const base = path.posix.basename(relPath);
  if (!isText) {
    if (X509_NAMES.test(base) && (looksDer(head) || /\.(p12|pfx)$/i.test(base))) return { kind: 'x509', by: looksDer(head) ? 'content' : 'name' };
    return undefined;
  }
  const text = headText ?? head.toString('utf8');
  // Each substring test is a necessary condition of the regex after it (a literal part every
  // match contains), so the regex only runs on files that might match: most files fail fast.
  if (text.includes('-----BEGIN ') && PEM.test(text)) return { kind: 'x509', by: 'content' };
  if (
    (text.includes('COMMIT') && IPTABLES_SAVE.test(text)) ||
    ((text.includes(':INPUT ') || text.includes(':FORWARD ') || text.includes(':OUTPUT ')) && IPTABLES_POLICY.test(text)) ||
    (text.includes('-P ') && IPTABLES_LIST_RULES.test(text))
  )
    return { kind: 'iptables-save', by: 'content' };
  // fail2ban's action.d files quote nftables and iptables commands as templates; they are
  // fail2ban configuration, never a host ruleset.
  const inFail2ban = /(^|\/)fail2ban\/|(^|\/)action\.d\//.test(relPath);
  if (!inFail2ban && (text.includes('flush ruleset') || (text.includes('{') && TABLE_FAMILY.test(text)) || (text.includes('#!') && text.includes('nft'))) && NFTABLES.test(text)) return { kind: 'nftables', by: 'content' };
  if (VSFTPD_MARKERS.test(text)) return { kind: 'vsftpd-conf', by: 'content' };
  if (IPTABLES_CMD.test(text) || (IPTABLES_CMD_EMBEDDED.test(text) && !/(^|\/)(action|filter|jail)\.d\/|\.(md|rst|txt|html)$/i.test(relPath))) return { kind: 'iptables-script', by: 'content' };
  if (/(^|\/)pam\.d\//.test(relPath) && PAM.test(text)) return { kind: 'pam', by: 'content' };
  if (/(^|\/)(jail|fail2ban)[^/]*\.(conf|local)$|(^|\/)(jail|filter)\.d\//.test(relPath) && FAIL2BAN.test(text)) return { kind: 'fail2ban', by: 'content' };
  if (/pwquality/.test(relPath) && PWQUALITY.test(text)) return { kind: 'pwquality', by: 'content' };
  if (LOGIN_DEFS.test(text) && /login\.defs$/.test(base)) return { kind: 'login-defs', by: 'content' };
  if (/faillock/.test(base) && FAILLOCK.test(text)) return { kind: 'faillock', by: 'content' };
  if (CLIENT_SCRIPT.test(text) && /\.(sh|bash|ya?ml|mk|py|ps1|cron)$|^Makefile$|^[^.]+$/.test(base)) return { kind: 'client-script', by: 'content' };
  // Name only: an empty or comment-only vsftpd.conf is still a vsftpd.conf (all defaults).
  if (/vsftpd[^/]*\.conf$/.test(base)) return { kind: 'vsftpd-conf', by: 'name' };
  if (/^rules\.v[46]$/.test(base)) return { kind: 'iptables-save', by: 'name' };
  // Stock files ship with every line commented out: their defaults (minlen 8, unlock_time
  // 600) are exactly what the rules must judge, so the name alone is enough.
  if (/^pwquality\.conf$/.test(base) || /(^|\/)pwquality\.conf\.d\/[^/]+\.conf$/.test(relPath)) return { kind: 'pwquality', by: 'name' };
  if (/^faillock\.conf$/.test(base)) return { kind: 'faillock', by: 'name' };
  if (/^login\.defs$/.test(base)) return { kind: 'login-defs', by: 'name' };
  // A text file named like a certificate or key that holds no PEM block (garbage, a broken
  // BEGIN line): the x509 parser reports it as one located diagnostic instead of skipping it.
  if (X509_NAMES.test(base) && !/\.csr$/i.test(base)) return { kind: 'x509', by: 'name' };
  if (!inFail2ban && /^nftables\.conf$/.test(base)) return { kind: 'nftables', by: 'name' };
  return undefined;
}

/** How much of a file classify() looks at. */
export const SNIFF_BYTES = 16 * 1024;

/** What a file's first bytes say: text or not, all ASCII or not, and its kind (if any). */
export interface Sniffed {
  /** No NUL byte in the head. */
  isText: boolean;
  /** The whole file is text, ASCII, and no longer than the head: read as Latin-1 it is its text. */
  wholeAscii: boolean;
  found: Classification | undefined;
}

/**
 * Classifies a file by its first SNIFF_BYTES bytes and its path. asciiText: the whole file
 * decoded, when wholeAscii (the caller's parser can use it).
 */
export function sniff(relPath: string, content: Buffer): Sniffed & { asciiText?: string } {
  const head = content.length <= SNIFF_BYTES ? content : content.subarray(0, SNIFF_BYTES);
  const isText = !head.includes(0);
  // A small ASCII file (nearly every config) is decoded once, for classifying and parsing.
  const asciiText = isText && head === content && isAscii(head) ? head.toString('latin1') : undefined;
  return { isText, wholeAscii: asciiText !== undefined, found: classify(relPath, head, isText, asciiText), asciiText };
}

