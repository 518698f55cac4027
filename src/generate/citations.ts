import type { PackId } from './types.js';

/** The framework controls a hardened setting implements, per pack. */
export type Cites = Partial<Record<PackId, string>>;

// One constant per control family, so that every template cites the same text.
export const C = {
  transit: {
    hipaa: '45 CFR 164.312(e)(1) transmission security, (e)(2)(ii) encryption',
    'pci-dss': 'PCI DSS v4.0.1 Req. 4.2.1 strong cryptography in transit',
    'nist-800-52r2': 'NIST SP 800-52r2 §3.1 TLS required',
  },
  authCrypto: {
    hipaa: '45 CFR 164.312(d) person authentication, (e)(1) transmission security',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.3.2 authentication factors unreadable in transit',
    'nist-800-52r2': 'NIST SP 800-52r2 §3.1 TLS required',
  },
  versions: {
    hipaa: '45 CFR 164.312(e)(2)(ii) via HHS guidance 74 FR 19006 -> NIST SP 800-52',
    'pci-dss': 'PCI DSS v4.0.1 Req. 4.2.1 (secure versions only, no fallback) and Appendix A2',
    'nist-800-52r2': 'NIST SP 800-52r2 §3.1 (TLS 1.2 shall, 1.3 should; no SSL 2/3, TLS 1.0; 1.1 should not)',
  },
  suites: {
    hipaa: '45 CFR 164.312(e)(2)(ii) via HHS guidance 74 FR 19006 -> NIST SP 800-52',
    'pci-dss': 'PCI DSS v4.0.1 Req. 4.2.1 strong cryptography (>=112-bit, forward secrecy chosen)',
    'nist-800-52r2': 'NIST SP 800-52r2 §3.3.1 approved cipher suites',
  },
  certificate: {
    hipaa: '45 CFR 164.312(e)(1) transmission security',
    'pci-dss': 'PCI DSS v4.0.1 Req. 4.2.1 (only trusted keys and certificates)',
    'nist-800-52r2': 'NIST SP 800-52r2 server certificate profile (RSA >=2048 / ECDSA P-256+)',
  },
  integrity: {
    hipaa: '45 CFR 164.312(c)(1) integrity, (e)(2)(i) integrity controls',
    'pci-dss': 'PCI DSS v4.0.1 Req. 4.2.1 strong cryptography in transit',
  },
  uniqueId: {
    hipaa: '45 CFR 164.312(a)(2)(i) unique user identification',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.2.1 unique ID, 8.2.2 no shared accounts',
  },
  leastPrivilege: {
    hipaa: '45 CFR 164.312(a)(1) access control',
    'pci-dss': 'PCI DSS v4.0.1 Req. 7.2.1/7.2.2 least privilege',
  },
  necessaryOnly: {
    hipaa: '45 CFR 164.312(a)(1) access control',
    'pci-dss': 'PCI DSS v4.0.1 Req. 2.2.4 only necessary services and functions',
  },
  ports: {
    hipaa: '45 CFR 164.312(e)(1) transmission security',
    'pci-dss': 'PCI DSS v4.0.1 Req. 1.2.5 ports identified and approved, 1.4.2 inbound limited',
  },
  firewallDefault: {
    hipaa: '45 CFR 164.312(a)(1) access control, (e)(1) transmission security',
    'pci-dss': 'PCI DSS v4.0.1 Req. 1.3.1 inbound restricted, all else denied; 1.2.1 ruleset standard',
  },
  idle: {
    hipaa: '45 CFR 164.312(a)(2)(iii) automatic logoff',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.2.8 re-authenticate after 15 min idle',
  },
  audit: {
    hipaa: '45 CFR 164.312(b) audit controls; 164.308(a)(5)(ii)(C) log-in monitoring',
    'pci-dss': 'PCI DSS v4.0.1 Req. 10.2.1 audit logs, 10.2.1.4 invalid logical access attempts',
  },
  loginMonitoring: {
    hipaa: '45 CFR 164.308(a)(5)(ii)(C) log-in monitoring',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.3.4 (fail2ban bans addresses; account lockout is pam_faillock)',
  },
  lockout: {
    hipaa: '45 CFR 164.308(a)(5)(ii)(C) log-in monitoring, 164.312(d) authentication',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.3.4 lock after <=10 attempts for >=30 min',
  },
  bruteForce: {
    hipaa: '45 CFR 164.312(d) person or entity authentication',
    'pci-dss': 'PCI DSS v4.0.1 Req. 8.3.4 (limits repeated access attempts)',
  },
  disclosure: {
    'pci-dss': 'PCI DSS v4.0.1 Req. 2.2.4 only necessary functions (no version disclosure)',
  },
} satisfies Record<string, Cites>;

/**
 * Citations for the selected packs, in pack order. When none of them has a control for the
 * setting, say so and cite the other frameworks' controls (or `ref`): every hardened line
 * keeps a reason an auditor can look up.
 */
export function citeLine(cites: Cites, packs: readonly PackId[], ref?: string): string | undefined {
  const parts = packs.map((p) => cites[p]).filter((x): x is string => Boolean(x));
  const uniq = [...new Set(parts)];
  if (uniq.length) return uniq.join('; ');
  const others = [...new Set(Object.values(cites).filter((x): x is string => Boolean(x)))];
  if (others.length) return `outside the selected pack(s): ${others.join('; ')}`;
  return ref;
}
