import type { Check, CheckOutcome } from '../../engine/types.js';
import type { DataChannelObservation, FtpObservation, ProbeObservation } from '../../model/probe.js';
import { at, exchangeText, hasObservations, noFtpReason, notEvaluated, observations } from './common.js';

function perEndpoint(key: string, judge: (o: ProbeObservation, f: FtpObservation) => CheckOutcome | CheckOutcome[]) {
  return (inv: Parameters<Check['run']>[0]['inventory']): CheckOutcome[] => observations(inv).flatMap((o) => {
    const why = noFtpReason(o);
    return why ? [notEvaluated(o, key, why)] : judge(o, o.ftp!);
  });
}

function verdict(o: ProbeObservation, key: string, failed: boolean, data: Record<string, string | number | boolean>, evidence: string): CheckOutcome {
  return { status: failed ? 'fail' : 'pass', messageId: failed ? 'fail' : 'pass', data: { endpoint: o.endpoint, ...data }, location: at(o), evidence, key: `${o.endpoint}#${key}` };
}

function dataEvidence(d: DataChannelObservation): string {
  const lines = d.exchanges.map(exchangeText);
  lines.push(`data connection: ${d.bytes} bytes received${d.tlsProtocol ? ` over ${d.tlsProtocol} ${d.tlsCipher ?? ''}${d.sessionReused !== undefined ? `, session reused: ${d.sessionReused}` : ''}` : ' in clear'}${d.error ? `; ${d.error}` : ''}`);
  return lines.join('\n');
}

export const credentialsInClear: Check = {
  name: 'probe.credentials-before-tls',
  target: 'probe',
  description: 'USER with a dummy name before AUTH TLS is answered 331: the server would take a password in clear text.',
  appliesTo: (inv) => observations(inv).some((o) => o.detectedMode === 'explicit'),
  run: ({ inventory }) => perEndpoint('user-before-tls', (o, f) => {
    if (o.detectedMode !== 'explicit') return [{ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#user-before-tls` }];
    const u = f.userBeforeTls;
    if (!u) return [notEvaluated(o, 'user-before-tls', 'the clear-text session did not get as far as USER')];
    return verdict(o, 'user-before-tls', u.code === 331 || u.code === 230, { code: u.code ?? 'none' }, exchangeText(u));
  })(inventory),
};

export const anonymousInClear: Check = {
  name: 'probe.anonymous-login-in-clear',
  target: 'probe',
  description: 'Anonymous login completes (230) without TLS.',
  appliesTo: (inv) => observations(inv).some((o) => o.detectedMode === 'explicit'),
  run: ({ inventory }) => perEndpoint('anonymous-clear', (o, f) => {
    if (o.detectedMode !== 'explicit') return [{ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#anonymous-clear` }];
    const a = f.anonymousClear;
    if (!a) return [notEvaluated(o, 'anonymous-clear', 'the clear-text anonymous session failed before USER')];
    return verdict(o, 'anonymous-clear', a.allowed, {}, a.exchanges.map(exchangeText).join('\n'));
  })(inventory),
};

export const anonymousAccess: Check = {
  name: 'probe.anonymous-login',
  target: 'probe',
  description: 'Anonymous login completes at all (in clear or over TLS): access without a unique user ID.',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('anonymous', (o, f) => {
    const seen = [f.anonymousClear, f.anonymousTls].filter((x) => x !== undefined);
    if (seen.length === 0) return [notEvaluated(o, 'anonymous', 'no anonymous login was attempted (a --user was given)')];
    const allowed = seen.some((x) => x!.allowed);
    return verdict(o, 'anonymous', allowed, { where: [f.anonymousClear?.allowed ? 'in clear' : '', f.anonymousTls?.allowed ? 'over TLS' : ''].filter(Boolean).join(' and ') || 'nowhere' }, seen.flatMap((x) => x!.exchanges.map(exchangeText)).join('\n'));
  })(inventory),
};

export const clearDataChannel: Check = {
  name: 'probe.clear-data-channel',
  target: 'probe',
  description: 'After PROT C a listing is actually transferred over a clear data connection (a 200 reply alone proves nothing).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('prot-c', (o, f) => {
    const d = f.protClear;
    if (!d) return [notEvaluated(o, 'prot-c', f.loginSkipped ?? 'not tested')];
    return verdict(o, 'prot-c', d.transferred, { bytes: d.bytes }, dataEvidence(d));
  })(inventory),
};

export const dataSessionReuse: Check = {
  name: 'probe.data-tls-session-reuse',
  target: 'probe',
  description: 'A data connection with a fresh TLS session (not resuming the control session) is accepted: the data channel can be hijacked (vsftpd require_ssl_reuse).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('data-reuse', (o, f) => {
    const d = f.dataTlsNoReuse;
    if (!d || d.error?.startsWith('not tested')) return [notEvaluated(o, 'data-reuse', d?.error ?? f.loginSkipped ?? 'not tested')];
    return verdict(o, 'data-reuse', d.transferred, {}, dataEvidence(d));
  })(inventory),
};

export const dataChannelMatchesControl: Check = {
  name: 'probe.data-channel-matches-control',
  target: 'probe',
  description: 'The protected data channel uses the same protocol and certificate as the control channel, and works at all.',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('data-vs-control', (o, f) => {
    const d = f.dataTlsReuse;
    const c = f.controlTls;
    if (!d || !c) return [notEvaluated(o, 'data-vs-control', f.loginSkipped ?? 'not tested')];
    const problems: string[] = [];
    if (!d.transferred) problems.push(`the protected listing failed (${d.error ?? d.exchanges.at(-1)?.reply ?? 'no reply'})`);
    if (d.tlsProtocol && d.tlsProtocol !== c.protocol) problems.push(`data ${d.tlsProtocol} vs control ${c.protocol}`);
    if (d.certFingerprint256 && c.certFingerprint256 && d.certFingerprint256 !== c.certFingerprint256) problems.push('different certificate on the data channel');
    return verdict(o, 'data-vs-control', problems.length > 0, { problems: problems.join('; ') }, `control: ${c.protocol} ${c.cipher}\n${dataEvidence(d)}`);
  })(inventory),
};

export const pasvAddressLeak: Check = {
  name: 'probe.pasv-address-leak',
  target: 'probe',
  description: 'The PASV reply names a private address or one other than the target (internal address disclosure).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('pasv', (o, f) => {
    const p = f.pasv;
    if (!p) return [notEvaluated(o, 'pasv', f.loginSkipped ?? 'no PASV reply')];
    return verdict(o, 'pasv', p.privateAddress || p.differsFromTarget, { address: p.address ?? '', target: o.host }, `${exchangeText(p.exchange)}\n(the address was read, never connected to; data went to ${o.host})`);
  })(inventory),
};

export const authSsl: Check = {
  name: 'probe.auth-ssl-accepted',
  target: 'probe',
  description: 'The legacy AUTH SSL command is accepted (RFC 4217 uses AUTH TLS; AUTH SSL implied SSL 3.0-era semantics).',
  appliesTo: (inv) => observations(inv).some((o) => o.detectedMode === 'explicit'),
  run: ({ inventory }) => perEndpoint('auth-ssl', (o, f) => {
    if (!f.authSsl) return [{ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#auth-ssl` }];
    const accepted = f.authSsl.code === 234;
    return verdict(o, 'auth-ssl', accepted, { advertised: f.feat.includes('AUTH SSL') }, `${exchangeText(f.authSsl)}${f.authSsl.handshake ? `\nhandshake: ${f.authSsl.handshake}` : ''}\nFEAT: ${f.feat.join(', ')}`);
  })(inventory),
};

export const cccAccepted: Check = {
  name: 'probe.ccc-accepted',
  target: 'probe',
  description: 'CCC (clear command channel) is accepted after login: later commands travel in clear.',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('ccc', (o, f) => {
    if (!f.ccc) return [notEvaluated(o, 'ccc', f.loginSkipped ?? 'not tested')];
    const ok = f.ccc.code !== null && f.ccc.code >= 200 && f.ccc.code < 300;
    return verdict(o, 'ccc', ok, {}, exchangeText(f.ccc));
  })(inventory),
};

export const siteExposed: Check = {
  name: 'probe.site-commands',
  target: 'probe',
  description: 'SITE commands are available to the logged-in user (SITE HELP answered 2xx).',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('site', (o, f) => {
    if (!f.site) return [notEvaluated(o, 'site', f.loginSkipped ?? 'not tested')];
    const ok = f.site.code !== null && f.site.code >= 200 && f.site.code < 300;
    return verdict(o, 'site', ok, { reply: f.site.reply.split('\n')[0] ?? '' }, exchangeText(f.site));
  })(inventory),
};

export const versionDisclosed: Check = {
  name: 'probe.version-disclosed',
  target: 'probe',
  description: 'The greeting or SYST reply (what unauthenticated clients see) names the server software and version.',
  appliesTo: hasObservations,
  run: ({ inventory }) => perEndpoint('version', (o, f) => {
    // What anyone sees before logging in is the finding; STAT after login is shown as context.
    const v = f.versionDisclosedBeforeLogin ?? f.versionDisclosed;
    const ev = [f.banner && `S: ${f.banner}`, f.syst && exchangeText(f.syst), f.stat && `after login:\n${exchangeText(f.stat)}`].filter(Boolean).join('\n');
    return verdict(o, 'version', v.length > 0, { versions: v.join(', '), afterLogin: f.versionDisclosed.join(', ') || 'nothing' }, ev);
  })(inventory),
};

export const clearFallback: Check = {
  name: 'probe.cleartext-fallback',
  target: 'probe',
  description: 'After accepting AUTH TLS (234) the server still answers FTP commands sent in clear text.',
  appliesTo: (inv) => observations(inv).some((o) => o.detectedMode === 'explicit'),
  run: ({ inventory }) => perEndpoint('clear-fallback', (o, f) => {
    if (o.detectedMode !== 'explicit') return [{ status: 'not-applicable', messageId: 'notApplicable', data: { endpoint: o.endpoint }, location: at(o), key: `${o.endpoint}#clear-fallback` }];
    const c = f.clearAfterAuthTls;
    if (!c) return [notEvaluated(o, 'clear-fallback', 'AUTH TLS was not accepted, or the session failed before it')];
    return verdict(o, 'clear-fallback', c.accepted, {}, c.exchanges.map(exchangeText).join('\n'));
  })(inventory),
};
