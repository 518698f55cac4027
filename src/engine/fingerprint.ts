import * as crypto from 'node:crypto';
import type { Location } from '../model/location.js';

// crypto.hash (Node ≥ 20.12) is the one-shot form: a scan makes one fingerprint per result,
// tens of thousands on a large tree, and it costs half of createHash().update().digest().
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string) => string }).hash;
const sha256 = oneShot ? (s: string) => oneShot('sha256', s) : (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/**
 * A fingerprint that survives unrelated edits and line shifts: it hashes the rule, the
 * artifact (file path or endpoint) and the subject key the check chose (an option name,
 * a certificate fingerprint, a port) — never a line number or a message text.
 */
export function fingerprintOf(ruleId: string, location: Location | undefined, key: string, variant = ''): string {
  const subject = location?.file ?? location?.endpoint ?? '';
  if (subject !== '') return digest(`${ruleId}\0${subject}\0${key}\0${variant}`);
  // Without a subject (a generic not-applicable result: one per rule run and host group,
  // thousands on a large tree) the same few inputs recur: hash each once, found by its
  // parts (strings the rules hold, whose hashes V8 keeps) rather than by a joined input
  // that would be built and hashed again every time.
  const byVariant = unlocated.get(ruleId)?.get(key);
  let known = byVariant?.get(variant);
  if (known === undefined) {
    known = digest(`${ruleId}\0\0${key}\0${variant}`);
    if (unlocatedCount < UNLOCATED_MAX) {
      let byKey = unlocated.get(ruleId);
      if (!byKey) unlocated.set(ruleId, (byKey = new Map()));
      let variants = byKey.get(key);
      if (!variants) byKey.set(key, (variants = new Map()));
      variants.set(variant, known);
      unlocatedCount++;
    }
  }
  return known;
}

/** Fingerprints of subject-less inputs: rule id → key → variant → fingerprint. */
const unlocated = new Map<string, Map<string, Map<string, string>>>();
let unlocatedCount = 0;
const UNLOCATED_MAX = 4096;

function digest(input: string): string {
  const hex = sha256(input);
  // The first 32 hex digits, as a string of their own: slice(0, 32) would keep the whole
  // 64-digit digest alive behind a view, and a report keeps one fingerprint per result.
  // join builds a new flat string (same characters).
  return [hex.slice(0, 16), hex.slice(16, 32)].join('');
}
