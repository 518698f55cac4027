import type { Location } from './location.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };

export const STATUSES = ['pass', 'fail', 'not-applicable', 'not-evaluated', 'error'] as const;
export type Status = (typeof STATUSES)[number];

/** A framework control a result evidences, e.g. { pack: 'pci-dss', control: '4.2.1' }. */
export interface ControlRef {
  pack: string;
  control: string;
  title?: string;
}

export interface Remediation {
  text: string;
  /** A snippet to paste, e.g. "ssl_enable=YES". */
  fix?: string;
}

export interface Waiver {
  /** Where the waiver came from: "inline" or the waiver file path. */
  source: string;
  reason: string;
  approver?: string;
  expires?: string;
}

/** One judgement of one rule about one subject. */
export interface Result {
  ruleId: string;
  status: Status;
  severity: Severity;
  message: string;
  location?: Location;
  /** The config line or observed exchange, secrets redacted. */
  evidence?: string;
  /** Assumptions the verdict rests on, e.g. "debian build default for ssl_tlsv1 (YES)". */
  assumptions?: string[];
  controls: ControlRef[];
  remediation?: Remediation;
  /** Stable across unrelated edits and line shifts: hash of rule, artifact and subject key. */
  fingerprint: string;
  waived?: Waiver;
  /** In a baseline comparison: whether this failure is new. */
  baselineState?: 'new' | 'unchanged';
}
