import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  CIPHER_SUITES, SSLV2_CIPHER_KINDS, findSuite, suiteByCode, suiteByIanaName, suiteByOpensslName, describeSuiteCode,
} from './suites.js';
import { groupByCode, groupByName } from './groups.js';
import { protocolByCode, protocolByName } from './protocols.js';

describe('cipher suite table', () => {
  it('covers the registry: legacy, modern and TLS 1.3 suites', () => {
    expect(CIPHER_SUITES.length).toBeGreaterThan(340);
    for (const code of [0x0003, 0x0004, 0x0009, 0x000a, 0x0007, 0x0096, 0x0041, 0xc03c, 0xc09c, 0xcca8, 0x0000, 0x0018, 0x008a, 0xc01a, 0x001e, 0xc100, 0x1301, 0x1302, 0x1303, 0x1304, 0x1305]) {
      expect(suiteByCode(code), `0x${code.toString(16)}`).toBeDefined();
    }
    expect(SSLV2_CIPHER_KINDS.map((k) => k.openssl)).toContain('DES-CBC3-MD5');
  });

  it('codes and names are unique', () => {
    expect(new Set(CIPHER_SUITES.map((s) => s.code)).size).toBe(CIPHER_SUITES.length);
    expect(new Set(CIPHER_SUITES.map((s) => s.iana)).size).toBe(CIPHER_SUITES.length);
  });

  it('describes a modern AEAD suite', () => {
    const s = suiteByOpensslName('ECDHE-RSA-AES256-GCM-SHA384')!;
    expect(s).toMatchObject({ code: 0xc030, hex: '0xC0,0x30', iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', kx: 'ECDHE', au: 'RSA', enc: 'AES', bits: 256, mode: 'GCM', aead: true, forwardSecrecy: true, minProtocol: 'TLSv1.2', usableBelowTls12: false, inLocalOpenssl: true, nistApproved: true });
    expect(s.weaknesses).toEqual([]);
  });

  it('classifies legacy suites', () => {
    expect(findSuite('EXP-RC4-MD5')!.weaknesses).toEqual(expect.arrayContaining(['export', 'rc4', 'md5', 'low-bits', 'no-fs']));
    expect(findSuite('DES-CBC3-SHA')!).toMatchObject({ inLocalOpenssl: false, usableBelowTls12: true });
    expect(findSuite('DES-CBC3-SHA')!.weaknesses).toEqual(expect.arrayContaining(['3des', 'cbc', 'sha1', 'no-fs']));
    expect(findSuite('TLS_DH_anon_WITH_AES_128_CBC_SHA')!.weaknesses).toContain('anonymous');
    expect(findSuite('AECDH-AES128-SHA')!.weaknesses).toContain('anonymous');
    expect(findSuite('NULL-SHA256')!.weaknesses).toContain('null-encryption');
    expect(findSuite('0xC0,0x13')!).toMatchObject({ openssl: 'ECDHE-RSA-AES128-SHA', minProtocol: 'TLSv1.0', usableBelowTls12: true, nistApproved: true });
    expect(findSuite('AES128-GCM-SHA256')!.weaknesses).toEqual(['no-fs']);
    expect(findSuite('ECDHE-ECDSA-CHACHA20-POLY1305')!.nistApproved).toBe(false);
  });

  it('TLS 1.3 suites are TLS 1.3 only; CHACHA20 is not NIST-approved', () => {
    for (const s of CIPHER_SUITES.filter((x) => x.code >> 8 === 0x13)) expect(s.tls13Only).toBe(true);
    expect(findSuite('TLS_CHACHA20_POLY1305_SHA256')!.nistApproved).toBe(false);
    expect(findSuite('TLS_AES_128_CCM_8_SHA256')!.nistApproved).toBe(true);
  });

  it('lookups are case-insensitive and describe unknown codes', () => {
    expect(suiteByIanaName('tls_rsa_with_aes_128_cbc_sha')!.code).toBe(0x002f);
    expect(describeSuiteCode(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(describeSuiteCode(0x0a0a)).toMatch(/GREASE/);
    expect(describeSuiteCode(0xfeff)).toMatch(/unknown/);
  });

  it('agrees with the local openssl on names and availability (real binary)', () => {
    const out = execFileSync('openssl', ['ciphers', '-V', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
    const seen = new Set<number>();
    for (const line of out.split('\n')) {
      const m = /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)/.exec(line);
      if (!m) continue;
      const code = parseInt(m[1]! + m[2]!, 16);
      seen.add(code);
      const s = suiteByCode(code)!;
      expect(s.iana).toBe(m[3]);
      expect(s.openssl).toBe(m[4]);
      expect(s.inLocalOpenssl).toBe(true);
    }
    expect(CIPHER_SUITES.filter((s) => s.inLocalOpenssl).map((s) => s.code).sort()).toEqual([...seen].sort());
  });
});

describe('groups and protocols', () => {
  it('knows the common groups', () => {
    expect(groupByCode(29)!.iana).toBe('x25519');
    expect(groupByName('prime256v1')!.code).toBe(23);
    expect(groupByName('P-384')!.securityBits).toBe(192);
    expect(groupByCode(0x11ec)!.iana).toBe('X25519MLKEM768');
  });
  it('maps protocol names and codes', () => {
    expect(protocolByCode(0x0302)!.name).toBe('TLSv1.1');
    expect(protocolByName('TLSv1')!.code).toBe(0x0301);
    expect(protocolByName('tls1_2')!.name).toBe('TLSv1.2');
    expect(protocolByName('SSLv3')!.code).toBe(0x0300);
    expect(protocolByCode(0x7f1c)!.name).toBe('TLSv1.3');
  });
});
