import type { PackId } from './types.js';

/**
 * Numbers the hardened set needs, and which framework bounds each one.
 * A pack that says nothing about a parameter leaves the ftps-audit baseline in force;
 * where several packs bound the same parameter, the strictest bound wins
 * (lowest upper bound, highest lower bound).
 */
export interface HardeningParams {
  /** vsftpd idle_session_timeout, seconds (upper bound). */
  idleSessionTimeout: number;
  /** vsftpd data_connection_timeout, seconds (upper bound). */
  dataConnectionTimeout: number;
  /** pam_faillock deny: failures before the account locks (upper bound). */
  faillockDeny: number;
  /** pam_faillock unlock_time, seconds (lower bound). */
  faillockUnlockTime: number;
  /** pam_faillock fail_interval, seconds (lower bound: a longer window counts more failures). */
  faillockFailInterval: number;
  /** fail2ban bantime, seconds (lower bound). */
  fail2banBanTime: number;
  /** fail2ban maxretry (upper bound). */
  fail2banMaxRetry: number;
  /** fail2ban findtime, seconds (lower bound). */
  fail2banFindTime: number;
  /** vsftpd local_umask as a number (more bits set = stricter). */
  localUmask: number;
  /** vsftpd max_clients / max_per_ip (upper bounds). */
  maxClients: number;
  maxPerIp: number;
  /** New control connections per source and minute before the firewall drops (upper bound). */
  controlConnRatePerMinute: number;
  /** May ChaCha20-Poly1305 be offered (TLS 1.2 list and TLS 1.3 suites)? false is stricter. */
  allowChaCha20: boolean;
}

type Direction = 'max' | 'min' | 'bits' | 'false-wins';

const DIRECTION: Record<keyof HardeningParams, Direction> = {
  idleSessionTimeout: 'max',
  dataConnectionTimeout: 'max',
  faillockDeny: 'max',
  faillockUnlockTime: 'min',
  faillockFailInterval: 'min',
  fail2banBanTime: 'min',
  fail2banMaxRetry: 'max',
  fail2banFindTime: 'min',
  localUmask: 'bits',
  maxClients: 'max',
  maxPerIp: 'max',
  controlConnRatePerMinute: 'max',
  allowChaCha20: 'false-wins',
};

/** A bound one source sets on one parameter, with the text that justifies it. */
export interface ParamBound<K extends keyof HardeningParams = keyof HardeningParams> {
  param: K;
  value: HardeningParams[K];
  citation: string;
}

/**
 * Baseline: what ftps-audit writes when no selected pack is stricter. Each value says why.
 * These are operational choices, not framework text.
 */
export const BASELINE: { [K in keyof HardeningParams]: { value: HardeningParams[K]; why: string } } = {
  idleSessionTimeout: { value: 600, why: 'ftps-audit baseline: 10 min idle logoff, inside every pack bound' },
  dataConnectionTimeout: { value: 300, why: 'vsftpd default (300 s), kept explicit' },
  faillockDeny: { value: 6, why: 'ftps-audit baseline: 6 failures (PCI DSS v3.2.1 8.1.6 value, stricter than v4.0.1)' },
  faillockUnlockTime: { value: 1800, why: 'ftps-audit baseline: 30 min lockout' },
  faillockFailInterval: { value: 900, why: 'pam_faillock default window (900 s)' },
  fail2banBanTime: { value: 1800, why: 'ftps-audit baseline: 30 min ban (fail2ban default 10m is shorter)' },
  fail2banMaxRetry: { value: 5, why: 'fail2ban default maxretry (5)' },
  fail2banFindTime: { value: 600, why: 'fail2ban default findtime (10m)' },
  localUmask: { value: 0o027, why: 'no group write, nothing for others' },
  maxClients: { value: 100, why: 'ftps-audit baseline: bounded, sized for a small transfer host' },
  maxPerIp: { value: 10, why: 'ftps-audit baseline: bounded per source' },
  controlConnRatePerMinute: { value: 30, why: 'ftps-audit baseline: new control connections per source and minute' },
  // Mozilla intermediate 6.0 admits ChaCha20-Poly1305, NIST SP 800-52r2 §3.3.1 does not; HIPAA
  // (via HHS guidance) and our PCI pack (rule vsftpd/ciphers-not-nist-approved) follow NIST.
  allowChaCha20: { value: false, why: 'not in NIST SP 800-52r2 §3.3.1 (followed by every built-in pack)' },
};

/** What each built-in pack demands; only bounds the framework text actually sets. */
export const PACK_BOUNDS: Record<PackId, ParamBound[]> = {
  'pci-dss': [
    { param: 'idleSessionTimeout', value: 900, citation: 'PCI DSS v4.0.1 Req. 8.2.8 (re-authenticate after more than 15 minutes idle)' },
    { param: 'faillockDeny', value: 10, citation: 'PCI DSS v4.0.1 Req. 8.3.4 (lock after not more than 10 invalid attempts)' },
    { param: 'faillockUnlockTime', value: 1800, citation: 'PCI DSS v4.0.1 Req. 8.3.4 (locked for at least 30 minutes)' },
    { param: 'fail2banBanTime', value: 1800, citation: 'PCI DSS v4.0.1 Req. 8.3.4 (30 minutes; fail2ban bans addresses, see pam_faillock for accounts)' },
    { param: 'localUmask', value: 0o027, citation: 'PCI DSS v4.0.1 Req. 7.2.1/7.2.2 (least privilege)' },
  ],
  hipaa: [
    { param: 'idleSessionTimeout', value: 900, citation: '45 CFR 164.312(a)(2)(iii) automatic logoff (addressable; 15 min chosen)' },
    // HHS guidance (74 FR 19006) points data in motion at NIST SP 800-52: same suite list.
    { param: 'allowChaCha20', value: false, citation: 'HHS breach guidance 74 FR 19006 -> NIST SP 800-52r2 §3.3.1 (ChaCha20 not approved)' },
    { param: 'localUmask', value: 0o027, citation: '45 CFR 164.312(a)(1) access control' },
  ],
  'nist-800-52r2': [
    { param: 'allowChaCha20', value: false, citation: 'NIST SP 800-52r2 §3.3.1 (approved suites: AES-GCM/CCM only)' },
  ],
};

export interface ResolvedParam<K extends keyof HardeningParams = keyof HardeningParams> {
  value: HardeningParams[K];
  /** The source that set the final value: a pack citation, or the baseline reason. */
  why: string;
}

export type ResolvedParams = { [K in keyof HardeningParams]: ResolvedParam<K> };

function stricter<K extends keyof HardeningParams>(k: K, a: HardeningParams[K], b: HardeningParams[K]): boolean {
  const dir = DIRECTION[k];
  if (dir === 'false-wins') return a === false && b === true;
  const x = a as number;
  const y = b as number;
  if (dir === 'max') return x < y;
  if (dir === 'min') return x > y;
  // umask: stricter when it masks a superset of the bits and at least one more.
  return (x & y) === y && x !== y;
}

/**
 * Resolve parameters for a set of packs: start from the baseline, let every pack bound
 * tighten it. The baseline is never loosened by a pack (a pack bound is a limit, not a target).
 */
export function resolveParams(packs: readonly PackId[]): ResolvedParams {
  const out = {} as Record<keyof HardeningParams, ResolvedParam>;
  for (const k of Object.keys(BASELINE) as (keyof HardeningParams)[]) {
    out[k] = { value: BASELINE[k].value, why: BASELINE[k].why };
  }
  for (const pack of packs) {
    for (const bound of PACK_BOUNDS[pack]) {
      const cur = out[bound.param];
      if (stricter(bound.param, bound.value, cur.value)) {
        out[bound.param] = { value: bound.value, why: bound.citation };
      } else if (bound.value === cur.value) {
        // Same value: cite the framework rather than the baseline, it is the stronger reason.
        if (!PACK_CITED.has(cur.why)) out[bound.param] = { value: cur.value, why: bound.citation };
      }
    }
  }
  return out as ResolvedParams;
}

const PACK_CITED = new Set(Object.values(PACK_BOUNDS).flatMap((b) => b.map((x) => x.citation)));

/** Every bound a pack sets on the parameter, for comments that list all reasons. */
export function boundsFor(param: keyof HardeningParams, packs: readonly PackId[]): ParamBound[] {
  return packs.flatMap((p) => PACK_BOUNDS[p].filter((b) => b.param === param));
}

export function formatUmask(n: number): string {
  return '0' + n.toString(8).padStart(2, '0');
}
