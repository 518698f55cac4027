import type { VsftpdFlavor } from '../model/vsftpd.js';

/** Where each file of the set is installed, per flavor (paths relative to /). */
export function vsftpdConfPath(flavor: VsftpdFlavor, role: 'explicit' | 'implicit', mode: 'explicit' | 'implicit' | 'both'): string {
  const dir = flavor === 'rhel' ? 'etc/vsftpd/' : 'etc/';
  if (mode === 'both' && role === 'implicit') return `${dir}vsftpd-implicit.conf`;
  return `${dir}vsftpd.conf`;
}

export function userlistPath(flavor: VsftpdFlavor): string {
  return flavor === 'rhel' ? 'etc/vsftpd/user_list' : 'etc/vsftpd.user_list';
}

export const PATHS = {
  opensslConf: 'etc/ssl/ftps-audit-vsftpd-openssl.cnf',
  systemdDropIn: 'etc/systemd/system/vsftpd.service.d/ftps-audit-openssl.conf',
  systemdImplicitUnit: 'etc/systemd/system/vsftpd-implicit.service',
  iptablesV4: (flavor: VsftpdFlavor): string => (flavor === 'rhel' ? 'etc/sysconfig/iptables' : 'etc/iptables/rules.v4'),
  iptablesV6: (flavor: VsftpdFlavor): string => (flavor === 'rhel' ? 'etc/sysconfig/ip6tables' : 'etc/iptables/rules.v6'),
  nftables: (flavor: VsftpdFlavor): string => (flavor === 'rhel' ? 'etc/nftables/ftps-audit.nft' : 'etc/nftables.d/ftps-audit.nft'),
  fail2banJail: 'etc/fail2ban/jail.d/ftps-audit-vsftpd.local',
  fail2banFilter: 'etc/fail2ban/filter.d/ftps-audit-vsftpd.conf',
  faillockConf: 'etc/security/faillock.conf',
  pam: (service: string): string => `etc/pam.d/${service}`,
};

export const FAIL2BAN_FILTER_NAME = 'ftps-audit-vsftpd';
export const FAIL2BAN_JAIL_NAME = 'ftps-audit-vsftpd';
