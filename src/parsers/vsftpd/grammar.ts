/**
 * The byte-level grammar of vsftpd.conf, as vsftpd 3.0.3 reads it (parseconf.c, str.c,
 * sysutil.c). Everything here works on "byte strings": a Buffer decoded as latin1, so that one
 * JS char is one byte and the C semantics (isspace, toupper in the C locale, NUL-terminated
 * strings, a size cap in bytes) carry over exactly. Callers convert to UTF-8 for display.
 */

/** defs.h VSFTP_CONF_FILE_MAX: str_fileread() silently reads no more than this. */
export const VSFTP_CONF_FILE_MAX = 100_000;

/** C isspace() in the C locale (vsftpd never calls setlocale). */
export function isCSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

/** A line as str_getline() yields it: the bytes up to, not including, '\n' ('\r' kept). */
export interface RawLine {
  /** 1-based line number in the file. */
  lineNo: number;
  /** latin1 byte string of the line. */
  bytes: string;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
}

export interface ReadLines {
  /** The lines the daemon sees (after the 100,000-byte cut). */
  lines: RawLine[];
  totalBytes: number;
  /** Present when the file is longer than the cap: where the cut falls. */
  cut?: {
    /** Line and 0-based byte index within that line of the first ignored byte. */
    lineNo: number;
    byteInLine: number;
    /** Lines (whole or partial) past the cut, for explaining what gets lost. */
    ignoredLines: RawLine[];
  };
}

/**
 * Split a file the way vsftpd does: read at most `max` bytes, then cut at every '\n'.
 * A final line without '\n' still counts; an empty remainder after a final '\n' does not.
 */
export function readLines(file: Buffer, max: number = VSFTP_CONF_FILE_MAX): ReadLines {
  const seen = file.subarray(0, Math.min(file.length, max)).toString('latin1');
  const lines = splitAtNewlines(seen, 0, 1);
  const result: ReadLines = { lines, totalBytes: file.length };
  if (file.length > max) {
    const lastNl = seen.lastIndexOf('\n');
    const lineNo = countNewlines(seen) + 1;
    const byteInLine = max - (lastNl + 1);
    // The rest of the cut line plus every later line: re-split from the cut line's start so
    // that ignored lines carry their true numbers and whole text.
    const cutLineStart = lastNl + 1;
    const rest = file.subarray(cutLineStart).toString('latin1');
    const ignored = splitAtNewlines(rest, cutLineStart, lineNo);
    result.cut = { lineNo, byteInLine, ignoredLines: ignored };
  }
  return result;
}

function splitAtNewlines(text: string, baseOffset: number, firstLineNo: number): RawLine[] {
  const out: RawLine[] = [];
  let pos = 0;
  let lineNo = firstLineNo;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    out.push({ lineNo, bytes: text.slice(pos, end), offset: baseOffset + pos });
    lineNo += 1;
    pos = nl === -1 ? text.length : nl + 1;
  }
  return out;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

export type LineKind = 'blank' | 'comment' | 'setting';

/**
 * vsf_parseconf_load_file(): a line is skipped when empty, when its very first byte is '#',
 * or when every byte is whitespace. The '#' test runs before any whitespace is stripped, so
 * an indented '#' is a setting.
 */
export function classifyLine(bytes: string): LineKind {
  if (bytes.length === 0) return 'blank';
  if (bytes[0] === '#') return 'comment';
  for (let i = 0; i < bytes.length; i++) if (!isCSpace(bytes[i]!)) return 'setting';
  return 'blank';
}

export interface SettingSplit {
  /** The name as the daemon compares it (may carry trailing blanks, '\r', '#', ...). */
  name: string;
  /** Everything after the first '='; undefined when there is no '='. */
  value: string | undefined;
  /** 0-based byte index of the name's first byte within the line. */
  nameStart: number;
  /** 0-based byte index of the value's first byte within the line. */
  valueStart?: number;
  /** The line contained a NUL byte: the daemon's C string ends there. */
  nulCut: boolean;
}

/**
 * vsf_parseconf_load_setting(): skip leading whitespace, then (because the line is handed
 * over as a C string) stop at the first NUL, then split at the first '='. Nothing is trimmed
 * around the '='.
 */
export function splitSetting(bytes: string): SettingSplit {
  let start = 0;
  while (start < bytes.length && isCSpace(bytes[start]!)) start += 1;
  let text = bytes.slice(start);
  const nul = text.indexOf('\0');
  if (nul !== -1) text = text.slice(0, nul);
  const eq = text.indexOf('=');
  if (eq === -1) return { name: text, value: undefined, nameStart: start, nulCut: nul !== -1 };
  return {
    name: text.slice(0, eq),
    value: text.slice(eq + 1),
    nameStart: start,
    valueStart: start + eq + 1,
    nulCut: nul !== -1,
  };
}

/** toupper() in the C locale: only a-z change (toUpperCase() of a run of a-z is just that). */
export function asciiUpper(s: string): string {
  return HAS_LOWER.test(s) ? s.replace(LOWER_RUNS, (run) => run.toUpperCase()) : s;
}

const HAS_LOWER = /[a-z]/;
const LOWER_RUNS = /[a-z]+/g;

/** The bool grammar: upper-cased, then exactly YES/TRUE/1 or NO/FALSE/0. No trimming. */
export function parseBool(value: string): boolean | undefined {
  // Too long or too short to be any of the words, whatever its case.
  if (value.length === 0 || value.length > 5) return undefined;
  const up = asciiUpper(value);
  if (up === 'YES' || up === 'TRUE' || up === '1') return true;
  if (up === 'NO' || up === 'FALSE' || up === '0') return false;
  return undefined;
}

export interface UintParse {
  /** The unsigned 32-bit number the daemon stores. */
  value: number;
  /** 8 when the value starts with '0' (vsf_sysutil_octal_to_uint), else 10 (atoi). */
  base: 8 | 10;
  /** Text the parse consumed (leading blanks, sign and digits). */
  consumed: string;
  /** Text after the last consumed char, silently ignored by the daemon. */
  rest: string;
  /** atoi only: whitespace skipped before the number. */
  leadingBlank: string;
  /** atoi only: no digits at all, so the value is 0. */
  noDigits: boolean;
  /** atoi only: a '-' sign; the int is then converted to unsigned (wraps). */
  negative: boolean;
  /** The number did not fit and was wrapped or clamped the way glibc and the C cast do. */
  outOfRange: boolean;
}

const TWO_32 = 4294967296;

/**
 * The uint grammar of parseconf.c: a value starting with '0' is octal and stops silently at
 * the first byte outside 0-7; any other value goes through atoi(): skip C whitespace, an
 * optional sign, decimal digits, stop at the first non-digit; a non-number is 0.
 */
export function parseUint(value: string): UintParse {
  if (value.startsWith('0')) {
    let i = 0;
    let result = 0;
    let wrapped = false;
    while (i < value.length && value[i]! >= '0' && value[i]! <= '7') {
      // unsigned int arithmetic: result <<= 3 drops high bits.
      const next = result * 8 + (value.charCodeAt(i) - 48);
      if (next >= TWO_32) wrapped = true;
      result = next % TWO_32;
      i += 1;
    }
    return {
      value: result,
      base: 8,
      consumed: value.slice(0, i),
      rest: value.slice(i),
      leadingBlank: '',
      noDigits: false,
      negative: false,
      outOfRange: wrapped,
    };
  }
  let i = 0;
  while (i < value.length && isCSpace(value[i]!)) i += 1;
  const leadingBlank = value.slice(0, i);
  let negative = false;
  if (value[i] === '+' || value[i] === '-') {
    negative = value[i] === '-';
    i += 1;
  }
  const digitsStart = i;
  while (i < value.length && value[i]! >= '0' && value[i]! <= '9') i += 1;
  const digits = value.slice(digitsStart, i);
  if (digits.length === 0) {
    // strtol consumed nothing: the sign is not part of a number either.
    return {
      value: 0,
      base: 10,
      consumed: '',
      rest: value,
      leadingBlank,
      noDigits: true,
      negative: false,
      outOfRange: false,
    };
  }
  // glibc atoi = (int) strtol(s, NULL, 10): strtol clamps to the 64-bit long range, the
  // cast to int keeps the low 32 bits, and vsftpd then casts to unsigned int.
  const LONG_MAX = (1n << 63n) - 1n;
  const LONG_MIN = -(1n << 63n);
  const written = negative ? -BigInt(digits) : BigInt(digits);
  const n = written > LONG_MAX ? LONG_MAX : written < LONG_MIN ? LONG_MIN : written;
  // Out of range = the daemon ends up with a different number than the one written (a
  // negative that fits in an int is reported as negative instead).
  const outOfRange = negative ? written < -(1n << 31n) : written > 0xffffffffn;
  return {
    value: Number(BigInt.asUintN(32, n)),
    base: 10,
    consumed: value.slice(0, i),
    rest: value.slice(i),
    leadingBlank,
    noDigits: false,
    negative,
    outOfRange,
  };
}

/**
 * Debian's and Red Hat's builds store string values through a trimming strdup: C whitespace
 * ('\r' included) is cut from both ends. An all-blank value becomes NULL (unset) on Red Hat's
 * build and crashes Debian's (see interpret.ts). Upstream keeps the value byte for byte.
 */
export function trimCSpace(value: string): string | null {
  let start = 0;
  let end = value.length;
  while (start < end && isCSpace(value[start]!)) start += 1;
  while (end > start && isCSpace(value[end - 1]!)) end -= 1;
  return end > start ? value.slice(start, end) : null;
}

/** A latin1 byte string back to the text it encodes (UTF-8, with U+FFFD for bad bytes). */
export function bytesToText(bytes: string): string {
  // Nearly every config is ASCII, where bytes and text are the same: skip the round trip.
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

const NON_ASCII = /[\x80-\xff]/;

/** 1-based character column of a byte index within a line (multi-byte UTF-8 counts once). */
export function byteIndexToColumn(lineBytes: string, byteIndex: number): number {
  const before = lineBytes.slice(0, byteIndex);
  return (NON_ASCII.test(before) ? bytesToText(before).length : byteIndex) + 1;
}
