import { createHash } from 'node:crypto';
import type { Location } from '../model/location.js';

/**
 * A fingerprint that survives unrelated edits and line shifts: it hashes the rule, the
 * artifact (file path or endpoint) and the subject key the check chose (an option name,
 * a certificate fingerprint, a port) — never a line number or a message text.
 */
export function fingerprintOf(ruleId: string, location: Location | undefined, key: string, variant = ''): string {
  const subject = location?.file ?? location?.endpoint ?? '';
  return createHash('sha256').update(`${ruleId}\0${subject}\0${key}\0${variant}`).digest('hex').slice(0, 32);
}
