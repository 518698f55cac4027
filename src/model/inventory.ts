import type { Artifact } from './artifact.js';
import type { Diagnostic } from './diagnostic.js';
import type { VsftpdConfig, VsftpdFlavor } from './vsftpd.js';

/**
 * Models of the other artifact kinds are declared by their own modules and added here by
 * declaration merging, so that each parser owns its model type:
 *
 *   declare module '../model/inventory.js' {
 *     interface InventoryModels { x509: X509File[] }
 *   }
 *
 * vsftpd is declared here because the foundation depends on it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface InventoryModels {
  vsftpd: VsftpdConfig[];
}

/** Options of the run that checks may need (flavor, hostnames, dates). */
export interface ScanSettings {
  flavor: VsftpdFlavor;
  /** "Now" for date checks; injectable for tests. */
  now: Date;
  /** Maps absolute paths in configs (e.g. /etc/ssl/...) to files on disk. */
  rootDir?: string;
  /** Scan roots as given on the command line (absolute). */
  roots: string[];
  hostnames: string[];
  caFile?: string;
  expiryWarningDays: number;
  /** The scanned paths are the server's own file system (modes and owners mean something). */
  live: boolean;
  /** Password for PKCS#12 files (read from the env var named by --p12-password-env); never printed. */
  p12Password?: string;
}

/** Everything parsed or observed in one run, so rules can look across artifacts. */
export interface Inventory {
  settings: ScanSettings;
  artifacts: Artifact[];
  /** Parsed models by kind; a kind absent from the run has an empty list. */
  models: Partial<InventoryModels>;
  diagnostics: Diagnostic[];
}

export function modelsOf<K extends keyof InventoryModels>(inv: Inventory, kind: K): InventoryModels[K] {
  return (inv.models[kind] ?? []) as InventoryModels[K];
}
