/**
 * Splits text into PEM blocks the way a tolerant reader (OpenSSL's PEM_read_bio) does:
 * any text may surround the blocks, blocks may come in any order, RFC 1421 headers
 * (Proc-Type, DEK-Info) may precede the base64 body. Problems are returned, not thrown.
 */
export interface PemBlock {
  label: string;
  /** 1-based line of BEGIN and END. */
  beginLine: number;
  endLine: number;
  headers: Record<string, string>;
  der: Buffer;
}

export interface PemProblem {
  code: 'x509/pem-unterminated' | 'x509/pem-bad-base64' | 'x509/pem-empty';
  message: string;
  line: number;
  label: string;
}

const BEGIN = /^-----BEGIN ([A-Z0-9][A-Z0-9 #/_-]*)-----\s*$/;
const END = /^-----END ([A-Z0-9][A-Z0-9 #/_-]*)-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

export function splitPem(text: string): { blocks: PemBlock[]; problems: PemProblem[] } {
  const lines = text.split('\n');
  const blocks: PemBlock[] = [];
  const problems: PemProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    const begin = BEGIN.exec(stripCr(lines[i]!));
    if (!begin) {
      i++;
      continue;
    }
    const label = begin[1]!;
    const beginLine = i + 1;
    const headers: Record<string, string> = {};
    const body: string[] = [];
    let j = i + 1;
    let ended = false;
    let interruptedByBegin = false;
    for (; j < lines.length; j++) {
      const line = stripCr(lines[j]!).trim();
      const end = END.exec(line);
      if (end) {
        ended = end[1] === label;
        break;
      }
      if (BEGIN.test(line)) {
        interruptedByBegin = true;
        break;
      }
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (header && body.length === 0) headers[header[1]!] = header[2]!;
      else if (line !== '') body.push(line);
    }
    if (!ended) {
      problems.push({
        code: 'x509/pem-unterminated',
        message: interruptedByBegin || j < lines.length
          ? `PEM block "${label}" has no matching END line before the next block`
          : `PEM block "${label}" is not terminated (file truncated?)`,
        line: beginLine,
        label,
      });
      i = interruptedByBegin ? j : Math.max(j, i + 1);
      if (!interruptedByBegin && j < lines.length) i = j + 1;
      continue;
    }
    const b64 = body.join('');
    if (b64.length === 0) {
      problems.push({ code: 'x509/pem-empty', message: `PEM block "${label}" has no content`, line: beginLine, label });
    } else if (!BASE64.test(b64) || b64.length % 4 !== 0) {
      problems.push({
        code: 'x509/pem-bad-base64',
        message: `PEM block "${label}" is not valid base64 (${b64.length % 4 !== 0 ? 'truncated' : 'stray characters'})`,
        line: beginLine,
        label,
      });
    } else {
      blocks.push({ label, beginLine, endLine: j + 1, headers, der: Buffer.from(b64, 'base64') });
    }
    i = j + 1;
  }
  return { blocks, problems };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Re-wraps DER as PEM text (for handing a block to node:crypto). */
export function toPem(label: string, der: Buffer, headers: Record<string, string> = {}): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\n`).join('');
  return `-----BEGIN ${label}-----\n${head}${head ? '\n' : ''}${b64}\n-----END ${label}-----\n`;
}

/**
 * Length of the first DER TLV in buf (for "TRUSTED CERTIFICATE", which appends OpenSSL
 * trust settings after the certificate). undefined if the header is malformed.
 */
export function firstTlvLength(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  const first = buf[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || buf.length < 2 + n) return undefined;
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + buf[2 + k]!;
  return 2 + n + len;
}
