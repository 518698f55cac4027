import type { EffectiveValue, VsftpdConfig } from '../../model/vsftpd.js';
import type { Location } from '../../model/location.js';

/** Options whose numbers are permission bits: shown in octal, as an operator thinks of them. */
const OCTAL_OPTIONS = /(_umask|_mode)$/;

/** 022, 027, 0640: octal with the leading 0 vsftpd needs to read it as octal. */
export function toOctal(n: number): string {
  const digits = n.toString(8).padStart(3, '0');
  return digits.startsWith('0') ? digits : `0${digits}`;
}

/** How a value reads to an operator: YES/NO, octal modes, "(unset)". */
export function displayValue(ev: EffectiveValue): string {
  if (ev.value === null) return '(unset)';
  if (typeof ev.value === 'boolean') return ev.value ? 'YES' : 'NO';
  if (typeof ev.value === 'number' && OCTAL_OPTIONS.test(ev.option)) {
    const octal = toOctal(ev.value);
    const raw = ev.directive?.rawValue?.trim();
    // local_umask=22 is decimal 22 (= 026), a classic trap: show both readings.
    if (raw !== undefined && raw !== octal && !raw.startsWith('0')) return `${raw} (read as decimal ${ev.value} = octal ${octal})`;
    if (raw !== undefined && raw !== octal && raw.startsWith('0') && /[89]/.test(raw)) return `${raw} (octal parse stops at the first 8/9: ${octal})`;
    return octal;
  }
  return String(ev.value);
}

/** "set on line 12" or "not set; debian build default" — every default names its flavor. */
export function describeSource(ev: EffectiveValue): string {
  return ev.source === 'explicit' && ev.directive
    ? `set on line ${ev.directive.location.line}`
    : `not set in this file; vsftpd ${ev.flavor} build default`;
}

// Build defaults are shared objects (one per build and option, see parsers/vsftpd/config.ts),
// so their words are built once per run and every result shares the same strings.
const defaultAssumption = new WeakMap<EffectiveValue, string>();
const defaultEvidence = new WeakMap<EffectiveValue, string>();

/** What a verdict resting on a build default assumes (one string per default, built once). */
export function assumptionOf(ev: EffectiveValue): string {
  let text = defaultAssumption.get(ev);
  if (text === undefined) {
    text = `vsftpd ${ev.flavor} build default ${ev.option}=${displayValue(ev)} (use --vsftpd-flavor if the server runs another build)`;
    defaultAssumption.set(ev, text);
  }
  return text;
}

// Most outcomes rest on no default: they share one empty (frozen) list.
export const NO_ASSUMPTIONS: string[] = Object.freeze([]) as unknown as string[];

export function assumptionsFor(evs: EffectiveValue[]): string[] {
  let out: string[] | undefined;
  for (const ev of evs) if (ev.source === 'default') (out ??= []).push(assumptionOf(ev));
  return out ?? NO_ASSUMPTIONS;
}

export function locationOf(config: VsftpdConfig, ev: EffectiveValue | undefined): Location {
  // The directive's own location object, shared: nothing writes to a location once made,
  // and a large tree has hundreds of thousands of results.
  if (ev?.source === 'explicit' && ev.directive) return ev.directive.location;
  return { file: config.file };
}

export function evidenceOf(ev: EffectiveValue): string {
  if (ev.source === 'explicit' && ev.directive) return ev.directive.text;
  let text = defaultEvidence.get(ev);
  if (text === undefined) defaultEvidence.set(ev, (text = `${ev.option} not set (${ev.flavor} default: ${displayValue(ev)})`));
  return text;
}
