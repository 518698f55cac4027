import type { CheckOutcome } from '../../engine/types.js';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { ProbeObservation } from '../../model/probe.js';
import '../../model/probe.js';

export function observations(inv: Inventory): ProbeObservation[] {
  return modelsOf(inv, 'probe');
}

export function hasObservations(inv: Inventory): boolean {
  return observations(inv).length > 0;
}

export function at(o: ProbeObservation): { endpoint: string } {
  return { endpoint: o.endpoint };
}

/** The endpoint could not be judged for this rule (unreachable, no TLS, no login…). */
export function notEvaluated(o: ProbeObservation, key: string, reason: string): CheckOutcome {
  return { status: 'not-evaluated', messageId: 'notEvaluated', data: { endpoint: o.endpoint, reason }, location: at(o), key: `${o.endpoint}#${key}` };
}

/** Why an endpoint has no TLS facts, or undefined when it has them. */
export function noTlsReason(o: ProbeObservation): string | undefined {
  if (o.tls) return undefined;
  if (o.reachability === 'no-tls') return 'the server offers no TLS at all (see probe/ftps-not-offered)';
  return `endpoint not probed: ${o.reachability}${o.detail ? ` (${o.detail})` : ''}`;
}

/** Why an endpoint has no FTP facts, or undefined. */
export function noFtpReason(o: ProbeObservation): string | undefined {
  if (o.ftp) return undefined;
  return `endpoint not probed: ${o.reachability}${o.detail ? ` (${o.detail})` : ''}`;
}

export function stringList(params: Record<string, unknown>, name: string, fallback: string[]): string[] {
  const v = params[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback;
}

export function numberParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** "C: USER x → 331 Please specify the password." */
export function exchangeText(e: { command: string; code: number | null; reply: string }): string {
  return `C: ${e.command}\nS: ${e.reply}`;
}
