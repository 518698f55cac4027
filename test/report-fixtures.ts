/**
 * Hand-built ScanReports shaped like what the engine produces for a small infra repo:
 * vsftpd results with file/line, probe results at endpoints (one anchored to the targets
 * file line that named it, one bare), a certificate inventory, passes, not-evaluated and
 * error results, diagnostics, and values an attacker could plant in a config.
 */
import { createHash } from 'node:crypto';
import type { ScanReport, RuleSummary, PackSummary } from '../src/model/report.js';
import type { Result, Severity, Status, ControlRef } from '../src/model/result.js';
import type { Location } from '../src/model/location.js';

export const HOSTILE_SCRIPT = '<script>window.__pwned = (window.__pwned||0)+1</script>';
export const HOSTILE_IMG = '"><img src=x onerror="window.__pwned=(window.__pwned||0)+1">';

export function fp(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

function rule(
  id: string,
  title: string,
  severity: Severity,
  controls: string[],
  fix: string | undefined,
  extra: Partial<RuleSummary> = {},
): RuleSummary {
  return {
    id,
    title,
    rationale: `${title} weakens the protection of data in transit on the FTPS server.`,
    severity,
    target: id.split('/')[0]!,
    remediation: { text: `Correct the setting so that ${title.toLowerCase()} no longer holds.`, ...(fix ? { fix } : {}) },
    references: [
      { title: 'PCI DSS', citation: 'PCI DSS v4.0.1 Req. 4.2.1', url: 'https://www.pcisecuritystandards.org/' },
      { title: 'NIST SP 800-52 Rev. 2', citation: 'NIST SP 800-52r2 §3.1' },
    ],
    tags: ['tls'],
    controls,
    ...extra,
  };
}

const refs = (...cs: string[]): ControlRef[] =>
  cs.map((c) => {
    const [pack, control] = c.split(':') as [string, string];
    return { pack, control };
  });

function result(
  ruleId: string,
  status: Status,
  severity: Severity,
  message: string,
  location: Location | undefined,
  controls: string[],
  extra: Partial<Result> = {},
): Result {
  const key = location?.file ?? location?.endpoint ?? 'run';
  return {
    ruleId,
    status,
    severity,
    message,
    ...(location ? { location } : {}),
    controls: refs(...controls),
    fingerprint: fp(ruleId, key, extra.evidence ?? message),
    ...extra,
  };
}

export const RULES: RuleSummary[] = [
  rule('vsftpd/ssl-not-enabled', 'TLS is not enabled', 'critical', ['hipaa:164.312(e)(1)', 'pci-dss:4.2.1', 'nist-800-52r2:3.1'], 'ssl_enable=YES'),
  rule('vsftpd/tlsv1-enabled', 'TLS 1.0 is allowed', 'high', ['pci-dss:4.2.1', 'nist-800-52r2:3.1'], 'ssl_tlsv1=NO'),
  rule('vsftpd/weak-umask', 'Local umask is weaker than 027', 'medium', ['hipaa:164.312(c)(1)'], 'local_umask=027'),
  rule('vsftpd/banner-reveals-version', 'Default banner reveals the server software', 'low', ['pci-dss:2.2.5'], 'ftpd_banner=Authorised use only.'),
  rule('vsftpd/idle-timeout', 'Idle session timeout over 900 s', 'medium', ['pci-dss:8.2.8', 'hipaa:164.312(a)(2)(iii)'], 'idle_session_timeout=900'),
  rule('vsftpd/cert-file-missing', 'Certificate file not found', 'high', ['pci-dss:4.2.1.1'], undefined),
  rule('x509/expiring-soon', 'Certificate expires soon', 'medium', ['pci-dss:4.2.1.1'], undefined),
  rule('probe/tls10-accepted', 'Server accepts TLS 1.0', 'high', ['pci-dss:4.2.1', 'nist-800-52r2:3.1'], undefined),
  rule('probe/auth-before-tls', 'Server accepts USER before AUTH TLS', 'critical', ['hipaa:164.312(e)(1)', 'pci-dss:4.2.1'], undefined),
  rule('vsftpd/ls-recurse', 'ls -R is enabled', 'info', ['nist-800-52r2:3.1'], 'ls_recurse_enable=NO'),
];

export const PACKS: PackSummary[] = [
  {
    id: 'hipaa',
    title: 'HIPAA Security Rule',
    version: '2024.1',
    controls: [
      { id: '164.312(e)(1)', title: 'Transmission security', rules: ['vsftpd/ssl-not-enabled', 'probe/auth-before-tls'], status: 'fail' },
      { id: '164.312(c)(1)', title: 'Integrity', rules: ['vsftpd/weak-umask'], status: 'fail' },
      { id: '164.312(a)(2)(iii)', title: 'Automatic logoff', rules: ['vsftpd/idle-timeout'], status: 'pass' },
      { id: '164.312(b)', title: 'Audit controls', rules: [], status: 'no-rules' },
    ],
  },
  {
    id: 'pci-dss',
    title: 'PCI DSS',
    version: '4.0.1',
    controls: [
      { id: '4.2.1', title: 'Strong cryptography for PAN in transit', rules: ['vsftpd/ssl-not-enabled', 'vsftpd/tlsv1-enabled', 'probe/tls10-accepted', 'probe/auth-before-tls'], status: 'fail' },
      { id: '4.2.1.1', title: 'Inventory of trusted keys and certificates', rules: ['vsftpd/cert-file-missing', 'x509/expiring-soon'], status: 'not-evaluated' },
      { id: '8.2.8', title: 'Idle sessions re-authenticate after 15 minutes', rules: ['vsftpd/idle-timeout'], status: 'pass' },
      { id: '2.2.5', title: 'Insecure services are justified', rules: ['vsftpd/banner-reveals-version'], status: 'fail' },
    ],
  },
  {
    id: 'nist-800-52r2',
    title: 'NIST SP 800-52 Rev. 2',
    version: '2019',
    controls: [{ id: '3.1', title: 'Protocol version support', rules: ['vsftpd/ssl-not-enabled', 'vsftpd/tlsv1-enabled', 'probe/tls10-accepted', 'vsftpd/ls-recurse'], status: 'fail' }],
  },
];

const CONF = 'etc/vsftpd.conf';
const LEGACY = 'legacy/site b/vsftpd.conf';
const TARGETS = 'inventory/ftps-targets.txt';

export function sampleResults(): Result[] {
  return [
    result('vsftpd/ssl-not-enabled', 'fail', 'critical', 'ssl_enable is NO: logins and files cross the network in clear text', { file: CONF, line: 12, column: 1 }, ['hipaa:164.312(e)(1)', 'pci-dss:4.2.1', 'nist-800-52r2:3.1'], {
      evidence: 'ssl_enable=NO',
      remediation: { text: 'Enable TLS.', fix: 'ssl_enable=YES\nrsa_cert_file=/etc/ssl/certs/ftps.pem' },
    }),
    result('vsftpd/tlsv1-enabled', 'fail', 'high', 'ssl_tlsv1 is YES (debian build default): TLS 1.0 is offered', { file: CONF, line: 14, column: 11 }, ['pci-dss:4.2.1', 'nist-800-52r2:3.1'], {
      evidence: 'ssl_tlsv1=YES',
      assumptions: ['debian build default for ssl_tlsv1 (YES)'],
      remediation: { text: 'Disable TLS 1.0.', fix: 'ssl_tlsv1=NO' },
    }),
    result('vsftpd/weak-umask', 'fail', 'medium', 'local_umask=022 lets group and others read uploads', { file: CONF, line: 20, column: 13 }, ['hipaa:164.312(c)(1)'], {
      evidence: 'local_umask=022',
      remediation: { text: 'Use 027 or stricter.', fix: 'local_umask=027' },
    }),
    // A value an attacker could plant in a config that an auditor then opens in a browser.
    result('vsftpd/banner-reveals-version', 'fail', 'low', `ftpd_banner is ${HOSTILE_SCRIPT}`, { file: CONF, line: 31, column: 13 }, ['pci-dss:2.2.5'], {
      evidence: `ftpd_banner=${HOSTILE_SCRIPT}${HOSTILE_IMG}`,
      remediation: { text: 'Set a neutral banner.', fix: 'ftpd_banner=Authorised use only.' },
    }),
    result('vsftpd/idle-timeout', 'pass', 'medium', 'idle_session_timeout=600 is at most 900 s', { file: CONF, line: 25, column: 22 }, ['pci-dss:8.2.8', 'hipaa:164.312(a)(2)(iii)'], {
      evidence: 'idle_session_timeout=600',
    }),
    result('vsftpd/ls-recurse', 'not-applicable', 'info', 'ls_recurse_enable is unset and defaults to NO', { file: CONF }, ['nist-800-52r2:3.1']),
    result('vsftpd/cert-file-missing', 'not-evaluated', 'high', 'rsa_cert_file /etc/ssl/certs/ftps.pem is not in the scanned tree', { file: CONF, line: 13, column: 15 }, ['pci-dss:4.2.1.1'], {
      evidence: 'rsa_cert_file=/etc/ssl/certs/ftps.pem',
    }),
    result('vsftpd/ssl-not-enabled', 'fail', 'critical', 'ssl_enable is NO on the legacy site', { file: LEGACY, line: 3, column: 1 }, ['hipaa:164.312(e)(1)', 'pci-dss:4.2.1', 'nist-800-52r2:3.1'], {
      evidence: 'ssl_enable=NO',
      waived: { source: '.ftps-audit-waivers.yml', reason: 'Decommissioned in Q1; no PHI', approver: 'ciso@example.com', expires: '2099-03-31' },
    }),
    result('x509/expiring-soon', 'fail', 'medium', 'certificate CN=ftp.example.com expires in 12 days', { file: 'certs/ftps.pem', line: 1 }, ['pci-dss:4.2.1.1'], {
      evidence: 'notAfter=2026-12-07T00:00:00Z',
    }),
    // Probe result anchored to the targets-file line that named the endpoint.
    result('probe/tls10-accepted', 'fail', 'high', 'ftps://127.0.0.1:990 completed a TLS 1.0 handshake', { file: TARGETS, line: 2, column: 1, endpoint: 'ftps://127.0.0.1:990' }, ['pci-dss:4.2.1', 'nist-800-52r2:3.1'], {
      evidence: 'ServerHello version=0x0301 cipher=ECDHE-RSA-AES128-SHA',
    }),
    // Bare probe result: endpoint only.
    result('probe/auth-before-tls', 'fail', 'critical', 'ftp://127.0.0.1:2121 answered 331 to USER before AUTH TLS', { endpoint: 'ftps://127.0.0.1:2121' }, ['hipaa:164.312(e)(1)', 'pci-dss:4.2.1'], {
      evidence: '> USER alice\n< 331 Please specify the password.',
    }),
    result('probe/tls10-accepted', 'error', 'high', 'handshake with ftps://127.0.0.1:2121 failed: ECONNRESET', { endpoint: 'ftps://127.0.0.1:2121' }, ['pci-dss:4.2.1']),
  ];
}

export function sampleReport(overrides: Partial<ScanReport> = {}): ScanReport {
  const results = sampleResults();
  const report: ScanReport = {
    schemaVersion: '1.0',
    tool: { name: 'ftps-audit', version: '0.1.0', informationUri: 'https://github.com/example/ftps-audit' },
    generatedAt: '2026-11-25T15:00:00.000Z',
    invocation: {
      command: 'scan',
      args: ['infra/', '--format', 'json'],
      exitCode: 1,
      flavor: 'debian',
      targets: ['/srv/repos/infra'],
    },
    packs: PACKS,
    rules: RULES,
    artifacts: [
      { path: CONF, kind: 'vsftpd-conf', sha256: fp('conf').padEnd(64, '0'), size: 1432 },
      { path: LEGACY, kind: 'vsftpd-conf', sha256: fp('legacy').padEnd(64, '1'), size: 800 },
      { path: 'certs/ftps.pem', kind: 'x509', sha256: fp('pem').padEnd(64, '2'), size: 1976 },
    ],
    results,
    diagnostics: [
      { level: 'warning', code: 'discover/too-large', message: 'logs/xferlog is larger than 16 MiB and was not read', location: { file: 'logs/xferlog' } },
    ],
    inventory: {
      certificates: [
        {
          file: 'certs/ftps.pem',
          line: 1,
          subject: 'CN=ftp.example.com, O=Example',
          issuer: `CN=Example Issuing CA ${HOSTILE_IMG}`,
          serialNumber: '4f:1a:22:9c',
          sans: ['DNS:ftp.example.com', 'DNS:ftps.example.com'],
          key: 'RSA 2048',
          signatureAlgorithm: 'sha256WithRSAEncryption',
          notBefore: '2026-03-07T00:00:00Z',
          notAfter: '2026-12-07T00:00:00Z',
          fingerprintSha256: 'AB:CD:EF:01',
          selfSigned: false,
          isCA: false,
          usedBy: ['etc/vsftpd.conf:13 rsa_cert_file'],
        },
      ],
      firewallExposure: [
        { family: 'ipv4', ports: '21', role: 'FTP control', verdict: 'open', description: `open to 0.0.0.0/0 ${HOSTILE_SCRIPT}`, decidedBy: '-A INPUT -p tcp --dport 21 -j ACCEPT', location: { file: 'fw/rules.v4', line: 9 }, detail: { chain: 'INPUT' } },
      ],
    },
    summary: summarize(results),
    ...overrides,
  };
  return report;
}

export function summarize(results: Result[]): ScanReport['summary'] {
  const byStatus = { pass: 0, fail: 0, 'not-applicable': 0, 'not-evaluated': 0, error: 0 } as Record<Status, number>;
  const failuresBySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  let waived = 0;
  for (const r of results) {
    byStatus[r.status]++;
    if (r.status === 'fail') {
      if (r.waived) waived++;
      else failuresBySeverity[r.severity]++;
    }
  }
  return { byStatus, failuresBySeverity, waived };
}
