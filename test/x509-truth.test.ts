import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIP } from 'node:net';
import type { CheckOutcome, RuleDefinition } from '../src/engine/types.js';
import type { Inventory } from '../src/model/inventory.js';
import { checks } from '../src/checks/x509/index.js';
import { clearTrustStoreCache } from '../src/checks/x509/chain.js';
import { inventoryOf, openssl, opensslStatus, TestPki, type Issued, type KeySpec } from './helpers/pki.js';

/**
 * Truth tests: for every generated case, our verdicts on expiry, validity start, chain trust,
 * hostname and key match agree with the real openssl CLI:
 *   expiry          openssl x509 -checkend 0 / -checkend DAYS*86400
 *   not yet valid   openssl verify -partial_chain -CAfile LEAF LEAF  (error "not yet valid")
 *   chain trust     openssl verify -no_check_time -auth_level 0 -CAfile ANCHORS -untrusted REST LEAF
 *   hostname        openssl verify ... -partial_chain -CAfile LEAF -verify_hostname H | -verify_ip IP
 *   key match       openssl x509 -pubkey  vs  openssl pkey -pubout
 * (-auth_level 0 keeps weak-digest and key-size policy out of the trust verdict: those are
 * other rules; -no_check_time keeps dates out of it: x509/expired judges them.)
 */

const KEY_TYPES: KeySpec[] = ['rsa2048', 'rsa-pss', 'p256', 'p384', 'p521', 'ed25519'];
const HOSTNAMES = ['ftp.example.test', 'FTP.Example.Test', 'ftp.example.test.', '2001:db8::1', 'x.wild.test', 'a.b.wild.test', 'wild.test', '192.0.2.9', '192.0.2.10', 'cn.example.test', 'xftp.example.test'];
const WARNING_DAYS = 30;

type Variant = 'clean' | 'expired' | 'not-yet-valid' | 'expiring' | 'self-signed' | 'missing-intermediate' | 'other-root' | 'no-san' | 'md5' | 'long-chain-reversed' | 'impostor';

interface Case {
  name: string;
  leaf: Issued;
  /** PEM files the server would send (leaf first), as served-file parts. */
  served: string[];
}

function rule(name: string): RuleDefinition {
  return { id: `x509/${name}`, title: name, rationale: '', severity: 'high', target: 'x509', check: `x509.${name}`, messages: {}, remediation: { text: '' }, references: [] };
}

function run(name: string, inv: Inventory, params: Record<string, unknown> = {}): CheckOutcome[] {
  const check = checks.find((c) => c.name === `x509.${name}`)!;
  return check.appliesTo(inv) ? check.run({ inventory: inv, params, rule: rule(name) }) : [];
}

describe('truth: our verdicts agree with the openssl CLI for every generated case', () => {
  let pki: TestPki;
  let root: Issued;
  let inter: Issued;
  let otherRoot: Issued;
  /** Same name as the trusted root, different key: only the signature check can tell. */
  let impostor: Issued;
  const cases: Case[] = [];
  const tally: Record<string, { agree: number; total: number; yes: number }> = {};
  /** verdict: openssl's answer (true = expired / trusted / matches ...). */
  const count = (what: string, agree: boolean, verdict: boolean): void => {
    tally[what] ??= { agree: 0, total: 0, yes: 0 };
    tally[what]!.total++;
    if (agree) tally[what]!.agree++;
    if (verdict) tally[what]!.yes++;
  };

  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('truth-root', 'rsa2048');
    inter = pki.sign('truth-inter', pki.key('truth-inter', 'p384'), { subject: '/CN=truth-inter', ca: true, san: [], startDays: -30, endDays: 1500, extendedKeyUsage: null }, root);
    otherRoot = pki.rootCa('other-root', 'p256');
    impostor = pki.sign('impostor-root', pki.key('impostor-root', 'rsa2048'), { subject: '/CN=truth-root', ca: true, san: [], startDays: -30, endDays: 3650, extendedKeyUsage: null }, undefined);
    pki.concat('anchors.pem', [root.cert]);
    const san = ['DNS:ftp.example.test', 'DNS:*.wild.test', 'IP:192.0.2.9'];
    const variants: Variant[] = ['clean', 'expired', 'not-yet-valid', 'expiring', 'self-signed', 'missing-intermediate', 'other-root', 'no-san', 'md5', 'long-chain-reversed', 'impostor'];
    for (const key of KEY_TYPES) {
      for (const v of variants) {
        if (v === 'md5' && !key.startsWith('rsa2048')) continue; // MD5 signatures exist only with RSA issuers in practice
        const name = `${key}-${v}`;
        const subject = v === 'no-san' ? '/CN=cn.example.test' : `/CN=${name}`;
        const spec = {
          subject,
          san: v === 'no-san' ? [] : san,
          startDays: v === 'not-yet-valid' ? 3 : v === 'expired' ? -200 : -1,
          endDays: v === 'expired' ? -1 : v === 'expiring' ? 10 : 200,
          ...(v === 'md5' ? { md: 'md5' } : {}),
        };
        if (v === 'self-signed') {
          const l = pki.issue(name, key, spec, undefined);
          cases.push({ name, leaf: l, served: [l.cert] });
        } else if (v === 'other-root') {
          const l = pki.issue(name, key, spec, otherRoot);
          cases.push({ name, leaf: l, served: [l.cert, otherRoot.cert] });
        } else if (v === 'impostor') {
          const l = pki.issue(name, key, spec, impostor);
          cases.push({ name, leaf: l, served: [l.cert] });
        } else if (v === 'md5') {
          const l = pki.issue(name, key, spec, root);
          cases.push({ name, leaf: l, served: [l.cert] });
        } else {
          const l = pki.issue(name, key, spec, inter);
          const served = v === 'missing-intermediate' ? [l.cert] : v === 'long-chain-reversed' ? [l.cert, root.cert, inter.cert] : [l.cert, inter.cert];
          cases.push({ name, leaf: l, served });
        }
      }
    }
    clearTrustStoreCache();
  }, 300_000);

  afterAll(() => {
    const lines = Object.entries(tally).map(([k, t]) => `${k}: ${t.agree}/${t.total} agree (openssl yes ${t.yes}, no ${t.total - t.yes})`);
    console.log(`openssl agreement (${cases.length} certificates)\n  ${lines.join('\n  ')}`);
    pki.cleanup();
  });

  it('expiry, not-yet-valid, expiring-soon, chain trust and hostnames', () => {
    const disagreements: string[] = [];
    for (const c of cases) {
      const file = `served-${c.name}.pem`;
      pki.concat(file, c.served);
      const inv = inventoryOf(pki.dir, [file], { caFile: pki.path('anchors.pem'), hostnames: HOSTNAMES, expiryWarningDays: WARNING_DAYS });
      const fp = inv.models.x509![0]!.certificates[0]!.fingerprintSha256;
      const mine = (name: string): CheckOutcome[] => run(name, inv).filter((o) => o.key.startsWith(`sha256:${fp}`));

      // expiry: openssl x509 -checkend 0 exits 1 when the certificate has expired
      const expiredOssl = !opensslStatus(['x509', '-in', c.leaf.cert, '-noout', '-checkend', '0']).ok;
      const expiredOurs = mine('expired')[0]!.status === 'fail';
      count('expired', expiredOssl === expiredOurs, expiredOssl);
      if (expiredOssl !== expiredOurs) disagreements.push(`${c.name}: expired openssl=${expiredOssl} ours=${expiredOurs}`);

      const soonOssl = !opensslStatus(['x509', '-in', c.leaf.cert, '-noout', '-checkend', String(WARNING_DAYS * 86_400)]).ok && !expiredOssl;
      const soonOurs = mine('expiring-soon')[0]?.status === 'fail';
      count('expiring-soon', soonOssl === soonOurs, soonOssl);
      if (soonOssl !== soonOurs) disagreements.push(`${c.name}: expiring openssl=${soonOssl} ours=${soonOurs}`);

      const early = opensslStatus(['verify', '-auth_level', '0', '-partial_chain', '-CAfile', c.leaf.cert, c.leaf.cert]);
      const earlyOssl = /not yet valid/.test(early.out);
      const earlyOurs = mine('not-yet-valid')[0]!.status === 'fail';
      count('not-yet-valid', earlyOssl === earlyOurs, earlyOssl);
      if (earlyOssl !== earlyOurs) disagreements.push(`${c.name}: not-yet-valid openssl=${earlyOssl} ours=${earlyOurs}`);

      // chain trust, as a client that trusts anchors.pem sees the served file
      const rest = c.served.slice(1);
      const untrustedArgs = rest.length > 0 ? ['-untrusted', pki.concat(`untrusted-${c.name}.pem`, rest)] : [];
      const trust = opensslStatus(['verify', '-no_check_time', '-auth_level', '0', '-CAfile', pki.path('anchors.pem'), ...untrustedArgs, c.leaf.cert]);
      const trustedOssl = trust.ok && /: OK/.test(trust.out);
      const trustedOurs = mine('untrusted')[0]!.status === 'pass';
      count('chain trust', trustedOssl === trustedOurs, trustedOssl);
      if (trustedOssl !== trustedOurs) disagreements.push(`${c.name}: trusted openssl=${trustedOssl} ours=${trustedOurs} (${trust.out.trim()})`);

      // hostnames, isolated from the chain by trusting the leaf itself
      const hostOutcomes = run('hostname-mismatch', inv).filter((o) => o.key.startsWith(`sha256:${fp}#`));
      for (const host of HOSTNAMES) {
        const flag = isIP(host) ? '-verify_ip' : '-verify_hostname';
        const v = opensslStatus(['verify', '-no_check_time', '-auth_level', '0', '-partial_chain', '-CAfile', c.leaf.cert, flag, host, c.leaf.cert]);
        const okOssl = v.ok && /: OK/.test(v.out);
        const okOurs = hostOutcomes.find((o) => o.data?.hostname === host)!.status === 'pass';
        count('hostname', okOssl === okOurs, okOssl);
        if (okOssl !== okOurs) disagreements.push(`${c.name}: host ${host} openssl=${okOssl} ours=${okOurs}`);
      }
    }
    expect(disagreements).toEqual([]);
    // the corpus really exercises both verdicts of every question
    for (const k of ['expired', 'expiring-soon', 'not-yet-valid', 'chain trust', 'hostname']) {
      expect(tally[k]!.total).toBeGreaterThan(20);
      expect(tally[k]!.yes, `${k}: openssl said yes at least once`).toBeGreaterThan(0);
      expect(tally[k]!.total - tally[k]!.yes, `${k}: openssl said no at least once`).toBeGreaterThan(0);
    }
  });

  it('key match agrees with comparing public keys via openssl', () => {
    const disagreements: string[] = [];
    const pubOfCert = (cert: string): string => openssl(['x509', '-in', cert, '-noout', '-pubkey']);
    const pubOfKey = (key: string): string => openssl(['pkey', '-in', key, '-pubout']);
    const pool = cases.filter((c) => c.name.endsWith('-clean') || c.name.endsWith('-self-signed'));
    for (const [i, c] of pool.entries()) {
      for (const other of [c, pool[(i + 1) % pool.length]!, pool[(i + 2) % pool.length]!]) {
        const file = `pair-${c.name}-${other.name}.pem`;
        pki.concat(file, [other.leaf.key, c.leaf.cert]);
        const inv = inventoryOf(pki.dir, [file]);
        const ours = run('key-mismatch', inv)[0]!.status === 'pass';
        const theirs = pubOfCert(c.leaf.cert) === pubOfKey(other.leaf.key);
        count('key match', ours === theirs, theirs);
        if (ours !== theirs) disagreements.push(`${c.name} with key of ${other.name}: openssl=${theirs} ours=${ours}`);
      }
    }
    // PKCS#1 and SEC1 encodings of the same keys, and DER PKCS#8
    for (const c of pool.filter((x) => /^(rsa2048|p256|p384|p521)-/.test(x.name))) {
      const kind = c.name.startsWith('rsa') ? 'rsa' : 'ec';
      const trad = pki.traditionalKey(c.leaf.key, `trad-${c.name}.key`, kind);
      for (const [label, keyFile] of [['traditional', trad], ['other', pool[0]!.leaf.key]] as const) {
        const file = `pair-${label}-${c.name}.pem`;
        pki.concat(file, [keyFile, c.leaf.cert]);
        const ours = run('key-mismatch', inventoryOf(pki.dir, [file]))[0]!.status === 'pass';
        const theirs = pubOfCert(c.leaf.cert) === pubOfKey(keyFile);
        count('key match', ours === theirs, theirs);
        if (ours !== theirs) disagreements.push(`${c.name} with ${label} key: openssl=${theirs} ours=${ours}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(tally['key match']!.total).toBeGreaterThan(20);
    expect(tally['key match']!.yes).toBeGreaterThan(0);
    expect(tally['key match']!.total - tally['key match']!.yes).toBeGreaterThan(0);
  });
});
