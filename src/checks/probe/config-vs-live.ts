import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import type { ProbeObservation } from '../../model/probe.js';
import type { VsftpdConfig } from '../../model/vsftpd.js';
import { observations } from './common.js';

/**
 * One expectation a vsftpd.conf sets about live behaviour, and whether the probed endpoint
 * meets it. `undefined` = the probe has no fact to compare (e.g. no login was possible).
 */
interface Expectation {
  option: string;
  /** What the file says will happen, in words. */
  expects: (value: unknown) => string | undefined;
  /** What the server did; null when the probe could not tell. */
  observed: (o: ProbeObservation) => { holds: (value: unknown) => boolean; text: string } | null;
}

const yes = (v: unknown): boolean => v === true;

const EXPECTATIONS: Expectation[] = [
  {
    option: 'ssl_enable',
    expects: (v) => (yes(v) ? 'TLS offered' : 'no TLS'),
    observed: (o) => (o.reachability === 'ok' || o.reachability === 'no-tls'
      ? { holds: (v) => yes(v) === (o.reachability === 'ok'), text: o.reachability === 'ok' ? `TLS offered (${o.detectedMode})` : 'no TLS (AUTH TLS refused)' }
      : null),
  },
  {
    option: 'implicit_ssl',
    expects: (v) => (yes(v) ? 'implicit TLS' : 'explicit FTPS (AUTH TLS)'),
    observed: (o) => (o.detectedMode && o.reachability === 'ok' ? { holds: (v) => yes(v) === (o.detectedMode === 'implicit'), text: `${o.detectedMode} FTPS` } : null),
  },
  ...(['SSLv2', 'SSLv3', 'TLSv1.0'] as const).map((proto): Expectation => ({
    option: proto === 'SSLv2' ? 'ssl_sslv2' : proto === 'SSLv3' ? 'ssl_sslv3' : 'ssl_tlsv1',
    // Only "NO" is a promise: YES still depends on the cipher list.
    expects: (v) => (yes(v) ? undefined : `${proto} refused`),
    observed: (o) => {
      const p = o.tls?.protocols.find((x) => x.protocol === proto);
      return p ? { holds: () => !p.accepted, text: p.accepted ? `${proto} accepted (${p.suites.length} suites)` : `${proto} refused` } : null;
    },
  })),
  {
    option: 'force_local_logins_ssl',
    expects: (v) => (yes(v) ? 'USER refused before AUTH TLS' : undefined),
    observed: (o) => {
      const u = o.ftp?.userBeforeTls;
      return u ? { holds: () => u.code !== 331 && u.code !== 230, text: `USER before AUTH TLS → ${u.reply}` } : null;
    },
  },
  {
    option: 'force_local_data_ssl',
    expects: (v) => (yes(v) ? 'no clear data transfer for local users' : undefined),
    observed: (o) => {
      const d = o.ftp?.protClear;
      if (!d || o.ftp?.login?.method !== 'user') return null;
      return { holds: () => !d.transferred, text: d.transferred ? `listing transferred in clear after PROT C (${d.bytes} bytes)` : 'clear transfer refused' };
    },
  },
  {
    option: 'require_ssl_reuse',
    expects: (v) => (yes(v) ? 'data TLS without session reuse refused' : undefined),
    observed: (o) => {
      const d = o.ftp?.dataTlsNoReuse;
      if (!d || d.error?.startsWith('not tested')) return null;
      return { holds: () => !d.transferred, text: d.transferred ? 'data connection with a fresh TLS session accepted' : 'fresh data session refused' };
    },
  },
  {
    option: 'anonymous_enable',
    expects: (v) => (yes(v) ? undefined : 'anonymous login refused'),
    observed: (o) => {
      const seen = [o.ftp?.anonymousClear, o.ftp?.anonymousTls].filter((x) => x !== undefined);
      if (seen.length === 0) return null;
      const allowed = seen.some((x) => x!.allowed);
      return { holds: () => !allowed, text: allowed ? 'anonymous login accepted' : 'anonymous login refused' };
    },
  },
];

/**
 * Rules can compare the configuration with the live server: a file that says ssl_tlsv1=NO
 * next to a daemon that accepts TLS 1.0 means the running daemon is not using this file (or
 * something else answers on the port). Runs when a scan has both vsftpd configs and probe
 * observations (`scan --probe`).
 */
export const configVsLive: Check = {
  name: 'probe.config-vs-live',
  target: 'probe',
  description: 'What vsftpd.conf promises (TLS versions, forced TLS, session reuse, anonymous) against what the probed server does.',
  appliesTo: (inv) => modelsOf(inv, 'vsftpd').length > 0 && observations(inv).some((o) => o.reachability === 'ok' || o.reachability === 'no-tls'),
  run: ({ inventory }) => {
    const out: CheckOutcome[] = [];
    const configs: VsftpdConfig[] = modelsOf(inventory, 'vsftpd');
    for (const cfg of configs) {
      for (const o of observations(inventory)) {
        for (const e of EXPECTATIONS) {
          const eff = cfg.effective(e.option);
          if (!eff) continue;
          const expected = e.expects(eff.value);
          if (!expected) continue;
          const seen = e.observed(o);
          if (!seen) continue;
          const holds = seen.holds(eff.value);
          const line = eff.directive ? `${cfg.file}:${eff.directive.location.line}: ${eff.directive.text}` : `${cfg.file}: ${e.option} unset (${eff.flavor} default ${String(eff.value)})`;
          out.push({
            status: holds ? 'pass' : 'fail',
            messageId: holds ? 'pass' : 'fail',
            data: { file: cfg.file, option: e.option, value: String(eff.value), expected, observed: seen.text, endpoint: o.endpoint },
            location: { ...(eff.directive ? eff.directive.location : { file: cfg.file }), endpoint: o.endpoint },
            evidence: `${line}\n${o.endpoint}: ${seen.text}`,
            assumptions: eff.source === 'default' ? [`${eff.flavor} build default for ${e.option} (${String(eff.value)})`] : undefined,
            key: `${cfg.file}#${e.option}#${o.endpoint}`,
          });
        }
      }
    }
    return out;
  },
};
