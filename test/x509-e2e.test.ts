import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../src/pipeline/scan.js';
import { TestPki } from './helpers/pki.js';

describe('x509 end to end through the scan pipeline and the engine', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = new TestPki();
  });
  afterAll(() => pki.cleanup());

  it('loads the x509 catalogue and packs, and judges a tree', async () => {
    const root = pki.rootCa('e2e-root', 'rsa2048');
    const leaf = pki.issue('ftp', 'p256', { san: ['DNS:ftp.example.test'], startDays: -400, endDays: -2 }, root);
    pki.concat('tree/etc/ssl/private/vsftpd.pem', [leaf.cert, leaf.key]);
    pki.write('tree/etc/vsftpd.conf', 'listen=YES\nssl_enable=YES\nrsa_cert_file=/etc/ssl/private/vsftpd.pem\n');
    const { report } = await runScan({ paths: [pki.path('tree')], settings: { rootDir: pki.path('tree'), hostnames: ['ftp.example.test'] } });
    const x509 = report.results.filter((r) => r.ruleId.startsWith('x509/'));
    const byRule = (id: string) => x509.filter((r) => r.ruleId === id).map((r) => r.status);
    console.log(x509.map((r) => `${r.ruleId} ${r.status} ${r.message}`).join('\n'));
    expect(byRule('x509/expired')).toContain('fail');
    expect(byRule('x509/key-type-vs-ciphers')).toEqual(['fail']);
  });
});
