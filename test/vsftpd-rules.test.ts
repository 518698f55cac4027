import { describe, expect, it } from 'vitest';
import { allChecks } from '../src/checks/index.js';
import { loadCatalogue } from '../src/engine/catalogue.js';
import type { VsftpdFlavor } from '../src/model/vsftpd.js';
import { judgeVsftpd } from './helpers/judge.js';

/**
 * Every vsftpd rule, with a config that trips it and one that does not (zlint keeps a
 * test beside every lint; this table is ours). A base of sane settings keeps each case
 * about its one defect.
 */
const TLS = 'ssl_enable=YES\nlocal_enable=YES\n';

interface Case {
  fail: string;
  pass: string;
  flavor?: VsftpdFlavor;
  /** Text the failure message must contain (proves the message is specific). */
  says?: RegExp;
  line?: number;
}

const cases: Record<string, Case> = {
  'vsftpd/ssl-disabled': { fail: 'ssl_enable=NO\n', pass: 'ssl_enable=YES\n', says: /set on line 1/, line: 1 },
  'vsftpd/local-logins-not-forced-tls': { fail: TLS + 'force_local_logins_ssl=NO\n', pass: TLS, line: 3 },
  'vsftpd/local-data-not-forced-tls': { fail: TLS + 'force_local_data_ssl=NO\n', pass: TLS + 'force_local_data_ssl=YES\n' },
  'vsftpd/anonymous-enabled': { fail: 'local_enable=YES\n', pass: 'anonymous_enable=NO\n', says: /debian build default/ },
  'vsftpd/anonymous-without-tls': { fail: 'ssl_enable=YES\nanonymous_enable=YES\n', pass: 'ssl_enable=YES\nanonymous_enable=YES\nallow_anon_ssl=YES\nforce_anon_logins_ssl=YES\nforce_anon_data_ssl=YES\n' },
  'vsftpd/anonymous-write': { fail: 'anonymous_enable=YES\nwrite_enable=YES\nanon_upload_enable=YES\n', pass: 'anonymous_enable=YES\nwrite_enable=YES\n' },
  'vsftpd/sslv2-enabled': { fail: 'ssl_enable=YES\nssl_sslv2=YES\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/sslv3-enabled': { fail: 'ssl_enable=YES\nssl_sslv3=yes\n', pass: 'ssl_enable=YES\nssl_sslv3=NO\n' },
  'vsftpd/tlsv1-switch-on': { fail: 'ssl_enable=YES\n', pass: 'ssl_enable=YES\nssl_tlsv1=NO\n', says: /allows TLS 1\.0/ },
  'vsftpd/tlsv1-1-enabled': { fail: 'ssl_enable=YES\nssl_tlsv1_1=YES\n', pass: 'ssl_enable=YES\nssl_tlsv1_1=NO\n', flavor: 'rhel' },
  'vsftpd/ssl-reuse-not-required': { fail: 'ssl_enable=YES\nrequire_ssl_reuse=NO\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/strict-ssl-read-eof-off': { fail: 'ssl_enable=YES\nstrict_ssl_read_eof=NO\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/implicit-ssl-without-ssl': { fail: 'implicit_ssl=YES\n', pass: 'implicit_ssl=YES\nssl_enable=YES\n' },
  'vsftpd/client-cert-not-validated': { fail: 'ssl_enable=YES\nrequire_cert=YES\n', pass: 'ssl_enable=YES\nrequire_cert=YES\nvalidate_cert=YES\n' },
  'vsftpd/debug-ssl-on': { fail: 'ssl_enable=YES\ndebug_ssl=YES\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/cipher-list-rejected': { fail: 'ssl_enable=YES\nssl_ciphers=DES-CBC3-SHA\n', pass: 'ssl_enable=YES\n', says: /refuses to start/ },
  'vsftpd/ciphers-insecure': { fail: 'ssl_enable=YES\nssl_ciphers=ALL:@SECLEVEL=0\n', pass: 'ssl_enable=YES\nssl_ciphers=HIGH\n', says: /anonymous/ },
  'vsftpd/ciphers-no-forward-secrecy': { fail: 'ssl_enable=YES\nssl_ciphers=HIGH\n', pass: 'ssl_enable=YES\nssl_ciphers=ECDHE+AESGCM\n', says: /AES256-GCM-SHA384/ },
  'vsftpd/ciphers-seclevel-zero': { fail: 'ssl_enable=YES\nssl_ciphers=DEFAULT:@SECLEVEL=0\n', pass: 'ssl_enable=YES\nssl_ciphers=DEFAULT\n' },
  'vsftpd/ciphers-not-nist-approved': { fail: 'ssl_enable=YES\nssl_ciphers=ECDHE-RSA-CHACHA20-POLY1305\n', pass: 'ssl_enable=YES\n', says: /CHACHA20/ },
  // TLS 1.0/1.1 need a suite usable below 1.2 AND security level 0 on OpenSSL 3.
  'vsftpd/tls-below-1.2-accepted': { fail: 'ssl_enable=YES\nssl_ciphers=ALL:@SECLEVEL=0\n', pass: 'ssl_enable=YES\nssl_ciphers=HIGH\n', says: /TLS 1\.0 and TLS 1\.1 can be negotiated/ },
  'vsftpd/chroot-not-enabled': { fail: 'local_enable=YES\n', pass: 'local_enable=YES\nchroot_local_user=YES\n' },
  'vsftpd/chroot-list-inverted': { fail: 'local_enable=YES\nchroot_local_user=YES\nchroot_list_enable=YES\n', pass: 'local_enable=YES\nchroot_local_user=YES\n' },
  'vsftpd/writeable-chroot-allowed': { fail: 'allow_writeable_chroot=YES\n', pass: 'allow_writeable_chroot=NO\n' },
  // 22 without a leading 0 is decimal 22 = octal 026: group may not write, but others may read.
  'vsftpd/local-umask-weak': { fail: 'local_enable=YES\nlocal_umask=22\n', pass: 'local_enable=YES\nlocal_umask=027\n', says: /decimal 22 = octal 026/ },
  'vsftpd/anon-umask-weak': { fail: 'anonymous_enable=YES\nanon_upload_enable=YES\nanon_umask=022\n', pass: 'anonymous_enable=YES\nanon_upload_enable=YES\nanon_umask=077\n' },
  'vsftpd/promiscuous-data-connections': { fail: 'pasv_promiscuous=YES\n', pass: 'port_promiscuous=NO\n' },
  'vsftpd/commands-lowercase': { fail: 'cmds_denied=SITE,dele\n', pass: 'cmds_denied=SITE,DELE\n' },
  'vsftpd/guest-enabled': { fail: 'guest_enable=YES\n', pass: 'guest_enable=NO\n' },
  'vsftpd/userlist-not-allowlist': { fail: 'local_enable=YES\nuserlist_enable=YES\n', pass: 'local_enable=YES\nuserlist_enable=YES\nuserlist_deny=NO\n' },
  'vsftpd/ls-recurse-enabled': { fail: 'ls_recurse_enable=YES\n', pass: 'ls_recurse_enable=NO\n' },
  'vsftpd/version-banner': { fail: 'listen=YES\n', pass: 'ftpd_banner=Authorised use only.\n' },
  'vsftpd/version-in-banner': { fail: 'ftpd_banner=Welcome to vsFTPd 3.0.3\n', pass: 'ftpd_banner=Authorised use only.\n' },
  'vsftpd/isolation-disabled': { fail: 'isolate_network=NO\n', pass: 'isolate=YES\n' },
  'vsftpd/seccomp-breaks-tls': { fail: 'ssl_enable=YES\nseccomp_sandbox=YES\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/all-access-disabled': { fail: 'anonymous_enable=NO\n', pass: 'anonymous_enable=NO\nlocal_enable=YES\n' },
  'vsftpd/unlimited-clients': { fail: 'max_per_ip=abc\n', pass: 'max_per_ip=5\n', says: /max_per_ip is 0/ },
  'vsftpd/login-failure-limit': { fail: 'max_login_fails=10\n', pass: 'max_login_fails=3\n' },
  'vsftpd/idle-timeout-too-long': { fail: 'idle_session_timeout=3600\n', pass: 'idle_session_timeout=600\n' },
  'vsftpd/pasv-range-unbounded': { fail: 'pasv_min_port=50000\n', pass: 'pasv_min_port=40000\npasv_max_port=40100\n', says: /50000–65535/ },
  'vsftpd/pasv-address-not-ip': { fail: 'pasv_address=ftp.example.org\n', pass: 'pasv_address=203.0.113.10\n' },
  'vsftpd/no-logging': { fail: 'xferlog_enable=NO\n', pass: 'xferlog_enable=YES\n' },
  'vsftpd/xferlog-only-no-logins': { fail: 'xferlog_enable=YES\nxferlog_std_format=YES\n', pass: 'xferlog_enable=YES\nxferlog_std_format=YES\ndual_log_enable=YES\n' },
  'vsftpd/protocol-not-logged': { fail: 'log_ftp_protocol=NO\n', pass: 'log_ftp_protocol=YES\n' },
  'vsftpd/unknown-option': { fail: 'ssl_enable=YES\nssl_tlsv1_2=YES\n', pass: 'ssl_enable=YES\n', says: /refuses to start/, line: 2 },
  'vsftpd/space-around-equals': { fail: 'ssl_enable = YES\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/bad-boolean': { fail: 'ssl_enable=YES # on\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/missing-value': { fail: 'max_per_ip=\n', pass: 'max_per_ip=5\n' },
  'vsftpd/indented-comment': { fail: '  # note\n', pass: '# note\n' },
  'vsftpd/crlf-line-endings': { fail: 'ssl_enable=YES\r\n', pass: 'ssl_enable=YES\n' },
  'vsftpd/numeric-junk': { fail: 'max_per_ip=5 # per host\n', pass: 'max_per_ip=5\n' },
  'vsftpd/file-truncated': { fail: '#' + 'x'.repeat(100_001) + '\nssl_enable=YES\n', pass: '#' + 'x'.repeat(1000) + '\nssl_enable=YES\n' },
  'vsftpd/duplicate-option': { fail: 'listen_port=2121\nlisten_port=2122\n', pass: 'listen_port=2121\n' },
  'vsftpd/listen-both': { fail: 'listen=YES\nlisten_ipv6=YES\n', pass: 'listen=NO\nlisten_ipv6=YES\n' },
};

describe('vsftpd rules: each trips on its defect and passes without it', () => {
  it('covers every vsftpd rule in the catalogue', async () => {
    const catalogue = await loadCatalogue(allChecks());
    const ids = [...catalogue.keys()].filter((id) => id.startsWith('vsftpd/')).sort();
    expect(Object.keys(cases).sort()).toEqual(ids);
  });

  for (const [ruleId, c] of Object.entries(cases)) {
    it(ruleId, async () => {
      const failing = await judgeVsftpd(c.fail, ruleId, c.flavor);
      expect(failing.map((r) => r.status)).toContain('fail');
      const fail = failing.find((r) => r.status === 'fail')!;
      expect(fail.location?.file).toBe('etc/vsftpd.conf');
      if (c.says) expect(fail.message).toMatch(c.says);
      if (c.line) expect(fail.location?.line).toBe(c.line);
      expect(fail.controls.length).toBeGreaterThan(0);
      const passing = await judgeVsftpd(c.pass, ruleId, c.flavor);
      expect(passing.map((r) => r.status)).not.toContain('fail');
      expect(passing.map((r) => r.status)).toContain('pass');
    });
  }

  it('says which build a default came from, and follows --vsftpd-flavor', async () => {
    const deb = await judgeVsftpd('ssl_enable=YES\n', 'vsftpd/tlsv1-switch-on', 'debian');
    expect(deb[0].status).toBe('fail');
    expect(deb[0].message).toMatch(/debian build default/);
    expect(deb[0].assumptions?.join()).toMatch(/ssl_tlsv1=YES/);
    const rhel = await judgeVsftpd('ssl_enable=YES\n', 'vsftpd/tlsv1-switch-on', 'rhel');
    expect(rhel[0].status).toBe('pass');
    expect(rhel[0].message).toMatch(/rhel build default/);
  });

  it('TLS 1.1 stays negotiable on Debian with ssl_tlsv1=NO when the cipher list admits it', async () => {
    const r = await judgeVsftpd('ssl_enable=YES\nssl_tlsv1=NO\nssl_ciphers=ALL:@SECLEVEL=0\n', 'vsftpd/tls-below-1.2-accepted');
    expect(r[0].status).toBe('fail');
    expect(r[0].message).toMatch(/^TLS 1\.1 can be negotiated/);
  });

  it('PROFILE=SYSTEM (RHEL crypto policies) cannot be judged offline and says so', async () => {
    const r = await judgeVsftpd('ssl_enable=YES\n', 'vsftpd/ciphers-insecure', 'rhel');
    expect(r[0].status).toBe('not-evaluated');
    expect(r[0].message).toMatch(/PROFILE=SYSTEM/);
  });

  it('RHEL-only options are not applicable on Debian, and Debian has no ssl_tlsv1_1', async () => {
    const r = await judgeVsftpd('ssl_enable=YES\n', 'vsftpd/tlsv1-1-enabled', 'debian');
    expect(r.map((x) => x.status)).toEqual(['not-applicable']);
    expect(r[0].message).toMatch(/debian/);
  });

  it('keeps the fingerprint when unrelated lines move the finding', async () => {
    const a = await judgeVsftpd('ssl_enable=NO\n', 'vsftpd/ssl-disabled');
    const b = await judgeVsftpd('# a comment\nlisten=YES\n\nssl_enable=NO\n', 'vsftpd/ssl-disabled');
    expect(b[0].location?.line).toBe(4);
    expect(b[0].fingerprint).toBe(a[0].fingerprint);
  });
});
