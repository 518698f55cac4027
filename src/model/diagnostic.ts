import type { Location } from './location.js';

/**
 * A problem the tool met while reading input: unreadable file, bad syntax it could not
 * model, a size cap. Diagnostics never stop a run; they are reported beside the results.
 */
export interface Diagnostic {
  level: 'error' | 'warning' | 'info';
  /** Stable machine code, e.g. "discover/too-large", "x509/bad-base64". */
  code: string;
  message: string;
  location?: Location;
}
