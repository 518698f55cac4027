import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome, RuleDefinition } from '../src/engine/types.js';
import type { Inventory, ScanSettings } from '../src/model/inventory.js';
import { formatMessage } from '../src/engine/messages.js';
import { checks, certificateInventory } from '../src/checks/x509/index.js';
import { tls12Authentications } from '../src/checks/x509/cipher-auth.js';
import { clearTrustStoreCache } from '../src/checks/x509/chain.js';
import { inventoryOf, openssl, TestPki, type Issued } from './helpers/pki.js';

const RULES_DIR = path.resolve(__dirname, '../rules/catalogue/x509');

interface Judged extends CheckOutcome {
  message: string;
}

/** Runs a rule's check the way the engine does, and renders each outcome's message. */
function judge(ruleName: string, inv: Inventory, params: Record<string, unknown> = {}): Judged[] | 'not-applicable' {
  const rule = parseYaml(readFileSync(path.join(RULES_DIR, `${ruleName}.yaml`), 'utf8')) as RuleDefinition;
  const check = checks.find((c) => c.name === rule.check);
  if (!check) throw new Error(`no check ${rule.check}`);
  for (const id of check.messageIds ?? []) expect(rule.messages, `${ruleName} lacks message ${id}`).toHaveProperty(id);
  if (!check.appliesTo(inv)) return 'not-applicable';
  return check.run({ inventory: inv, params: { ...(rule.params ?? {}), ...params }, rule }).map((o) => {
    const template = rule.messages[o.messageId];
    expect(template, `${ruleName}: message ${o.messageId}`).toBeDefined();
    const message = formatMessage(template!, o.data);
    expect(message, `${ruleName}: unfilled placeholder in "${message}"`).not.toMatch(/\{\{/);
    return { ...o, message };
  });
}

function statuses(r: Judged[] | 'not-applicable'): string[] | 'not-applicable' {
  return r === 'not-applicable' ? r : r.map((o) => o.status);
}

let pki: TestPki;
let root: Issued;
let inter: Issued;
let n = 0;

/** A one-file inventory from PEM parts. */
function inv(parts: string[], settings: Partial<ScanSettings> = {}): Inventory {
  const name = `case-${++n}.pem`;
  pki.concat(name, parts);
  return inventoryOf(pki.dir, [name], { caFile: root.cert, ...settings });
}

function leaf(spec: Parameters<TestPki['issue']>[2] = {}, key: Parameters<TestPki['issue']>[1] = 'p256', issuer: Issued | undefined = inter): Issued {
  return pki.issue(`leaf${++n}`, key, spec, issuer);
}

describe('x509 checks: each rule trips on its defect and passes the clean case', () => {
  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('checks-root', 'rsa2048');
    inter = pki.sign('checks-inter', pki.key('checks-inter', 'p384'), { subject: '/CN=checks-inter', ca: true, san: [], startDays: -30, endDays: 1000, extendedKeyUsage: null }, root);
    clearTrustStoreCache();
  });
  afterAll(() => pki.cleanup());

  it('x509/expired', () => {
    const old = leaf({ startDays: -100, endDays: -2 });
    const r = judge('expired', inv([old.cert, inter.cert]));
    expect(statuses(r)).toEqual(['fail', 'pass']);
    expect((r as Judged[])[0]!.message).toMatch(/CN=leaf\d+ expired on .* \(\d+ days ago\)/);
    expect((r as Judged[])[0]!.location).toMatchObject({ file: `case-${n}.pem`, line: 1 });
    expect(statuses(judge('expired', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/not-yet-valid', () => {
    expect(statuses(judge('not-yet-valid', inv([leaf({ startDays: 5, endDays: 90 }).cert])))).toEqual(['fail']);
    expect(statuses(judge('not-yet-valid', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/expiring-soon (window from settings, or params)', () => {
    const soon = leaf({ endDays: 10 });
    expect(statuses(judge('expiring-soon', inv([soon.cert])))).toEqual(['fail']);
    expect(statuses(judge('expiring-soon', inv([soon.cert], { expiryWarningDays: 5 })))).toEqual(['pass']);
    expect(statuses(judge('expiring-soon', inv([soon.cert]), { days: 7 }))).toEqual(['pass']);
    expect(statuses(judge('expiring-soon', inv([leaf({ endDays: 90 }).cert])))).toEqual(['pass']);
    // already expired: x509/expired's business, not this rule's (no outcome: the engine records not-applicable)
    expect(statuses(judge('expiring-soon', inv([leaf({ startDays: -10, endDays: -1 }).cert])))).toEqual([]);
  });

  it('x509/validity-too-long (CA/B BR 6.3.2: 398 days)', () => {
    expect(statuses(judge('validity-too-long', inv([leaf({ startDays: -1, endDays: 398 }).cert])))).toEqual(['fail']);
    expect(statuses(judge('validity-too-long', inv([leaf({ startDays: -1, endDays: 396 }).cert])))).toEqual(['pass']);
  });

  it('x509/rsa-key-too-small', () => {
    expect(statuses(judge('rsa-key-too-small', inv([leaf({}, 'rsa1024').cert])))).toEqual(['fail']);
    expect(statuses(judge('rsa-key-too-small', inv([leaf({}, 'rsa2048').cert])))).toEqual(['pass']);
    expect(judge('rsa-key-too-small', inv([leaf({}, 'ed25519').cert]))).toBe('not-applicable');
  });

  it('x509/ec-curve-weak (small curve, explicit parameters)', () => {
    expect(statuses(judge('ec-curve-weak', inv([leaf({}, 'p192').cert])))).toEqual(['fail']);
    const explicit = judge('ec-curve-weak', inv([leaf({}, 'p256-explicit').cert])) as Judged[];
    expect(explicit.map((o) => o.messageId)).toEqual(['explicit']);
    expect(statuses(judge('ec-curve-weak', inv([leaf({}, 'p521').cert])))).toEqual(['pass']);
  });

  it('x509/rsa-exponent-weak', () => {
    expect(statuses(judge('rsa-exponent-weak', inv([leaf({}, 'rsa2048-e3').cert])))).toEqual(['fail']);
    expect(statuses(judge('rsa-exponent-weak', inv([leaf({}, 'rsa2048').cert])))).toEqual(['pass']);
  });

  it('x509/weak-signature-hash (leaf and intermediate, not the anchor)', () => {
    const sha1Root = pki.rootCa('sha1-root', 'rsa2048', { md: 'sha1' });
    const md5Leaf = leaf({ md: 'md5' }, 'rsa2048', sha1Root);
    const r = judge('weak-signature-hash', inv([md5Leaf.cert, sha1Root.cert])) as Judged[];
    // one outcome: the md5 leaf; the SHA-1 self-signature of the root is not judged
    expect(r.map((o) => [o.status, o.data?.algorithm])).toEqual([['fail', 'md5WithRSAEncryption']]);
    const sha1Leaf = leaf({ md: 'sha1' }, 'p256');
    expect(statuses(judge('weak-signature-hash', inv([sha1Leaf.cert])))).toEqual(['fail']);
    expect(statuses(judge('weak-signature-hash', inv([leaf().cert, inter.cert])))).toEqual(['pass', 'pass']);
  });

  it('x509/san-missing', () => {
    expect(statuses(judge('san-missing', inv([leaf({ san: [] }).cert])))).toEqual(['fail']);
    expect(statuses(judge('san-missing', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/hostname-mismatch (RFC 6125 wildcards, CN ignored when SAN exists)', () => {
    const wild = leaf({ subject: '/CN=cn-only.example.test', san: ['DNS:*.example.test', 'IP:192.0.2.7'] });
    const r = judge('hostname-mismatch', inv([wild.cert], { hostnames: ['ftp.example.test', 'a.b.example.test', 'cn-only.example.test', '192.0.2.7', 'example.test'] })) as Judged[];
    expect(r.map((o) => [o.data?.hostname, o.status])).toEqual([
      ['ftp.example.test', 'pass'],
      ['a.b.example.test', 'fail'],
      ['cn-only.example.test', 'pass'], // matched by the wildcard, not by CN
      ['192.0.2.7', 'pass'],
      ['example.test', 'fail'],
    ]);
    const cnOnly = leaf({ subject: '/CN=ftp.corp.test', san: ['DNS:other.corp.test'] });
    expect(statuses(judge('hostname-mismatch', inv([cnOnly.cert], { hostnames: ['ftp.corp.test'] })))).toEqual(['fail']);
    expect(statuses(judge('hostname-mismatch', inv([cnOnly.cert])))).toEqual(['not-applicable']);
  });

  it('x509/leaf-is-ca (a CA:TRUE certificate served with its own key)', () => {
    const caLeaf = leaf({ ca: true, keyUsage: 'digitalSignature,keyCertSign' });
    expect(statuses(judge('leaf-is-ca', inv([caLeaf.cert, caLeaf.key])))).toEqual(['fail']);
    expect(statuses(judge('leaf-is-ca', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/key-usage-forbids-server', () => {
    expect(statuses(judge('key-usage-forbids-server', inv([leaf({ keyUsage: 'nonRepudiation' }).cert])))).toEqual(['fail']);
    expect(statuses(judge('key-usage-forbids-server', inv([leaf({ extendedKeyUsage: 'clientAuth' }).cert])))).toEqual(['fail']);
    // keyEncipherment alone: fine for RSA key transport, useless for an EC key
    expect(statuses(judge('key-usage-forbids-server', inv([leaf({ keyUsage: 'keyEncipherment' }, 'rsa2048').cert])))).toEqual(['pass']);
    expect(statuses(judge('key-usage-forbids-server', inv([leaf({ keyUsage: 'keyEncipherment' }, 'p256').cert])))).toEqual(['fail']);
    expect(statuses(judge('key-usage-forbids-server', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/server-auth-eku-missing', () => {
    expect(statuses(judge('server-auth-eku-missing', inv([leaf({ extendedKeyUsage: null }).cert])))).toEqual(['fail']);
    expect(statuses(judge('server-auth-eku-missing', inv([leaf().cert])))).toEqual(['pass']);
  });

  it('x509/untrusted (self-signed, unknown issuer, trusted chain)', () => {
    const self = pki.issue(`self${++n}`, 'p256', {}, undefined);
    const r1 = judge('untrusted', inv([self.cert])) as Judged[];
    expect(r1.map((o) => o.messageId)).toEqual(['selfSigned']);
    const l = leaf();
    const r2 = judge('untrusted', inv([l.cert])) as Judged[];
    expect(r2.map((o) => o.messageId)).toEqual(['unknownIssuer']);
    expect(r2[0]!.message).toContain('CN=checks-inter');
    expect(statuses(judge('untrusted', inv([l.cert, inter.cert])))).toEqual(['pass']);
    // the same chain against the system store: not trusted
    expect(statuses(judge('untrusted', inv([l.cert, inter.cert], { caFile: undefined })))).toEqual(['fail']);
    // an unreadable --ca-file: not evaluated, said so
    const bad = judge('untrusted', inv([l.cert], { caFile: pki.path('missing-ca.pem') })) as Judged[];
    expect(bad.map((o) => o.status)).toEqual(['not-evaluated']);
    expect(bad[0]!.message).toContain('cannot read');
  });

  it('x509/incomplete-chain', () => {
    const l = leaf();
    expect(statuses(judge('incomplete-chain', inv([l.cert])))).toEqual(['fail']);
    expect(statuses(judge('incomplete-chain', inv([l.cert, inter.cert])))).toEqual(['pass']);
    expect(statuses(judge('incomplete-chain', inv([pki.issue(`self${++n}`, 'ed25519', {}, undefined).cert])))).toEqual(['pass']);
  });

  it('x509/chain-out-of-order', () => {
    const l = leaf();
    const r = judge('chain-out-of-order', inv([l.cert, root.cert, inter.cert])) as Judged[];
    expect(r.map((o) => o.status)).toEqual(['fail']);
    expect(r[0]!.message).toContain('its issuer is #3');
    expect(statuses(judge('chain-out-of-order', inv([l.cert, inter.cert, root.cert])))).toEqual(['pass']);
    expect(judge('chain-out-of-order', inv([l.cert]))).toBe('not-applicable');
  });

  it('x509/key-mismatch (same file, and key named like the certificate)', () => {
    const a = leaf({}, 'rsa2048');
    const b = leaf({}, 'rsa2048');
    const r = judge('key-mismatch', inv([b.key, a.cert])) as Judged[];
    expect(r.map((o) => o.status)).toEqual(['fail']);
    expect(r[0]!.location).toMatchObject({ line: 1 });
    expect(statuses(judge('key-mismatch', inv([a.key, a.cert])))).toEqual(['pass']);
    expect(statuses(judge('key-mismatch', inv([pki.encryptKey(a.key, `enc${++n}.key`), a.cert])))).toEqual(['not-evaluated']);
    pki.concat('pair/server.crt', [a.cert]);
    pki.concat('pair/server.key', [b.key]);
    expect(statuses(judge('key-mismatch', inventoryOf(pki.dir, ['pair/server.crt', 'pair/server.key'])))).toEqual(['fail']);
    pki.concat('pair2/server.crt', [a.cert]);
    pki.concat('pair2/server.key', [a.key]);
    expect(statuses(judge('key-mismatch', inventoryOf(pki.dir, ['pair2/server.crt', 'pair2/server.key'])))).toEqual(['pass']);
  });

  it('x509/private-key-permissions (only with --live)', () => {
    const a = leaf();
    const open = pki.concat('perm/open.pem', [a.key, a.cert]);
    const closed = pki.concat('perm/closed.pem', [a.key, a.cert]);
    chmodSync(open, 0o644);
    chmodSync(closed, 0o600);
    const files = ['perm/open.pem', 'perm/closed.pem'];
    const r = judge('private-key-permissions', inventoryOf(pki.dir, files, { live: true })) as Judged[];
    expect(r.map((o) => [o.data?.file, o.status])).toEqual([['perm/open.pem', 'fail'], ['perm/closed.pem', 'pass']]);
    expect(r[0]!.message).toContain('0644');
    expect(judge('private-key-permissions', inventoryOf(pki.dir, files, { live: false }))).toBe('not-applicable');
  });

  it('x509/private-key-in-git (path reported, never the key)', () => {
    const a = leaf();
    const repo = pki.path('repo');
    pki.concat('repo/keys/tracked.pem', [a.key]);
    pki.concat('repo/keys/untracked.pem', [a.key]);
    pki.concat('repo/keys/encrypted.pem', [pki.encryptKey(a.key, `enc${++n}.key`)]);
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'add', 'keys/tracked.pem', 'keys/encrypted.pem']);
    const r = judge('private-key-in-git', inventoryOf(pki.dir, ['repo/keys/tracked.pem', 'repo/keys/untracked.pem', 'repo/keys/encrypted.pem'])) as Judged[];
    expect(r.map((o) => [o.data?.file, o.status])).toEqual([['repo/keys/tracked.pem', 'fail'], ['repo/keys/untracked.pem', 'pass']]);
    expect(JSON.stringify(r)).not.toContain('PRIVATE KEY');
    expect(judge('private-key-in-git', inv([a.key]))).toBe('not-applicable'); // not in a repository
  });
});

describe('certificate inventory (PCI DSS 4.2.1.1)', () => {
  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('inv-root', 'rsa2048');
    clearTrustStoreCache();
  });
  afterAll(() => pki.cleanup());

  it('lists every certificate with its facts and where vsftpd uses it', () => {
    const l = pki.issue('inv-leaf', 'p384', { san: ['DNS:ftp.example.test'] }, root);
    pki.concat('tree/etc/ssl/ftp.pem', [l.cert, root.cert]);
    pki.concat('tree/etc/ssl/ftp.key', [l.key]);
    pki.write('tree/etc/vsftpd.conf', 'ssl_enable=YES\nrsa_cert_file=/etc/ssl/ftp.pem\nrsa_private_key_file=/etc/ssl/ftp.key\n');
    const tree = pki.path('tree');
    const inventory = inventoryOf(tree, ['etc/vsftpd.conf', 'etc/ssl/ftp.pem', 'etc/ssl/ftp.key'], { rootDir: tree });
    const rows = certificateInventory(inventory);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      file: 'etc/ssl/ftp.pem', line: 1, subject: 'CN=inv-leaf', issuer: 'CN=inv-root', sans: ['DNS:ftp.example.test'],
      key: 'EC secp384r1 (384 bits)', signatureAlgorithm: 'sha256WithRSAEncryption', selfSigned: false, isCA: false,
      usedBy: ['etc/vsftpd.conf:2 rsa_cert_file'],
    });
    expect(rows[0]!.fingerprintSha256).toBe(openssl(['x509', '-in', l.cert, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]);
    expect(rows[1]).toMatchObject({ subject: 'CN=inv-root', selfSigned: true, isCA: true, usedBy: ['etc/vsftpd.conf:2 rsa_cert_file (chain)'] });
    expect(JSON.stringify(rows)).not.toContain('PRIVATE');
  });
});

describe('cipher-string authentications agree with `openssl ciphers -s -v`', () => {
  const corpus = [
    'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'HIGH', 'HIGH:!aNULL:!MD5', 'DEFAULT',
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
    'HIGH:!aECDSA', 'HIGH:!aRSA', 'aRSA', 'aECDSA', 'ECDHE+AESGCM', 'aRSA+AESGCM', 'kRSA', 'AES256-SHA', 'DHE-RSA-AES256-GCM-SHA384',
    'ALL:!ECDSA', 'ECDHE:-aRSA', 'EECDH+AESGCM:EDH+AESGCM', 'HIGH:@SECLEVEL=1', 'TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-SHA',
    'ECDSA:!aECDSA:aRSA', 'HIGH:-ECDSA:ECDSA', 'AESGCM:!RSA', 'HIGH:!kRSA:!SHA1:!CBC', 'ECDHE-RSA-AES128-GCM-SHA256:!ECDHE-RSA-AES128-GCM-SHA256',
    'HIGH:!aRSA:!aECDSA', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'DHE-DSS-AES256-GCM-SHA384:aRSA+SHA384', 'MEDIUM:!aNULL',
  ];
  it.each(corpus)('%s', (cipherString) => {
    let out = '';
    try {
      out = openssl(['ciphers', '-s', '-v', '-tls1_2', cipherString]);
    } catch {
      out = '';
    }
    const fromOpenssl = new Set<string>();
    for (const line of out.split('\n')) {
      const au = /\bAu=(\S+)/.exec(line)?.[1];
      if (au === 'RSA' || au === 'ECDSA') fromOpenssl.add(au);
    }
    const ours = tls12Authentications(cipherString);
    expect({ RSA: ours.has('RSA'), ECDSA: ours.has('ECDSA') }).toEqual({ RSA: fromOpenssl.has('RSA'), ECDSA: fromOpenssl.has('ECDSA') });
  });
});

describe('vsftpd.conf references resolve inside the scanned tree only', () => {
  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('ref-root', 'rsa2048');
  });
  afterAll(() => pki.cleanup());

  function material(files: string[], settings: Partial<ScanSettings>): Judged[] {
    return judge('vsftpd-tls-material', inventoryOf(pki.path('t'), files, settings)) as Judged[];
  }

  it('a relative path is found beside the config or under a scan root', () => {
    const l = pki.issue('rel', 'rsa2048', {}, root);
    pki.concat('t/etc/certs/ftp.pem', [l.cert, l.key]);
    pki.write('t/etc/vsftpd.conf', 'ssl_enable=YES\nrsa_cert_file=certs/ftp.pem\n');
    const r = material(['etc/vsftpd.conf', 'etc/certs/ftp.pem'], {});
    expect(r.map((o) => [o.data?.option, o.status])).toEqual([['rsa_cert_file', 'pass'], ['rsa_private_key_file', 'pass']]);
  });

  it('a path that climbs out of --root is outside the tree, and is never read', () => {
    pki.write('secret.pem', 'not to be read\n');
    pki.write('t/etc/vsftpd2.conf', 'ssl_enable=YES\nrsa_cert_file=/../secret.pem\n');
    const r = material(['etc/vsftpd2.conf'], { rootDir: pki.path('t') });
    expect(r.map((o) => o.status)).toEqual(['not-evaluated', 'not-evaluated']);
    expect(r[0]!.message).toContain('outside the scanned tree');
  });

  it('a missing file under --root fails on the directive line, saying the daemon refuses to start', () => {
    pki.write('t/etc/vsftpd3.conf', 'listen=YES\nssl_enable=YES\nrsa_cert_file=/etc/ssl/none.pem\n');
    const r = material(['etc/vsftpd3.conf'], { rootDir: pki.path('t') });
    expect(r[0]).toMatchObject({ status: 'fail', location: { file: 'etc/vsftpd3.conf', line: 3 } });
    expect(r[0]!.message).toBe('rsa_cert_file=/etc/ssl/none.pem: /etc/ssl/none.pem does not exist; the daemon refuses to start ("500 OOPS: SSL: cannot load RSA certificate", exit status 2).');
  });

  it('ssl_enable=NO: nothing to judge', () => {
    pki.write('t/etc/vsftpd4.conf', 'rsa_cert_file=/etc/ssl/none.pem\n');
    expect(judge('vsftpd-tls-material', inventoryOf(pki.path('t'), ['etc/vsftpd4.conf'], { rootDir: pki.path('t') }))).toBe('not-applicable');
  });
});
