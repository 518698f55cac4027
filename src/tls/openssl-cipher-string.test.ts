import { describe, expect, it } from 'vitest';
import { cipherAllowedAtLevel, expandCipherString, OPENSSL_DEFAULT_SECURITY_LEVEL } from './openssl-cipher-string.js';
import { findSuite } from './suites.js';

const names = (xs: readonly { openssl: string | null }[]): (string | null)[] => xs.map((x) => x.openssl);

describe('expandCipherString: verdicts an auditor relies on', () => {
  it("vsftpd's default: one TLS 1.2 AEAD suite, RSA certificate, no TLS 1.0/1.1", () => {
    const e = expandCipherString('ECDHE-RSA-AES256-GCM-SHA384');
    expect(e.status).toBe('ok');
    expect(names(e.enabled)).toEqual(['ECDHE-RSA-AES256-GCM-SHA384']);
    expect(e.securityLevel).toBe(OPENSSL_DEFAULT_SECURITY_LEVEL);
    expect(e.securityLevelFromString).toBe(false);
    expect(e.facts).toMatchObject({ usableBelowTls12: false, servesRsaCert: true, servesEcdsaCert: false, allNistApproved: true, admitsCbc: false, admitsNoForwardSecrecy: false });
    expect(names(e.tls13)).toEqual(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']);
  });

  it("the Debian man page's DES-CBC3-SHA selects nothing in OpenSSL 3: vsftpd refuses to start", () => {
    const e = expandCipherString('DES-CBC3-SHA');
    expect(e.status).toBe('no-cipher-match');
    expect(e.reason).toMatch(/could not set cipher list/);
    expect(e.notes).toEqual([expect.objectContaining({ kind: 'not-in-build', word: 'DES-CBC3-SHA', offset: 0 })]);
    expect(e.enabled).toEqual([]);
  });

  it('PROFILE=SYSTEM cannot be expanded offline', () => {
    const e = expandCipherString('PROFILE=SYSTEM');
    expect(e.status).toBe('unknown');
    expect(e.reason).toMatch(/crypto-polic/);
  });

  it('@SECLEVEL=0 lets anonymous suites and TLS 1.0/1.1 in', () => {
    const e = expandCipherString('ALL:@SECLEVEL=0');
    expect(e).toMatchObject({ status: 'ok', securityLevel: 0, securityLevelFromString: true });
    expect(e.facts).toMatchObject({ admitsAnonymous: true, admitsNull: false, usableBelowTls12: true, usableBelowTls12WithRsaCert: true, admitsSha1: true, admitsCbc: true });
    // ALL excludes eNULL; COMPLEMENTOFALL adds it.
    expect(expandCipherString('ALL:COMPLEMENTOFALL:@SECLEVEL=0').facts.admitsNull).toBe(true);
  });

  it('HIGH at the default level still admits RSA key transport and CBC, but not TLS 1.0', () => {
    const e = expandCipherString('HIGH');
    expect(e.facts).toMatchObject({ admitsNoForwardSecrecy: true, admitsCbc: true, admitsAnonymous: false, usableBelowTls12: false, allNistApproved: false });
    expect(e.configured.some((s) => s.au === 'anon')).toBe(true); // listed, but the level filters them
  });

  it('a starting security level can be given (e.g. from openssl.cnf) and the string overrides it', () => {
    expect(expandCipherString('HIGH', { securityLevel: 0 }).facts.usableBelowTls12).toBe(true);
    expect(expandCipherString('HIGH:@SECLEVEL=2', { securityLevel: 0 }).securityLevel).toBe(2);
    expect(expandCipherString('HIGH', { securityLevel: 3 }).facts.admitsNoForwardSecrecy).toBe(false);
  });

  it('reports invalid commands and ignored words with offsets', () => {
    const bad = expandCipherString('HIGH:@FOO');
    expect(bad.status).toBe('invalid-command');
    expect(bad.notes[0]).toMatchObject({ kind: 'invalid-command', word: '@FOO', offset: 5 });
    const unknown = expandCipherString('HIGH:NOSUCHCIPHER');
    expect(unknown.status).toBe('ok');
    expect(unknown.notes).toEqual([expect.objectContaining({ kind: 'unknown-word', word: 'NOSUCHCIPHER', offset: 5 })]);
    const iana = expandCipherString('TLS_AES_128_GCM_SHA256');
    expect(iana.status).toBe('no-cipher-match');
    expect(iana.notes[0]!.kind).toBe('iana-name');
  });

  it('operators: ! is final, - can be re-added, + moves to the end', () => {
    expect(expandCipherString('ALL:!AES:AES').enabled.some((s) => s.enc === 'AES')).toBe(false);
    expect(expandCipherString('ALL:-AES:AES').enabled.some((s) => s.enc === 'AES')).toBe(true);
    const moved = expandCipherString('ECDHE+AESGCM:+AES128').enabled;
    expect(moved.at(-1)!.bits).toBe(128);
    expect(moved[0]!.bits).toBe(256);
  });

  it('SUITEB128 replaces the whole string', () => {
    const e = expandCipherString('SUITEB128:@SECLEVEL=0');
    expect(e.suiteB).toBe('128');
    expect(names(e.enabled)).toEqual(['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
    expect(e.securityLevel).toBe(OPENSSL_DEFAULT_SECURITY_LEVEL);
  });

  it('PSK and SRP suites are listed but never negotiated without callbacks (vsftpd sets none)', () => {
    const e = expandCipherString('PSK');
    expect(e.status).toBe('ok');
    expect(e.configured.length).toBeGreaterThan(0);
    expect(e.enabled).toEqual([]);
    expect(expandCipherString('PSK:@SECLEVEL=0', { pskEnabled: true }).enabled.length).toBe(e.configured.length);
  });
});

describe('cipherAllowedAtLevel (OpenSSL 3.0 security callback)', () => {
  const s = (n: string) => findSuite(n)!;
  it('applies the per-level rules', () => {
    expect(cipherAllowedAtLevel(s('ADH-AES128-SHA'), 0)).toBe(true);
    expect(cipherAllowedAtLevel(s('ADH-AES128-SHA'), 1)).toBe(false);
    expect(cipherAllowedAtLevel(s('NULL-MD5'), 1)).toBe(false);
    expect(cipherAllowedAtLevel(s('NULL-SHA'), 1)).toBe(false); // 0 bits
    expect(cipherAllowedAtLevel(s('AES128-SHA'), 3)).toBe(false); // no forward secrecy
    expect(cipherAllowedAtLevel(s('ECDHE-RSA-AES128-SHA'), 3)).toBe(true);
    expect(cipherAllowedAtLevel(s('ECDHE-RSA-AES256-SHA'), 4)).toBe(false); // SHA-1 above 160 bits
    expect(cipherAllowedAtLevel(s('ECDHE-RSA-AES128-GCM-SHA256'), 4)).toBe(false); // 128 < 192
    expect(cipherAllowedAtLevel(s('TLS_AES_256_GCM_SHA384'), 5)).toBe(true);
  });
});
