import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import type { VsftpdConfig } from '../../model/vsftpd.js';
import { assumptionsFor, evidenceOf, locationOf } from './describe.js';

export interface PassiveRange {
  min: number;
  max: number;
  /** Why the daemon's range differs from what was written, if it does. */
  notes: string[];
}

/**
 * The port range vsftpd really uses (privops.c / postlogin.c): pasv_min_port counts only
 * if > 1024 and ≤ 65535 (else 1024 is the floor, i.e. "any port"); pasv_max_port only if
 * ≥ the effective minimum and < 65535 (else 65535).
 */
export function effectivePassiveRange(config: VsftpdConfig): PassiveRange {
  const min = Number(config.effective('pasv_min_port')?.value ?? 0);
  const max = Number(config.effective('pasv_max_port')?.value ?? 0);
  const notes: string[] = [];
  let lo = 1024;
  if (min > 1024 && min <= 65535) lo = min;
  else if (min !== 0) notes.push(`pasv_min_port=${min} is ignored (must be above 1024)`);
  let hi = 65535;
  if (max >= lo && max < 65535) hi = max;
  else if (max !== 0) notes.push(`pasv_max_port=${max} is ignored (below the minimum ${lo} or not under 65535), so 65535 is used`);
  return { min: lo, max: hi, notes };
}

interface PasvParams {
  maxWidth: number;
}

export const pasvRangeCheck: Check = {
  name: 'vsftpd.pasv-range',
  target: 'vsftpd',
  description: 'Computes the passive port range vsftpd really uses and judges its width.',
  messageIds: ['pass', 'fail'],
  paramsSchema: {
    type: 'object',
    required: ['maxWidth'],
    additionalProperties: false,
    properties: { maxWidth: { type: 'integer', minimum: 1 } },
  },
  appliesTo: (inv) => modelsOf(inv, 'vsftpd').length > 0,
  run: ({ inventory, params, brief }) => {
    const { maxWidth } = params as unknown as PasvParams;
    const out: CheckOutcome[] = [];
    for (const config of modelsOf(inventory, 'vsftpd')) {
      const enabled = config.effective('pasv_enable');
      if (enabled && enabled.value === false) {
        out.push({ status: 'not-applicable', messageId: 'notApplicable', key: 'pasv', location: locationOf(config, enabled), data: { file: config.file } });
        continue;
      }
      const minEv = config.effective('pasv_min_port');
      const maxEv = config.effective('pasv_max_port');
      const range = effectivePassiveRange(config);
      const width = range.max - range.min + 1;
      const ok = width <= maxWidth && range.notes.length === 0;
      const counted = brief?.(ok ? 'pass' : 'fail');
      if (counted) {
        out.push(counted);
        continue;
      }
      const focus = maxEv?.source === 'explicit' ? maxEv : minEv;
      const set = minEv === undefined ? (maxEv === undefined ? [] : [maxEv]) : maxEv === undefined ? [minEv] : [minEv, maxEv];
      out.push({
        status: ok ? 'pass' : 'fail',
        messageId: ok ? 'pass' : 'fail',
        key: 'pasv-range',
        location: config && focus ? locationOf(config, focus) : { file: config.file },
        evidence: set.map((e) => evidenceOf(e)).join('\n'),
        assumptions: assumptionsFor(set),
        data: {
          min: range.min,
          max: range.max,
          width,
          maxWidth,
          notes: range.notes.length ? ` ${range.notes.join('; ')}.` : '',
          flavor: config.flavor,
          file: config.file,
        },
      });
    }
    return out;
  },
};
