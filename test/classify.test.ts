import { describe, expect, it } from 'vitest';
import { classify } from '../src/discover/classify.js';

const kind = (file: string, text: string): string | undefined => classify(file, Buffer.from(text), true)?.kind;

describe('classify: content first, name second', () => {
  it('recognises a vsftpd.conf by its options whatever it is called, and an empty one by name', () => {
    expect(kind('roles/ftp/templates/server.cfg.j2', 'listen=YES\nssl_enable=YES\n')).toBe('vsftpd-conf');
    expect(kind('etc/vsftpd.conf', '')).toBe('vsftpd-conf');
    expect(kind('etc/vsftpd-implicit.conf', '# all defaults\n')).toBe('vsftpd-conf');
    expect(kind('README.md', 'Set ssl enable to yes.\n')).toBeUndefined();
  });

  it('stock pwquality.conf, faillock.conf and login.defs with every line commented out still count (their defaults are judged)', () => {
    expect(kind('etc/security/pwquality.conf', '# minlen = 8\n')).toBe('pwquality');
    expect(kind('etc/security/pwquality.conf.d/50-site.conf', '# nothing\n')).toBe('pwquality');
    expect(kind('etc/security/faillock.conf', '# deny = 3\n')).toBe('faillock');
    expect(kind('etc/login.defs', '# PASS_MAX_DAYS 99999\n')).toBe('login-defs');
  });

  it("fail2ban's action.d files quote nft/iptables commands but are not host rulesets", () => {
    const action = '[Definition]\nactionstart = nft add table inet f2b-table\n  table inet f2b-table {\n';
    expect(kind('etc/fail2ban/action.d/nftables.conf', action)).not.toBe('nftables');
    expect(kind('etc/fail2ban/action.d/nftables.conf', '')).not.toBe('nftables');
    expect(kind('etc/nftables.conf', 'flush ruleset\ntable inet filter {\n}\n')).toBe('nftables');
  });
});
