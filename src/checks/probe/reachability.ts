import type { Check, CheckOutcome } from '../../engine/types.js';
import { at, hasObservations, observations } from './common.js';

/** Every probed endpoint gets one result: pass when it was probed, error with the reason when not. */
export const endpointReachable: Check = {
  name: 'probe.endpoint-reachable',
  target: 'probe',
  description: 'The endpoint answered as an FTP(S) server; otherwise the reason (refused, unresolvable, silent, not FTP, …).',
  appliesTo: hasObservations,
  run: ({ inventory }) => observations(inventory).map((o): CheckOutcome => {
    const ok = o.reachability === 'ok' || o.reachability === 'no-tls';
    return {
      status: ok ? 'pass' : 'error',
      messageId: ok ? 'pass' : 'unreachable',
      data: { endpoint: o.endpoint, mode: o.detectedMode ?? 'unknown', reachability: o.reachability, detail: o.detail ?? '' },
      location: at(o),
      evidence: o.detail ?? o.reachability,
      key: o.endpoint,
    };
  }),
};

export const modeMismatch: Check = {
  name: 'probe.mode-mismatch',
  target: 'probe',
  description: 'The FTPS mode the port speaks (explicit AUTH TLS or implicit TLS) differs from the mode asked for.',
  appliesTo: (inv) => observations(inv).some((o) => o.detectedMode !== null && o.requestedMode !== 'auto'),
  run: ({ inventory }) => observations(inventory).filter((o) => o.detectedMode !== null && o.requestedMode !== 'auto').map((o): CheckOutcome => ({
    status: o.modeMismatch ? 'fail' : 'pass',
    messageId: o.modeMismatch ? 'fail' : 'pass',
    data: { endpoint: o.endpoint, requested: o.requestedMode, detected: o.detectedMode ?? '' },
    location: at(o),
    evidence: `asked: ${o.requestedMode}; first answer: ${o.detectedMode === 'explicit' ? 'FTP greeting' : 'TLS record'}`,
    key: o.endpoint,
  })),
};

export const ftpsNotOffered: Check = {
  name: 'probe.ftps-not-offered',
  target: 'probe',
  description: 'An FTP server that refuses AUTH TLS and does not speak implicit TLS: everything, passwords included, travels in clear.',
  appliesTo: (inv) => observations(inv).some((o) => o.ftp !== undefined),
  run: ({ inventory }) => observations(inventory).filter((o) => o.ftp).map((o): CheckOutcome => ({
    status: o.reachability === 'no-tls' ? 'fail' : 'pass',
    messageId: o.reachability === 'no-tls' ? 'fail' : 'pass',
    data: { endpoint: o.endpoint, mode: o.detectedMode ?? '' },
    location: at(o),
    evidence: o.ftp?.authTls ? `C: ${o.ftp.authTls.command}\nS: ${o.ftp.authTls.reply}` : `${o.detectedMode} TLS handshake completed`,
    key: o.endpoint,
  })),
};
