import { BoundedConnection, ReadError } from './bounded-connection.js';
import { ftpReplyFramer, FtpReplyError, replyText, type FtpReply } from './ftp-reply.js';

/**
 * A clear-text FTP control dialogue with a transcript. Every read has a deadline; every
 * command sent is recorded with secrets replaced, so the transcript can be evidence.
 */
export class FtpControl {
  readonly transcript: string[] = [];

  constructor(readonly conn: BoundedConnection, private readonly timeoutMs: number) {}

  async readReply(timeoutMs = this.timeoutMs): Promise<FtpReply> {
    const r = await this.conn.read(ftpReplyFramer, Date.now() + timeoutMs);
    this.transcript.push(`S: ${summarise(r)}`);
    return r;
  }

  /** Send a command; `shown` is what the transcript records (PASS is never recorded as sent). */
  async command(line: string, shown?: string, timeoutMs?: number): Promise<FtpReply> {
    this.transcript.push(`C: ${shown ?? line}`);
    this.conn.write(`${line}\r\n`);
    return this.readReply(timeoutMs);
  }
}

/** Multi-line replies (FEAT, HELP) are shortened in transcripts to keep evidence readable. */
function summarise(r: FtpReply): string {
  if (r.lines.length <= 12) return replyText(r).replace(/\n/g, ' | ');
  return [...r.lines.slice(0, 10), `… (${r.lines.length - 11} more lines)`, r.lines[r.lines.length - 1]].join(' | ');
}

export function describeReadError(err: unknown): string {
  if (err instanceof ReadError) return `${err.reason}: ${err.message}`;
  if (err instanceof FtpReplyError) return `not FTP: ${err.message} (got "${err.partial}")`;
  return err instanceof Error ? err.message : String(err);
}
