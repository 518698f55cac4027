import type { Diagnostic } from './diagnostic.js';
import type { Reference } from '../engine/types.js';
import type { Remediation, Result, Severity, Status } from './result.js';

/**
 * The canonical result of a run (`--format json`). Every other format is rendered from
 * this and nothing else, so `ftps-audit report saved.json --format html` reproduces it.
 * Its JSON Schema lives in schemas/report.schema.json.
 */
export interface ScanReport {
  schemaVersion: '1.0';
  tool: { name: 'ftps-audit'; version: string; informationUri: string };
  /** ISO 8601. */
  generatedAt: string;
  invocation: {
    command: string;
    /** argv after the binary, with secrets redacted. */
    args: string[];
    exitCode?: number;
    /** vsftpd build flavor the defaults came from. */
    flavor: string;
    /** Absolute scan roots or probed targets, as given. */
    targets: string[];
  };
  packs: PackSummary[];
  /** Metadata of every rule that ran (for SARIF rules[], HTML remediation, JUnit). */
  rules: RuleSummary[];
  artifacts: ArtifactSummary[];
  results: Result[];
  diagnostics: Diagnostic[];
  /** Extra domain sections, e.g. { certificates: [...] } for PCI 4.2.1.1. */
  inventory: Record<string, unknown[]>;
  summary: ReportSummary;
  /** Present when the run was compared with a baseline (src/gate/baseline.ts). */
  baseline?: BaselineComparison;
  /** Present when waivers (file or inline) were applied (src/gate/waivers.ts). */
  waivers?: WaiverReport;
}

/** Outcome of comparing this run's failures with a saved result (`--baseline`). */
export interface BaselineComparison {
  /** The baseline file as given. */
  source: string;
  /** When the baseline's own run happened (its generatedAt). */
  createdAt: string;
  /** Failures whose fingerprint is not in the baseline. */
  new: number;
  /** Failures whose fingerprint is in the baseline. */
  unchanged: number;
  /** Failures in the baseline that this run no longer reports. */
  fixed: FixedFinding[];
}

export interface FixedFinding {
  ruleId: string;
  fingerprint: string;
  severity: Severity;
  message: string;
  location?: Result['location'];
}

/** A waiver as declared, for reporting: file waivers and inline `#ftps-audit-ignore` comments. */
export interface DeclaredWaiver {
  /** Waiver file path, or "inline". */
  source: string;
  /** 0-based index in the waiver file; the comment line for inline waivers. */
  index?: number;
  line?: number;
  ruleId: string;
  path?: string;
  endpoint?: string;
  reason: string;
  approver?: string;
  /** YYYY-MM-DD; the waiver holds through the end of that day (UTC). */
  expires?: string;
}

export interface WaiverReport {
  sources: string[];
  /** Results marked waived. */
  applied: number;
  /** Waivers past their expiry that still match failures: those failures count again. */
  expired: { waiver: DeclaredWaiver; matched: number }[];
  /** Waivers that match no failure of this run (fixed, moved, or mistyped). */
  stale: DeclaredWaiver[];
}

export interface PackSummary {
  id: string;
  title: string;
  version: string;
  controls: { id: string; title: string; rules: string[]; status: Status | 'no-rules' }[];
}

export interface RuleSummary {
  id: string;
  title: string;
  rationale: string;
  severity: Severity;
  target: string;
  remediation: Remediation;
  references: Reference[];
  tags: string[];
  /** Controls, as "pack:control" strings, that this rule evidences. */
  controls: string[];
}

export interface ArtifactSummary {
  path: string;
  kind: string;
  sha256: string;
  size: number;
}

export interface ReportSummary {
  byStatus: Record<Status, number>;
  /** Failures (not waived) by severity. */
  failuresBySeverity: Record<Severity, number>;
  waived: number;
}
