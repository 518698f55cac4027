import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../src/pipeline/scan.js';
import { certificateInventory } from '../src/checks/x509/index.js';
import { TestPki, type Issued } from './helpers/pki.js';

describe('x509 end to end: discovery, parsers, catalogue, packs and the engine', () => {
  let pki: TestPki;
  let root: Issued;
  beforeAll(() => {
    pki = new TestPki();
    root = pki.rootCa('e2e-root', 'rsa2048');
  });
  afterAll(() => pki.cleanup());

  it('judges the certificate vsftpd serves, maps results to pack controls, and reports bad files as diagnostics', async () => {
    const leaf = pki.issue('ftp', 'p256', { san: ['DNS:ftp.example.test'], startDays: -400, endDays: -2 }, root);
    pki.concat('tree/etc/ssl/private/vsftpd.pem', [leaf.cert]);
    pki.concat('tree/etc/ssl/private/vsftpd.key', [leaf.key]);
    pki.write('tree/etc/ssl/certs/broken.crt', 'this is not a certificate\n');
    pki.write('tree/etc/vsftpd.conf', [
      'listen=YES', 'ssl_enable=YES',
      'rsa_cert_file=/etc/ssl/private/vsftpd.pem',
      'rsa_private_key_file=/etc/ssl/private/vsftpd.key',
      'ca_certs_file=/../../../../etc/ssl/certs/ca-certificates.crt',
      '',
    ].join('\n'));
    const tree = pki.path('tree');
    const { report, inventory } = await runScan({
      paths: [tree],
      settings: { rootDir: tree, hostnames: ['ftp.example.test', 'other.example.test'], caFile: root.cert },
    });
    const x509 = report.results.filter((r) => r.ruleId.startsWith('x509/'));
    const find = (id: string, status?: string) => x509.filter((r) => r.ruleId === id && (!status || r.status === status));

    const expired = find('x509/expired', 'fail');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.location?.file).toMatch(/etc\/ssl\/private\/vsftpd\.pem$/);
    expect(expired[0]!.location?.line).toBe(1);
    expect(expired[0]!.controls.map((c) => `${c.pack}:${c.control}`)).toEqual(expect.arrayContaining(['pci-dss:4.2.1', 'hipaa:164.312(e)(1)', 'nist-800-52r2:3.2.1']));
    expect(expired[0]!.fingerprint).toMatch(/\S{8,}/);

    // ECDSA certificate + vsftpd's default ssl_ciphers: located on the rsa_cert_file line
    const ciphers = find('x509/key-type-vs-ciphers', 'fail');
    expect(ciphers).toHaveLength(1);
    expect(ciphers[0]!.location).toMatchObject({ line: 3 });
    expect(ciphers[0]!.message).toContain('TLS 1.2');

    // the pair is usable; ca_certs_file escapes --root: not evaluated, said so
    const material = find('x509/vsftpd-tls-material');
    expect(material.map((r) => r.status).sort()).toEqual(['not-evaluated', 'pass', 'pass']);
    expect(material.find((r) => r.status === 'not-evaluated')!.message).toContain('outside the scanned tree');

    const hosts = find('x509/hostname-mismatch');
    expect(hosts.map((r) => r.status).sort()).toEqual(['fail', 'pass']);
    expect(find('x509/untrusted').map((r) => r.status)).toEqual(['pass']);

    // a file named like a certificate that is not one: one located diagnostic, the scan went on
    const broken = report.diagnostics.filter((d) => d.location?.file?.endsWith('broken.crt'));
    expect(broken.map((d) => d.code)).toEqual(['x509/unrecognised']);

    // the PCI DSS 4.2.1.1 inventory, with where each certificate is used
    const rows = certificateInventory(inventory);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.usedBy[0]).toMatch(/vsftpd\.conf:3 rsa_cert_file$/);
    expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
  });
});
