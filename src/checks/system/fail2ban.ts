import picomatch from 'picomatch';
import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { VsftpdConfig } from '../../model/vsftpd.js';
import { f2bBoolean, f2bSeconds, JailView } from './fail2ban-jail.js';

const JAIL = 'vsftpd';
const hasJailFiles = (inv: Inventory): boolean => modelsOf(inv, 'fail2ban').some((f) => f.role === 'jail');
const jailOf = (inv: Inventory): JailView => new JailView(modelsOf(inv, 'fail2ban'), JAIL);

function enabledState(jail: JailView): { enabled: boolean; outcome: Pick<CheckOutcome, 'location' | 'evidence' | 'assumptions'>; raw: string } {
  const v = jail.get('enabled')!;
  const location = v.entry ? { file: v.file!, line: v.entry.line } : jail.defined() ?? undefined;
  return {
    enabled: f2bBoolean(v.value) === true,
    raw: v.value,
    outcome: { ...(location ? { location } : {}), ...(v.entry ? { evidence: v.entry.text.trim() } : {}), assumptions: v.fallbacks },
  };
}

/** Log-in monitoring (HIPAA 164.308(a)(5)(ii)(C)): repeated FTP login failures should ban the source. */
export const fail2banVsftpdJail: Check = {
  name: 'system.fail2ban-vsftpd-jail',
  target: 'system',
  description: 'The fail2ban [vsftpd] jail exists and is enabled after jail.conf/jail.d/jail.local are merged.',
  messageIds: ['pass', 'absent', 'disabled'],
  appliesTo: hasJailFiles,
  run: ({ inventory }): CheckOutcome[] => {
    const jail = jailOf(inventory);
    const files = modelsOf(inventory, 'fail2ban').filter((f) => f.role === 'jail');
    if (!jail.defined()) return [{ status: 'fail', messageId: 'absent', key: JAIL, location: { file: files[0]!.file }, data: { files: files.map((f) => f.file).join(', ') } }];
    const st = enabledState(jail);
    return [{ status: st.enabled ? 'pass' : 'fail', messageId: st.enabled ? 'pass' : 'disabled', key: JAIL, ...st.outcome, data: { value: st.raw } }];
  },
};

/**
 * A ban shorter than the PCI lockout duration. fail2ban bans an address, so even a long ban
 * is not the account lockout 8.3.4 asks for; the message says so.
 */
export const fail2banBantime: Check = {
  name: 'system.fail2ban-bantime',
  target: 'system',
  description: 'The enabled [vsftpd] jail bans for at least min_seconds (negative = permanent).',
  paramsSchema: { type: 'object', properties: { min_seconds: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  messageIds: ['pass', 'fail', 'notEnabled', 'notEvaluated'],
  appliesTo: hasJailFiles,
  run: ({ inventory, params }): CheckOutcome[] => {
    const min = (params['min_seconds'] as number | undefined) ?? 1800;
    const jail = jailOf(inventory);
    if (!jail.defined() || !enabledState(jail).enabled) return [{ status: 'not-applicable', messageId: 'notEnabled', key: JAIL }];
    const v = jail.get('bantime')!;
    const seconds = f2bSeconds(v.value);
    const where = { ...(v.entry ? { location: { file: v.file!, line: v.entry.line }, evidence: v.entry.text.trim() } : { location: jail.defined()! }), assumptions: v.fallbacks };
    if (seconds === undefined) return [{ status: 'not-evaluated', messageId: 'notEvaluated', key: 'bantime', ...where, data: { reason: `cannot read bantime "${v.value}"` } }];
    const ok = seconds < 0 || seconds >= min;
    return [{ status: ok ? 'pass' : 'fail', messageId: ok ? 'pass' : 'fail', key: 'bantime', ...where, data: { value: v.value, minutes: seconds < 0 ? 'permanent' : Math.round(seconds / 60), minMinutes: Math.round(min / 60) } }];
  },
};

/**
 * Where vsftpd writes its own-format log, the only place its `FAIL LOGIN: Client "<addr>"`
 * lines appear: vsftpd_log_file, when dual_log_enable=YES or xferlog_enable=YES with
 * xferlog_std_format=NO (vsftpd's logging.c); syslog_enable sends it to syslog instead.
 */
export function vsftpdFailLoginLog(conf: VsftpdConfig): { file?: string; syslog: boolean; why: string } {
  const val = (o: string) => conf.effective(o)?.value;
  if (val('syslog_enable') === true) return { syslog: true, why: 'syslog_enable=YES sends the vsftpd log to syslog' };
  if (val('dual_log_enable') === true) return { file: String(val('vsftpd_log_file')), syslog: false, why: 'dual_log_enable=YES' };
  if (val('xferlog_enable') === true && val('xferlog_std_format') !== true) return { file: String(val('vsftpd_log_file')), syslog: false, why: 'xferlog_enable=YES with xferlog_std_format=NO' };
  return { syslog: false, why: val('xferlog_enable') === true ? 'xferlog_std_format=YES without dual_log_enable writes only xferlog-format lines, which have no FAIL LOGIN' : 'xferlog_enable and dual_log_enable are off' };
}

/** PAM's auth.log lines (pam_unix "authentication failure ... rhost=") are the filter's other source. */
const PAM_LOGS = ['/var/log/auth.log', '/var/log/secure'];

export const fail2banLogpath: Check = {
  name: 'system.fail2ban-logpath',
  target: 'system',
  description: "The enabled [vsftpd] jail reads the log the scanned vsftpd.conf writes FAIL LOGIN lines to (or PAM's auth log).",
  messageIds: ['pass', 'passPam', 'fail', 'noVsftpdLog', 'notEnabled', 'notEvaluated'],
  appliesTo: (inv) => hasJailFiles(inv) && modelsOf(inv, 'vsftpd').length > 0,
  run: ({ inventory }): CheckOutcome[] => {
    const jail = jailOf(inventory);
    if (!jail.defined() || !enabledState(jail).enabled) return [{ status: 'not-applicable', messageId: 'notEnabled', key: JAIL }];
    const backend = jail.get('backend');
    if (backend && /^systemd/.test(backend.value.trim())) {
      return [{ status: 'not-evaluated', messageId: 'notEvaluated', key: 'logpath', location: backend.entry ? { file: backend.file!, line: backend.entry.line } : jail.defined()!, data: { reason: `backend = ${backend.value} reads the journal, not logpath; whether vsftpd's FAIL LOGIN lines reach the journal is not judged` } }];
    }
    const v = jail.get('logpath');
    if (!v) return [{ status: 'not-evaluated', messageId: 'notEvaluated', key: 'logpath', location: jail.defined()!, data: { reason: 'the jail sets no logpath (backend systemd?)' } }];
    const paths = v.value.split(/\s+/).filter((p) => p && !/^(skip_if_missing|tail|head)$/.test(p));
    const where = { ...(v.entry ? { location: { file: v.file!, line: v.entry.line }, evidence: v.entry.text.trim() } : { location: jail.defined()! }), assumptions: v.fallbacks };
    const out: CheckOutcome[] = [];
    for (const conf of modelsOf(inventory, 'vsftpd')) {
      const log = vsftpdFailLoginLog(conf);
      const reads = (p: string) => paths.some((glob) => picomatch(glob)(p) || glob === p);
      const pam = PAM_LOGS.find(reads);
      const data = { logpath: paths.join(' '), conf: conf.file, vsftpdLog: log.file ?? 'none', why: log.why };
      if (log.syslog) { out.push({ status: 'not-evaluated', messageId: 'notEvaluated', key: conf.file, ...where, data: { reason: `${log.why}; which file syslog writes is not scanned` } }); continue; }
      if (log.file && reads(log.file)) { out.push({ status: 'pass', messageId: 'pass', key: conf.file, ...where, data }); continue; }
      if (pam) { out.push({ status: 'pass', messageId: 'passPam', key: conf.file, ...where, data: { ...data, pamLog: pam }, assumptions: [...where.assumptions, 'relies on pam_unix logging "authentication failure ... rhost=" for the vsftpd service'] }); continue; }
      out.push({ status: 'fail', messageId: log.file ? 'fail' : 'noVsftpdLog', key: conf.file, ...where, data });
    }
    return out;
  },
};
