import type { Inventory } from '../model/inventory.js';
import type { Location } from '../model/location.js';
import type { Remediation, Severity, Status } from '../model/result.js';

/** A citation of a requirement, zlint-style: the document, the clause, and a link. */
export interface Reference {
  title: string;
  citation?: string;
  url?: string;
}

/** A rule is data (rules/catalogue/**.yaml): what to check, how to say it, how to fix it. */
export interface RuleDefinition {
  id: string;
  title: string;
  rationale: string;
  severity: Severity;
  /** What kind of input the rule judges: vsftpd, x509, firewall, probe, ... */
  target: string;
  /** Name of the check function in src/checks (e.g. "vsftpd.option"). */
  check: string;
  /** Parameters for the check; packs may override them. */
  params?: Record<string, unknown>;
  /** Messages by id (ESLint-style); {{name}} placeholders are filled from check data. */
  messages: Record<string, string>;
  remediation: Remediation;
  references: Reference[];
  tags?: string[];
  /** Path of the YAML file the rule came from (filled at load). */
  source?: string;
}

export type MessageData = Record<string, string | number | boolean>;

/** What a check says about one subject; the engine turns it into a Result. */
export interface CheckOutcome {
  status: Status;
  /** Key into the rule's messages. */
  messageId: string;
  /** Values for the message placeholders. */
  data?: MessageData;
  /**
   * The same values, built on demand (instead of `data`): called only when the message is
   * worded, so a check run over every file of a large tree need not build words for
   * results no report shows (see ResultDetail in evaluate.ts).
   */
  lazyData?: () => MessageData;
  location?: Location;
  evidence?: string;
  assumptions?: string[];
  /**
   * What the outcome is about, stable across edits (an option name, a certificate
   * fingerprint, a port): the fingerprint hashes rule id + artifact + key.
   */
  key: string;
  /** Override the rule severity for this outcome (rare; e.g. expiry soon vs expired). */
  severity?: Severity;
}

export interface CheckContext {
  inventory: Inventory;
  params: Record<string, unknown>;
  rule: RuleDefinition;
  /**
   * A shared, minimal outcome (status and "has a location" only) when the caller will not
   * look at a located outcome of this status one by one (it only counts it), else undefined.
   * A check run over every file of a large tree asks it once it knows the status, and skips
   * building evidence, location and message values no one reads. Ask it exactly once per
   * outcome, and return what it gives (the engine may count the outcome as it answers).
   * Optional: a check that ignores it is only slower.
   */
  brief?: (status: Status) => CheckOutcome | undefined;
}

/**
 * A check is code: a small pure function from the inventory and parameters to outcomes.
 * `appliesTo` (zlint's CheckApplies) says whether there is anything to judge; when it
 * returns false the engine records one not-applicable result.
 */
export interface Check {
  name: string;
  target: string;
  description: string;
  /** JSON Schema for params (validated with ajv when a rule or pack is loaded). */
  paramsSchema?: Record<string, unknown>;
  /** Message ids this check emits; the loader insists each rule using it defines them. */
  messageIds?: readonly string[];
  appliesTo(inventory: Inventory): boolean;
  run(ctx: CheckContext): CheckOutcome[];
}
