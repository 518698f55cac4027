import type { FtpsModeName } from '../model/probe.js';

export interface ProbeTarget {
  host: string;
  port: number;
}

export const DEFAULT_PORTS = [21, 990];

/** The mode a port is conventionally used in: 990 is implicit FTPS (RFC 4217 §11, IANA ftps). */
export function conventionalMode(port: number): FtpsModeName {
  return port === 990 ? 'implicit' : 'explicit';
}

export class TargetSyntaxError extends Error {}

/**
 * "host", "host:port", "[v6]:port", "ftps://host:port", "ftp://host". Without a port the
 * target expands to the default ports (21 and 990).
 */
export function parseTarget(spec: string): ProbeTarget[] {
  let s = spec.trim();
  s = s.replace(/^(ftps?|ftpes):\/\//i, '').replace(/\/.*$/, '');
  if (/@/.test(s)) throw new TargetSyntaxError(`target "${spec.replace(/\/\/[^@]*@/, '//****@')}" carries credentials; use --user and --password-env`);
  let host: string;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    port = v6[2];
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, port] = s.split(':') as [string, string];
  } else {
    host = s;
  }
  if (!host || !/^[A-Za-z0-9.\-:_]+$/.test(host)) throw new TargetSyntaxError(`not a host name or address: "${spec}"`);
  if (port === undefined) return DEFAULT_PORTS.map((p) => ({ host, port: p }));
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new TargetSyntaxError(`not a port number in "${spec}"`);
  return [{ host, port: n }];
}

/** A targets file: one target per line; blank lines and "#" comments ignored. */
export function parseTargetsFile(text: string): { targets: ProbeTarget[]; errors: string[] } {
  const targets: ProbeTarget[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    try {
      targets.push(...parseTarget(line));
    } catch (err) {
      errors.push(`line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { targets, errors };
}

export function endpointUrl(t: ProbeTarget): string {
  return `ftps://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}
