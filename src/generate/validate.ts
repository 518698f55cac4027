import { isIP } from 'node:net';
import type { PortRange } from './types.js';

/** A usage error the command prints as a message (exit 2), never a stack trace. */
export class TemplateUsageError extends Error {}

export function parsePortRange(text: string): PortRange {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!m) throw new TemplateUsageError(`--pasv-range must look like 40000-40100, got "${text}"`);
  const min = Number(m[1]);
  const max = Number(m[2]);
  // vsftpd honours pasv_min_port only above 1024 and pasv_max_port only below 65535.
  if (min <= 1024) throw new TemplateUsageError(`--pasv-range: vsftpd ignores pasv_min_port <= 1024 (got ${min})`);
  if (max >= 65535) throw new TemplateUsageError(`--pasv-range: vsftpd ignores pasv_max_port >= 65535 (got ${max})`);
  if (max < min) throw new TemplateUsageError(`--pasv-range: max ${max} is below min ${min} (vsftpd would use 65535)`);
  return { min, max };
}

export function parsePort(text: string | number, flag: string): number {
  const n = typeof text === 'number' ? text : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TemplateUsageError(`${flag} must be a port 1-65535, got "${text}"`);
  return n;
}

export interface Cidr {
  text: string;
  family: 4 | 6;
}

export function parseCidr(text: string): Cidr {
  const [addr, len, extra] = text.trim().split('/');
  const fam = isIP(addr ?? '');
  if (extra !== undefined || (fam !== 4 && fam !== 6)) throw new TemplateUsageError(`--allow-from needs an address or CIDR, got "${text}"`);
  if (len !== undefined) {
    const n = Number(len);
    const max = fam === 4 ? 32 : 128;
    if (!/^\d+$/.test(len) || n > max) throw new TemplateUsageError(`--allow-from: bad prefix length in "${text}"`);
  }
  return { text: text.trim(), family: fam };
}

export function parseIpLiteral(text: string, flag: string): string {
  if (isIP(text.trim()) !== 4) throw new TemplateUsageError(`${flag} must be an IPv4 literal (vsftpd does not resolve names there), got "${text}"`);
  return text.trim();
}

/** vsftpd.conf has no quoting or escaping: a value must be one line without CR. */
export function assertOneLine(name: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new TemplateUsageError(`value for ${name} contains a line break`);
}
