import type { Framer } from './bounded-connection.js';

/** One FTP reply (RFC 959 §4.2): a 3-digit code and its text lines. */
export interface FtpReply {
  code: number;
  /** Every line of the reply, without CRLF. */
  lines: string[];
}

/** Upper bounds for one reply, so a never-ending multi-line reply is an error, not a hang. */
export const MAX_REPLY_LINES = 2000;
export const MAX_LINE_BYTES = 8192;

export class FtpReplyError extends Error {
  constructor(message: string, public readonly partial: string) {
    super(message);
  }
}

/**
 * Frame one complete FTP reply from the buffer. A multi-line reply starts "ddd-" and ends
 * with a line "ddd " with the same code; lines in between are free text (RFC 959).
 * Throws FtpReplyError when the peer breaks the bounds or does not speak FTP.
 */
export const ftpReplyFramer: Framer<FtpReply> = (buf, closed) => {
  let pos = 0;
  const lines: string[] = [];
  let code = -1;
  let multi = false;
  for (;;) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      if (buf.length - pos > MAX_LINE_BYTES) {
        throw new FtpReplyError(`reply line longer than ${MAX_LINE_BYTES} bytes`, preview(buf));
      }
      if (closed && buf.length > pos && lines.length === 0) {
        // A final unterminated line at close: accept it if it looks like a reply.
        const line = buf.subarray(pos).toString('latin1');
        const m = /^(\d{3})[ -]?/.exec(line);
        if (m) return { consumed: buf.length, value: { code: Number(m[1]), lines: [line] } };
        throw new FtpReplyError('peer closed after sending a non-FTP line', preview(buf));
      }
      return null;
    }
    if (nl - pos > MAX_LINE_BYTES) throw new FtpReplyError(`reply line longer than ${MAX_LINE_BYTES} bytes`, preview(buf));
    const line = buf.subarray(pos, nl).toString('latin1').replace(/\r$/, '');
    pos = nl + 1;
    if (lines.length === 0) {
      const m = /^(\d{3})([ -]|$)/.exec(line);
      if (!m) throw new FtpReplyError('first line is not an FTP reply', preview(buf));
      code = Number(m[1]);
      multi = m[2] === '-';
      lines.push(line);
      if (!multi) return { consumed: pos, value: { code, lines } };
      continue;
    }
    lines.push(line);
    if (lines.length > MAX_REPLY_LINES) throw new FtpReplyError(`multi-line reply longer than ${MAX_REPLY_LINES} lines`, preview(buf));
    if (line.startsWith(`${code} `) || line === String(code)) return { consumed: pos, value: { code, lines } };
  }
};

function preview(buf: Buffer): string {
  return printable(buf.subarray(0, 120));
}

/** Bytes as safe one-line text for evidence. */
export function printable(buf: Buffer): string {
  return buf.toString('latin1').replace(/[^\x20-\x7e]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '.'));
}

export function replyText(r: FtpReply): string {
  return r.lines.join('\n');
}

/** "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" → address and port. */
export function parsePasv(r: FtpReply): { address: string; port: number } | null {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(r.lines.join(' '));
  if (!m) return null;
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) return null;
  return { address: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
}

/** "229 Entering Extended Passive Mode (|||port|)" → port. */
export function parseEpsv(r: FtpReply): number | null {
  const m = /\((.)\1\1(\d{1,5})\1\)/.exec(r.lines.join(' '));
  if (!m) return null;
  const p = Number(m[2]);
  return p > 0 && p < 65536 ? p : null;
}
