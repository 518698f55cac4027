/**
 * The generator on its own and against the real tools that judge its output without a
 * daemon: the vsftpd parser (every line valid for the flavor, nothing the daemon refuses),
 * `openssl ciphers` (the cipher list is ECDHE+AEAD, TLS 1.2-only, for the key type),
 * iptables-restore/ip6tables-restore --test and nft -c (first half of invariant 4), and the
 * --from path on insecure configs modelled on hardening-guide mistakes (invariant 6: site
 * values kept, the result is a config the daemon accepts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate, writeTemplateFiles } from '../src/generate/command.js';
import { cipherListProblems, tls12CipherList, tls13Suites } from '../src/generate/ciphers.js';
import { BUILTIN_PACKS, defaultOptions, generateSet, TLS_MODES, TemplateUsageError, type GeneratedFile } from '../src/generate/index.js';
import { PACK_BOUNDS, resolveParams } from '../src/generate/pack-params.js';
import { VSFTPD_FLAVORS } from '../src/model/vsftpd.js';
import { optionSpec, parseVsftpdConf } from '../src/parsers/vsftpd/index.js';

const vsftpdConfs = (files: GeneratedFile[]): GeneratedFile[] => files.filter((f) => /vsftpd(-implicit)?\.conf$/.test(f.path));

function tool(cmd: string, args: string[], input?: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 }) };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

const CITATION = /45 CFR|PCI DSS|NIST SP|vsftpd|RFC|observed|site value|Mozilla|RH vsftpd|ftps-audit baseline/;

describe('generated vsftpd.conf', () => {
  for (const flavor of VSFTPD_FLAVORS) {
    for (const mode of TLS_MODES) {
      for (const packs of [[...BUILTIN_PACKS], ['pci-dss'], ['hipaa'], ['nist-800-52r2']] as const) {
        it(`${flavor} ${mode} [${packs.join(',')}]: every setting is known to the flavor, accepted, and has a cited comment above it`, () => {
          const files = generateSet(['vsftpd'], defaultOptions({ flavor, mode, packs: [...packs] }));
          expect(vsftpdConfs(files).length).toBe(mode === 'both' ? 2 : 1);
          for (const f of vsftpdConfs(files)) {
            const cfg = parseVsftpdConf(f.content, f.path, flavor);
            expect(cfg.issues.map((i) => `${i.code} ${i.message}`)).toEqual([]);
            expect(cfg.refusesToStart).toBe(false);
            const lines = f.content.split('\n');
            let settings = 0;
            lines.forEach((line, i) => {
              if (line === '' || line.startsWith('#')) return;
              settings += 1;
              const name = line.slice(0, line.indexOf('='));
              expect(optionSpec(flavor, name), `${name} unknown to ${flavor}`).toBeDefined();
              // The comment block right above: '#' in column 1, and a citation in it.
              const block: string[] = [];
              for (let j = i - 1; j >= 0 && lines[j]!.startsWith('#'); j--) block.push(lines[j]!);
              expect(block.length, `${line} has no comment above it`).toBeGreaterThanOrEqual(1);
              expect(block.join('\n'), `${line}: no citation`).toMatch(CITATION);
            });
            expect(settings).toBeGreaterThan(40);
            // Flavor-specific TLS version switches.
            if (flavor === 'rhel') expect(f.content).toMatch(/^ssl_tlsv1_1=NO$/m);
            else expect(f.content).not.toMatch(/^ssl_tlsv1_[123]=/m);
            expect(f.content).toMatch(/^anonymous_enable=NO$/m);
            expect(f.content).toMatch(/^seccomp_sandbox=NO$/m);
            expect(f.content).not.toMatch(/allow_writeable_chroot=YES/);
            expect(/^implicit_ssl=YES$/m.test(f.content)).toBe(f.path.includes('implicit') || mode === 'implicit');
          }
        });
      }
    }
  }

  it('pack parameters: the strictest bound wins, the baseline is never loosened', () => {
    const pci = resolveParams(['pci-dss']);
    expect(pci.faillockDeny.value).toBeLessThanOrEqual(10);
    expect(pci.faillockUnlockTime.value).toBeGreaterThanOrEqual(1800);
    expect(pci.idleSessionTimeout.value).toBeLessThanOrEqual(900);
    expect(pci.faillockUnlockTime.why).toMatch(/PCI DSS v4.0.1 Req. 8.3.4/);
    // A stricter bound from another pack wins over both the PCI bound and the baseline.
    PACK_BOUNDS['nist-800-52r2'].push({ param: 'idleSessionTimeout', value: 300, citation: 'test bound' });
    PACK_BOUNDS.hipaa.push({ param: 'faillockUnlockTime', value: 3600, citation: 'test unlock' });
    try {
      const both = resolveParams(['pci-dss', 'nist-800-52r2', 'hipaa']);
      expect(both.idleSessionTimeout).toEqual({ value: 300, why: 'test bound' });
      expect(both.faillockUnlockTime).toEqual({ value: 3600, why: 'test unlock' });
      const files = generateSet(['vsftpd', 'faillock'], defaultOptions({ packs: ['pci-dss', 'nist-800-52r2', 'hipaa'] }));
      expect(files.find((f) => f.path === 'etc/vsftpd.conf')!.content).toMatch(/^idle_session_timeout=300$/m);
      expect(files.find((f) => f.path === 'etc/security/faillock.conf')!.content).toMatch(/^unlock_time = 3600$/m);
      // A looser bound does not loosen: pci alone keeps the 600 s baseline under its 900 s limit.
      expect(resolveParams(['pci-dss']).idleSessionTimeout.value).toBe(600);
    } finally {
      PACK_BOUNDS['nist-800-52r2'].pop();
      PACK_BOUNDS.hipaa.pop();
    }
  });
});

describe('cipher lists, judged by the real openssl', () => {
  for (const keyType of ['rsa', 'ecdsa', 'unknown'] as const) {
    it(`${keyType}: every suite is ECDHE + AEAD and TLS 1.2-only; nothing is usable below TLS 1.2`, () => {
      const list = tls12CipherList(keyType, false).join(':');
      const v = tool('openssl', ['ciphers', '-v', '-tls1_2', list]);
      expect(v.ok, v.out).toBe(true);
      // openssl lists the default TLS 1.3 suites too; those are set elsewhere (OpenSSL config).
      const rows = v.out.trim().split('\n').filter((r) => !/\sTLSv1\.3\s/.test(r));
      expect(rows.length).toBe(keyType === 'unknown' ? 4 : 2);
      for (const row of rows) {
        expect(row).toMatch(/\sTLSv1\.2\s+Kx=ECDH\s+Au=(RSA|ECDSA)\s+Enc=AESGCM\(\d+\)\s+Mac=AEAD/);
        if (keyType !== 'unknown') expect(row).toContain(`Au=${keyType.toUpperCase()}`);
      }
      // A TLS 1.1 (or 1.0) handshake would find no suite at all (TLS 1.3 suites excluded: they
      // are not usable below 1.3 either). Control: a CBC suite is listed for TLS 1.1.
      for (const v of ['-tls1_1', '-tls1']) {
        expect(tool('openssl', ['ciphers', '-s', v, '-ciphersuites', '', list]).out.trim()).toBe('');
        expect(tool('openssl', ['ciphers', '-s', v, '-ciphersuites', '', `${list}:ECDHE-RSA-AES256-SHA`]).out.trim()).toBe('ECDHE-RSA-AES256-SHA');
      }
    });
  }

  it('the self-check (our OpenSSL cipher-string expander) accepts the generated lists and catches bad ones', () => {
    for (const kt of ['rsa', 'ecdsa', 'unknown'] as const) {
      expect(cipherListProblems(tls12CipherList(kt, false).join(':'), kt, false, tls13Suites(false))).toEqual([]);
    }
    // Controls: each weakness is named.
    expect(cipherListProblems('HIGH:@SECLEVEL=0', 'rsa', false, tls13Suites(false)).join('|')).toMatch(/below TLS 1.2/);
    expect(cipherListProblems('AES256-GCM-SHA384', 'rsa', false, tls13Suites(false)).join('|')).toMatch(/forward secrecy/);
    expect(cipherListProblems('ECDHE-RSA-CHACHA20-POLY1305', 'rsa', false, tls13Suites(false)).join('|')).toMatch(/NIST/);
    expect(cipherListProblems('ECDHE-ECDSA-AES128-GCM-SHA256', 'rsa', false, tls13Suites(false)).join('|')).toMatch(/no suite for an RSA certificate/);
    expect(cipherListProblems(tls12CipherList('rsa', false).join(':'), 'rsa', false, tls13Suites(true)).join('|')).toMatch(/ChaCha20 among the TLS 1.3/);
  });

  it('TLS 1.3 suites for the OpenSSL config are NIST-approved (no ChaCha20) and accepted by openssl', () => {
    const suites = tls13Suites(false);
    expect(suites.join(':')).not.toMatch(/CHACHA/);
    const r = tool('openssl', ['ciphers', '-s', '-tls1_3', '-ciphersuites', suites.join(':'), 'ECDHE-RSA-AES128-GCM-SHA256']);
    expect(r.ok, r.out).toBe(true);
    for (const s of suites) expect(r.out).toContain(s);
  });
});

describe('generated firewall files, checked by the real loaders (invariant 4, syntax)', () => {
  const variants = [[], ['192.0.2.0/24'], ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-fw-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const flavor of VSFTPD_FLAVORS) {
    for (const mode of TLS_MODES) {
      it(`${flavor} ${mode}: iptables-restore --test, ip6tables-restore --test and nft -c accept every variant`, () => {
        for (const allowFrom of variants) {
          const files = generateSet(['iptables', 'nftables'], defaultOptions({ flavor, mode, allowFrom, pasvRange: { min: 50000, max: 50100 } }));
          const [v4, v6] = files.filter((f) => f.kind === 'iptables');
          const r4 = tool('iptables-restore', ['--test'], v4!.content);
          expect(r4.ok, r4.out).toBe(true);
          const r6 = tool('ip6tables-restore', ['--test'], v6!.content);
          expect(r6.ok, r6.out).toBe(true);
          const nftFile = path.join(dir, `${flavor}-${mode}-${allowFrom.length}.nft`);
          writeFileSync(nftFile, files.find((f) => f.kind === 'nftables')!.content);
          const rn = tool('nft', ['-c', '-f', nftFile]);
          expect(rn.ok, rn.out).toBe(true);
          // The passive range is opened as written in vsftpd.conf, and nothing uses the FTP helper.
          expect(v4!.content).toContain('--dport 50000:50100');
          for (const f of files) expect(f.content).not.toMatch(/--helper|ct helper|nf_conntrack_ftp/);
        }
      });
    }
  }

  it('control: the loaders do reject a broken rule', () => {
    expect(tool('iptables-restore', ['--test'], '*filter\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n').ok).toBe(false);
    const bad = path.join(dir, 'bad.nft');
    writeFileSync(bad, 'table inet t { chain c { tcp dport 99999 accept } }\n');
    expect(tool('nft', ['-c', '-f', bad]).ok).toBe(false);
  });
});

describe('every line that matters in the other files sits under a comment', () => {
  // Structural lines that carry no decision of their own.
  const STRUCTURAL = /^\s*(\*filter|COMMIT|\}|table inet ftps_audit( \{)?|delete table inet ftps_audit|\[Definition\]|\[[a-z0-9-]+\]|chain (input|forward) \{|set [a-z0-9_]+ \{|type ipv4_addr|size \d+|flags (interval|dynamic)|timeout 1m|elements = .*|#!.*)$/;
  /** Lines that matter without a comment right above them (structural lines skipped). */
  const uncommented = (content: string): string[] => {
    const lines = content.split('\n');
    const bad: string[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '' || line.trim().startsWith('#') || STRUCTURAL.test(line)) return;
      let j = i - 1;
      while (j >= 0 && STRUCTURAL.test(lines[j]!)) j--;
      if (!(j >= 0 && lines[j]!.trim().startsWith('#'))) bad.push(`${i + 1}: ${line}`);
    });
    return bad;
  };
  for (const flavor of VSFTPD_FLAVORS) {
    it(`${flavor}: iptables, nftables, fail2ban, faillock and PAM files`, () => {
      const files = generateSet(['iptables', 'nftables', 'fail2ban', 'faillock'], defaultOptions({ flavor, mode: 'both', allowFrom: ['192.0.2.0/24'] }));
      expect(files.length).toBe(7);
      for (const f of files) expect(uncommented(f.content), f.path).toEqual([]);
    });
  }
  it('control: a rule whose comment is removed is caught', () => {
    const v4 = generateSet(['iptables'], defaultOptions())[0]!.content;
    const mutated = v4.replace(/^# Packets that belong to no known connection\.\n#.*\n/m, '');
    expect(mutated).not.toBe(v4);
    expect(uncommented(mutated)).toEqual([expect.stringContaining('--ctstate INVALID -j DROP')]);
  });
});

describe('systemd files, checked by systemd-analyze verify', () => {
  const analyze = existsSync('/usr/bin/systemd-analyze');
  it.skipIf(!analyze)('the implicit unit and the OPENSSL_CONF drop-in (merged into a vsftpd unit) verify', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-sd-'));
    try {
      const files = generateSet(['vsftpd'], defaultOptions({ mode: 'both' }));
      const unit = files.find((f) => f.path.endsWith('vsftpd-implicit.service'))!;
      const u = path.join(dir, 'vsftpd-implicit.service');
      writeFileSync(u, unit.content);
      const r1 = tool('systemd-analyze', ['verify', u]);
      expect(r1.ok, r1.out).toBe(true);
      // A drop-in is only read from systemd's own directories: verify the merged unit instead.
      const dropIn = files.find((f) => f.path.includes('vsftpd.service.d/'))!;
      expect(dropIn.content).toMatch(/^Environment=OPENSSL_CONF=\/etc\/ssl\/ftps-audit-vsftpd-openssl\.cnf$/m);
      const base = existsSync('/lib/systemd/system/vsftpd.service') ? readFileSync('/lib/systemd/system/vsftpd.service', 'utf8') : '[Unit]\nDescription=vsftpd\n[Service]\nExecStart=/usr/sbin/vsftpd /etc/vsftpd.conf\n';
      const merged = path.join(dir, 'vsftpd.service');
      writeFileSync(merged, `${base}\n${dropIn.content}`);
      const r2 = tool('systemd-analyze', ['verify', merged]);
      expect(r2.ok, r2.out).toBe(true);
      // Control: a unit with a bad setting is rejected.
      const bad = path.join(dir, 'bad.service');
      writeFileSync(bad, '[Service]\nBogus=1\n');
      expect(tool('systemd-analyze', ['verify', bad]).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('template command (library side)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-tplcmd-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects bad flags with usage errors', () => {
    expect(() => buildTemplate({ kind: 'vsftpd', pasvRange: '1000-1100' })).toThrow(TemplateUsageError);
    expect(() => buildTemplate({ kind: 'vsftpd', pasvRange: '40100-40000' })).toThrow(/below min/);
    expect(() => buildTemplate({ kind: 'vsftpd', cert: '/x.pem' })).toThrow(/--cert and --key go together/);
    expect(() => buildTemplate({ kind: 'iptables', allowFrom: ['10.0.0.0/33'] })).toThrow(/prefix length/);
    expect(() => buildTemplate({ kind: 'vsftpd', pasvAddress: 'ftp.example.com' })).toThrow(/IPv4 literal/);
    expect(() => buildTemplate({ kind: 'bogus' })).toThrow(TemplateUsageError);
    expect(() => buildTemplate({ kind: 'vsftpd', ftpUser: ['bad name'] })).toThrow(/not an account name/);
    expect(() => buildTemplate({ kind: 'vsftpd', mode: 'both', listenPort: 990 })).toThrow(/cannot listen on 990/);
  });

  it('--out-dir refuses to overwrite without --force, then overwrites with it', () => {
    const out = buildTemplate({ kind: 'all', ftpUser: ['alice'] });
    writeTemplateFiles(out.files, dir, false);
    expect(readFileSync(path.join(dir, 'etc/vsftpd.user_list'), 'utf8')).toMatch(/^alice$/m);
    expect(() => writeTemplateFiles(out.files, dir, false)).toThrow(/refusing to overwrite/);
    writeFileSync(path.join(dir, 'etc/vsftpd.conf'), 'changed');
    writeTemplateFiles(out.files, dir, true);
    expect(readFileSync(path.join(dir, 'etc/vsftpd.conf'), 'utf8')).toMatch(/^ssl_enable=YES$/m);
    expect((Number(execFileSync('stat', ['-c', '%a', path.join(dir, 'etc/vsftpd.conf')], { encoding: 'utf8' })))).toBe(600);
  });

  it('warns about an empty allow-list and a missing certificate', () => {
    const out = buildTemplate({ kind: 'vsftpd' });
    expect(out.warnings.join('\n')).toMatch(/allow-list .* is empty/);
    expect(out.warnings.join('\n')).toMatch(/no --cert/);
  });
});

/** Insecure inputs modelled on hardening-guide mistakes, each with the site values it must keep. */
const GUIDE_MISTAKES: { name: string; flavor: 'debian' | 'upstream' | 'rhel'; text: string; keep: Record<string, string>; mode?: 'implicit' }[] = [
  {
    name: 'spaces around =, inline comments, decimal umask, RHEL options on Debian, custom banner and port',
    flavor: 'debian',
    text: [
      'listen=YES',
      'listen_port=2121',
      'anonymous_enable = NO',
      'local_enable=YES # local users',
      'write_enable=YES',
      'local_umask=22',
      'ftpd_banner=Welcome to ACME Health file exchange',
      'ssl_enable=YES',
      'ssl_tlsv1_1=NO',
      'ssl_tlsv1_2=YES',
      'rsa_cert_file=/etc/ssl/acme/ftp.pem',
      'rsa_private_key_file=/etc/ssl/acme/ftp.key',
      'pasv_min_port=52000',
      'pasv_max_port=52100',
      'vsftpd_log_file=/var/log/acme/vsftpd.log',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'idle_session_timeout=300',
      '   # tuned by ops',
      'cmds_denied=site,dele',
      '',
    ].join('\n'),
    keep: {
      listen_port: '2121',
      ftpd_banner: 'Welcome to ACME Health file exchange',
      rsa_cert_file: '/etc/ssl/acme/ftp.pem',
      rsa_private_key_file: '/etc/ssl/acme/ftp.key',
      pasv_min_port: '52000',
      pasv_max_port: '52100',
      vsftpd_log_file: '/var/log/acme/vsftpd.log',
      secure_chroot_dir: '/var/run/vsftpd/empty',
      idle_session_timeout: '300',
      cmds_denied: 'SITE,DELE',
    },
  },
  {
    name: 'CRLF file, chroot list exemptions, writable chroot, anonymous left to the default, allow-list kept',
    flavor: 'debian',
    text: [
      'listen=YES',
      'local_enable=YES',
      'chroot_local_user=YES',
      'chroot_list_enable=YES',
      'chroot_list_file=/etc/vsftpd.chroot_list',
      'allow_writeable_chroot=YES',
      'userlist_enable=YES',
      'userlist_deny=NO',
      'userlist_file=/etc/vsftpd.allowed',
      'local_root=/srv/ftp/$USER',
      'user_sub_token=$USER',
      'ssl_enable=YES',
      'implicit_ssl=YES',
      'listen_port=990',
      'ssl_ciphers=HIGH:@SECLEVEL=0',
      '',
    ].join('\r\n'),
    keep: { userlist_file: '/etc/vsftpd.allowed', local_root: '/srv/ftp/$USER', user_sub_token: '$USER', listen_port: '990' },
    mode: 'implicit',
  },
  {
    name: 'RHEL guide: TLS 1.0 on, ssl_ciphers=PROFILE=SYSTEM replaced, pam service kept',
    flavor: 'rhel',
    text: ['anonymous_enable=NO', 'local_enable=YES', 'ssl_enable=YES', 'ssl_tlsv1=YES', 'ssl_tlsv1_1=YES', 'pam_service_name=ftpsvc', 'xferlog_std_format=YES', 'max_per_ip=0', 'banner_file=/etc/vsftpd/banner.txt', ''].join('\n'),
    keep: { pam_service_name: 'ftpsvc', banner_file: '/etc/vsftpd/banner.txt' },
  },
];

describe('--from on insecure configs (invariant 6, without the daemon)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ftps-audit-from-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const inputs = [...GUIDE_MISTAKES];
  const sample = path.resolve('samples/insecure/etc/vsftpd.conf');
  if (existsSync(sample)) {
    inputs.push({ name: 'samples/insecure/etc/vsftpd.conf', flavor: 'debian', text: readFileSync(sample, 'utf8'), keep: { rsa_cert_file: '/etc/ssl/private/vsftpd.pem', secure_chroot_dir: '/var/run/vsftpd/empty', pam_service_name: 'vsftpd' } });
  }

  for (const input of inputs) {
    it(`${input.name}: a valid hardened config that keeps the site values, with a diff`, () => {
      const file = path.join(dir, `${input.name.replace(/\W+/g, '_').slice(0, 40)}.conf`);
      writeFileSync(file, input.text);
      const out = buildTemplate({ kind: 'vsftpd', from: file, flavor: input.flavor });
      const conf = vsftpdConfs(out.files)[0]!;
      const cfg = parseVsftpdConf(conf.content, conf.path, input.flavor);
      expect(cfg.issues.map((i) => `${i.code}: ${i.message}`)).toEqual([]);
      expect(cfg.refusesToStart).toBe(false);
      for (const [k, v] of Object.entries(input.keep)) expect(cfg.effective(k)?.value === true ? 'YES' : String(cfg.effective(k)?.value), k).toBe(v);
      // The hardening itself is not negotiable.
      for (const [k, v] of Object.entries({ ssl_enable: true, force_local_logins_ssl: true, force_local_data_ssl: true, ssl_tlsv1: false, anonymous_enable: false, allow_writeable_chroot: false, chroot_list_enable: false, require_ssl_reuse: true })) {
        expect(cfg.effective(k)?.value, k).toBe(v);
      }
      if (input.mode) expect(cfg.effective('implicit_ssl')?.value).toBe(true);
      expect(cfg.effective('ssl_ciphers')?.value).not.toMatch(/SECLEVEL=0|HIGH|PROFILE/);
      expect(out.diff).toMatch(/^--- /);
      expect(out.diff).toMatch(/why: /);
      expect(out.diff).toMatch(/Summary: \d+ changed/);
    });
  }

  it('a deny-list userlist_file is not turned into the allow-list', () => {
    const file = path.join(dir, 'denylist.conf');
    writeFileSync(file, 'local_enable=YES\nuserlist_enable=YES\nuserlist_file=/etc/vsftpd.denied\n');
    const out = buildTemplate({ kind: 'vsftpd', from: file });
    const cfg = parseVsftpdConf(vsftpdConfs(out.files)[0]!.content, 'x', 'debian');
    expect(cfg.effective('userlist_file')?.value).toBe('/etc/vsftpd.user_list');
    expect(out.diff).toMatch(/DENY list/);
  });
});
