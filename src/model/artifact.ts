import type { Diagnostic } from './diagnostic.js';

/** Kinds of file discovery can recognise. A parser exists per kind. */
export const ARTIFACT_KINDS = [
  'vsftpd-conf',
  'x509',
  'iptables-save',
  'iptables-script',
  'nftables',
  'fail2ban',
  'pwquality',
  'login-defs',
  'faillock',
  'pam',
  'client-script',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** A file that discovery found and classified. */
export interface Artifact {
  /** Path relative to the scan root, POSIX separators (used in every location). */
  path: string;
  /** Absolute path on disk (never printed in reports unless asked). */
  absPath: string;
  kind: ArtifactKind;
  size: number;
  sha256: string;
  /** Unix mode bits, for --live checks of key file permissions. */
  mode: number;
  /** Why discovery chose this kind (content sniff or name). */
  classifiedBy: 'content' | 'name';
}

export interface ParseOutput<M> {
  model: M;
  diagnostics: Diagnostic[];
}
