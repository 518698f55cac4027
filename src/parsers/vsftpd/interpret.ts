/**
 * What vsftpd 3.0.3 does with one setting line, decided in the daemon's own order
 * (vsf_parseconf_load_setting): string table first (an empty value means unset), then
 * "missing value" for anything else without a value, then the bool table, then the uint
 * table, then "unrecognised variable". The first fatal problem of a line is the one the
 * daemon reports; non-fatal misreadings are reported beside it.
 */
import type { VsftpdFlavor, VsftpdOptionType, VsftpdSyntaxCode, VsftpdValue } from '../../model/vsftpd.js';
import {
  asciiUpper,
  bytesToText,
  isCSpace,
  parseBool,
  parseUint,
  trimCSpace,
  type SettingSplit,
} from './grammar.js';
import { flavorsKnowing, MODE_OPTIONS, optionSpec, optionTable } from './options.js';

/** A problem found on one line, before it gets a location. */
export interface LineFinding {
  code: VsftpdSyntaxCode;
  message: string;
  fatal: boolean;
  option?: string;
  /** For fatal findings: the text after "500 OOPS: " that the daemon prints. */
  daemonMessage?: string;
  /** Where on the line the problem is: 'name' or 'value' (for the column). */
  at: 'name' | 'value';
}

export interface LineOutcome {
  /** Set when the line assigned a known option (even to unset). */
  assigned?: { option: string; type: VsftpdOptionType; value: VsftpdValue };
  findings: LineFinding[];
}

const BUILD = (flavor: VsftpdFlavor): string => `vsftpd 3.0.3, ${flavor} build`;
const TRIMMING_FLAVORS: ReadonlySet<VsftpdFlavor> = new Set(['debian', 'rhel']);

/** Text with control chars made visible (\r, \t, \x0b ...), safe to print in a message. */
export function visible(text: string): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROLS, (c) => NAMED_CONTROLS[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]/g;
const NAMED_CONTROLS: Readonly<Record<string, string>> = { '\r': '\\r', '\t': '\\t', '\n': '\\n', '\0': '\\0' };

/** Quote a byte string for a message: UTF-8 text with control chars made visible. */
export function show(bytes: string): string {
  return `"${visible(bytesToText(bytes))}"`;
}

export function interpretSetting(split: SettingSplit, flavor: VsftpdFlavor): LineOutcome {
  const { name } = split;
  const value = split.value ?? '';
  const spec = optionSpec(flavor, name);

  if (spec?.type === 'string') return interpretString(name, split.value, flavor);

  if (value.length === 0) {
    const daemonMessage = `missing value in config file for: ${bytesToText(name)}`;
    if (spec) {
      const how = split.value === undefined ? 'has no "=value"' : 'has an empty value';
      return fatal({
        code: 'missing-value',
        option: name,
        at: split.value === undefined ? 'name' : 'value',
        daemonMessage,
        message: `${name} is a ${spec.type === 'bool' ? 'boolean' : 'number'} option and ${how}; only string options may be left empty`,
      });
    }
    return fatal(unknownName(name, flavor, daemonMessage));
  }

  if (spec?.type === 'bool') return interpretBool(name, value, flavor);
  if (spec?.type === 'uint') return interpretUint(name, value);

  return fatal(unknownName(name, flavor, `unrecognised variable in config file: ${bytesToText(name)}`));
}

function fatal(finding: Omit<LineFinding, 'fatal'>): LineOutcome {
  // Every caller passes a fresh object: completed in place rather than copied.
  const done = finding as LineFinding;
  done.fatal = true;
  return { findings: [done] };
}

/**
 * A name the build does not know. The daemon's message depends only on whether a value
 * followed; our code says why the name is wrong.
 */
function unknownName(name: string, flavor: VsftpdFlavor, daemonMessage: string): Omit<LineFinding, 'fatal'> {
  const oops = `500 OOPS: ${visible(daemonMessage)}`;
  if (name.startsWith('#')) {
    return {
      code: 'indented-comment',
      at: 'name',
      daemonMessage,
      message: `a "#" comment counts only in column 1; indented, the line is read as a setting named ${show(name)} (${oops})`,
    };
  }
  if (name.startsWith(';') || name.startsWith('[')) {
    return {
      code: 'other-comment-style',
      at: 'name',
      daemonMessage,
      message: `vsftpd.conf has no ";" comments or [sections]; ${show(name)} is read as an option name (${oops})`,
    };
  }
  const stripped = stripTrailingSpace(name);
  if (stripped !== name && optionSpec(flavor, stripped)) {
    const crOnly = /^[^\r]*\r$/.test(name) && stripped === name.slice(0, -1);
    if (crOnly) {
      return {
        code: 'crlf',
        option: stripped,
        at: 'name',
        daemonMessage,
        message: `the line ends in a Windows CR; vsftpd keeps it, so the name is ${show(name)}, not ${stripped} (${oops})`,
      };
    }
    return {
      code: 'space-around-equals',
      option: stripped,
      at: 'name',
      daemonMessage,
      message: `blank before "=": vsftpd does not trim, so the name is ${show(name)}, which is not an option (${oops})`,
    };
  }
  const elsewhere = flavorsKnowing(stripped, flavor);
  let hint = '';
  const invisible = invisibleJunk(stripped);
  if (invisible && optionSpec(flavor, invisible.clean)) {
    hint = `; it is ${invisible.clean} with ${invisible.what} attached, which vsftpd reads as part of the name`;
  } else if (elsewhere.length > 0) {
    hint = `; it exists only in the ${elsewhere.join(' and ')} build${elsewhere.length > 1 ? 's' : ''}`;
  } else {
    const lower = stripped.toLowerCase();
    const caseMatch = optionTable(flavor).has(lower) ? lower : undefined;
    if (caseMatch) hint = `; option names are case-sensitive: did you mean ${caseMatch}?`;
  }
  return {
    code: 'unknown-option',
    option: stripped,
    at: 'name',
    daemonMessage,
    message: `${show(name)} is not an option of ${BUILD(flavor)}${hint} (${oops})`,
  };
}

/** Bytes an editor leaves that look like nothing: a UTF-8 BOM, no-break or zero-width spaces. */
const INVISIBLE_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['\xef\xbb\xbf', 'a UTF-8 byte-order mark (U+FEFF)'],
  ['\xc2\xa0', 'a no-break space (U+00A0)'],
  ['\xe2\x80\x8b', 'a zero-width space (U+200B)'],
];

function invisibleJunk(name: string): { clean: string; what: string } | undefined {
  for (const [bytes, what] of INVISIBLE_KINDS) {
    if (name.includes(bytes)) return { clean: name.split(bytes).join(''), what };
  }
  return undefined;
}

function stripTrailingSpace(s: string): string {
  let end = s.length;
  while (end > 0 && isCSpace(s[end - 1]!)) end -= 1;
  return s.slice(0, end);
}

function interpretString(name: string, rawValue: string | undefined, flavor: VsftpdFlavor): LineOutcome {
  const findings: LineFinding[] = [];
  if (rawValue === undefined || rawValue.length === 0) {
    return { assigned: { option: name, type: 'string', value: null }, findings };
  }
  if (TRIMMING_FLAVORS.has(flavor)) {
    const trimmed = trimCSpace(rawValue);
    if (trimmed === null && flavor === 'debian') {
      // Observed on 3.0.3-13: Debian's trimming copies a negative length for a value made only
      // of blanks and the daemon dies with SIGSEGV while parsing: no message, exit 139. (Red
      // Hat's str_strdup_trimmed returns NULL there, so RHEL just unsets the option.)
      return fatal({
        code: rawValue.includes('\r') ? 'crlf' : 'space-around-equals',
        option: name,
        at: 'value',
        message: `${name}=${show(rawValue)}: a string value made only of blanks${rawValue.includes('\r') ? ' (here a Windows CR)' : ''} crashes ${BUILD(flavor)} (SIGSEGV while reading the config, no 500 OOPS message, exit 139); write "${name}=" with nothing after "=" to unset it`,
      });
    }
    return { assigned: { option: name, type: 'string', value: trimmed === null ? null : bytesToText(trimmed) }, findings };
  }
  // Upstream stores the value byte for byte: blanks and a CR become part of a path, banner
  // or cipher string.
  if (rawValue.includes('\r')) {
    findings.push({
      code: 'crlf',
      option: name,
      at: 'value',
      fatal: false,
      message: `the value of ${name} ends in a Windows CR, which ${BUILD(flavor)} keeps as part of the value ${show(rawValue)}`,
    });
  } else if (isCSpace(rawValue[0]!)) {
    findings.push({
      code: 'space-around-equals',
      option: name,
      at: 'value',
      fatal: false,
      message: `blank after "=": ${BUILD(flavor)} keeps it, so ${name} is ${show(rawValue)}`,
    });
  }
  return { assigned: { option: name, type: 'string', value: bytesToText(rawValue) }, findings };
}

function interpretBool(name: string, value: string, flavor: VsftpdFlavor): LineOutcome {
  const parsed = parseBool(value);
  if (parsed !== undefined) return { assigned: { option: name, type: 'bool', value: parsed }, findings: [] };
  const daemonMessage = `bad bool value in config file for: ${name}`;
  const oops = `500 OOPS: ${daemonMessage}`;
  const base = { option: name, at: 'value' as const, daemonMessage };
  if (value.endsWith('\r') && parseBool(value.slice(0, -1)) !== undefined) {
    return fatal({
      ...base,
      code: 'crlf',
      message: `the line ends in a Windows CR, so the value of ${name} is ${show(value)}, not a boolean (${oops})`,
    });
  }
  if (isCSpace(value[0]!) && parseBool(trimCSpace(value) ?? '') !== undefined) {
    return fatal({
      ...base,
      code: 'space-around-equals',
      message: `blank after "=": vsftpd does not trim, so ${show(value)} is not a boolean for ${name} (${oops})`,
    });
  }
  return fatal({ ...base, code: 'bad-bool', message: `${name}=${show(value)}: ${whyBadBool(value)} (${oops})` });
}

/** Explain the common ways a boolean goes wrong, so the fix is obvious. */
function whyBadBool(value: string): string {
  const hash = value.indexOf('#');
  if (hash > 0 && parseBool(stripTrailingSpace(value.slice(0, hash))) !== undefined) {
    return 'vsftpd has no inline comments: the whole text, comment included, is the value';
  }
  const trimmed = stripTrailingSpace(value);
  if (trimmed !== value && parseBool(trimmed) !== undefined) {
    const tail = value.slice(trimmed.length);
    const what = tail.includes('\t') ? 'a trailing tab' : 'a trailing blank';
    return `${what} after the value; vsftpd does not trim, so it is not YES/NO`;
  }
  if (/^(["']).*\1$/.test(value) && value.length >= 2 && parseBool(value.slice(1, -1)) !== undefined) {
    return 'quotes are not stripped; write the bare word';
  }
  if (value.includes('\r')) return 'the value contains a Windows CR (CRLF line ending)';
  const up = asciiUpper(value.trim());
  if (['ON', 'OFF', 'Y', 'N', 'ENABLE', 'ENABLED', 'DISABLE', 'DISABLED'].includes(up)) {
    return `${show(value)} is not a vsftpd boolean; only YES/TRUE/1 and NO/FALSE/0 (any case) are`;
  }
  return 'only YES/TRUE/1 and NO/FALSE/0 (any case, nothing else on the line) are booleans';
}

/** A mode or umask as people write it: 18 → "18 (octal 022)", 0 → "0". */
export function formatMode(n: number): string {
  return n === 0 ? '0' : `${n} (octal 0${n.toString(8)})`;
}

function interpretUint(name: string, value: string): LineOutcome {
  const p = parseUint(value);
  const findings: LineFinding[] = [];
  const eff = (n: number): string => (MODE_OPTIONS.has(name) ? formatMode(n) : String(n));
  const note = (code: VsftpdSyntaxCode, message: string): void => {
    findings.push({ code, option: name, at: 'value', fatal: false, message });
  };
  const shown = show(value);

  if (p.base === 8) {
    if (/^[89]/.test(p.rest)) {
      note('octal-trap', `${name}=${shown}: a leading 0 makes it octal, and the octal parse stops silently at "${p.rest[0]}"; vsftpd uses ${eff(p.value)}`);
    } else if (p.rest.length > 0) {
      note('numeric-junk', `${name}=${shown}: the octal parse stops silently at ${show(p.rest)}; vsftpd uses ${eff(p.value)}`);
    } else if (!MODE_OPTIONS.has(name) && p.consumed.length > 1 && p.value !== Number(p.consumed)) {
      note('octal-trap', `${name}=${p.consumed}: a leading 0 makes vsftpd read it as octal, so it uses ${p.value}, not ${Number(p.consumed)}`);
    }
  } else {
    const digits = p.consumed.slice(p.leadingBlank.length).replace(/^[+-]/, '');
    if (p.leadingBlank.length > 0 && !p.noDigits) {
      note('space-around-equals', `blank after "=": vsftpd's atoi() skips it and uses ${eff(p.value)}`);
    }
    if (p.noDigits) {
      note('numeric-junk', `${name}=${shown} is not a number; vsftpd's atoi() silently makes it 0`);
    } else if (p.negative) {
      note('numeric-junk', `${name}=${shown} is negative; vsftpd converts it to an unsigned number: ${p.value}`);
    } else if (p.outOfRange) {
      note('numeric-junk', `${name}=${shown} is out of range; vsftpd truncates it to ${p.value}`);
    }
    if (!p.noDigits && p.rest.length > 0) {
      const rest = p.rest;
      const why = rest.includes('#')
        ? 'vsftpd has no inline comments, and atoi() stops at the first non-digit'
        : /^[\s]+$/.test(rest)
          ? 'trailing blanks are ignored by atoi()'
          : `atoi() stops silently at ${show(rest)}`;
      // A CR from a CRLF line is harmless here: atoi() stops before it.
      if (rest !== '\r') note('numeric-junk', `${name}=${shown}: ${why}; vsftpd uses ${eff(p.value)}`);
    }
    if (!p.noDigits && MODE_OPTIONS.has(name) && p.value >= 8 && !p.negative) {
      const why = digits.startsWith('0')
        ? `the blank before ${digits} hides its leading 0 (octal is chosen only when the value's first byte is 0), so it is decimal`
        : `${name}=${digits} has no leading 0, so it is decimal`;
      note(
        'octal-trap',
        `${why} ${p.value} = octal 0${p.value.toString(8)}${name.endsWith('umask') && p.value === 22 ? ' (not 022)' : ''}; write it with a leading 0 right after "="`,
      );
    }
  }
  return { assigned: { option: name, type: 'uint', value: p.value }, findings };
}
