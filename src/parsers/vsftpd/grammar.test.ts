import { describe, expect, it } from 'vitest';
import {
  asciiUpper,
  byteIndexToColumn,
  classifyLine,
  parseBool,
  parseUint,
  readLines,
  splitSetting,
  trimCSpace,
  VSFTP_CONF_FILE_MAX,
} from './grammar.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('readLines (str_fileread + str_getline)', () => {
  it('splits at \\n only and keeps \\r', () => {
    const r = readLines(latin1('a=1\r\nb=2\n'));
    expect(r.lines.map((l) => l.bytes)).toEqual(['a=1\r', 'b=2']);
    expect(r.lines.map((l) => l.lineNo)).toEqual([1, 2]);
    expect(r.lines.map((l) => l.offset)).toEqual([0, 5]);
    expect(r.cut).toBeUndefined();
  });

  it('counts a final line without newline, and no empty line after a final newline', () => {
    expect(readLines(latin1('a\nb')).lines.map((l) => l.bytes)).toEqual(['a', 'b']);
    expect(readLines(latin1('a\n\n')).lines.map((l) => l.bytes)).toEqual(['a', '']);
    expect(readLines(latin1('')).lines).toEqual([]);
  });

  it('reads exactly the first 100,000 bytes', () => {
    expect(VSFTP_CONF_FILE_MAX).toBe(100_000);
    const exact = readLines(Buffer.alloc(VSFTP_CONF_FILE_MAX, 'a'));
    expect(exact.cut).toBeUndefined();
    const over = readLines(Buffer.concat([Buffer.from('x=1\n'), Buffer.alloc(VSFTP_CONF_FILE_MAX, 'b')]));
    expect(over.totalBytes).toBe(VSFTP_CONF_FILE_MAX + 4);
    expect(over.lines).toHaveLength(2);
    expect(over.lines[1]!.bytes.length).toBe(VSFTP_CONF_FILE_MAX - 4);
    expect(over.cut).toMatchObject({ lineNo: 2, byteInLine: VSFTP_CONF_FILE_MAX - 4 });
  });

  it('locates a cut that falls exactly on a line start', () => {
    const head = `${'#'.repeat(9)}\n`.repeat(VSFTP_CONF_FILE_MAX / 10);
    const r = readLines(Buffer.from(`${head}foo=1\nbar=2\n`));
    expect(r.cut).toMatchObject({ lineNo: VSFTP_CONF_FILE_MAX / 10 + 1, byteInLine: 0 });
    expect(r.cut!.ignoredLines.map((l) => l.bytes)).toEqual(['foo=1', 'bar=2']);
    expect(r.cut!.ignoredLines[0]!.lineNo).toBe(VSFTP_CONF_FILE_MAX / 10 + 1);
  });
});

describe('classifyLine', () => {
  it('skips empty, column-1 comments and all-whitespace lines', () => {
    expect(classifyLine('')).toBe('blank');
    expect(classifyLine('   \t\r')).toBe('blank');
    expect(classifyLine('\v\f')).toBe('blank');
    expect(classifyLine('#x')).toBe('comment');
    expect(classifyLine('#')).toBe('comment');
  });

  it('treats an indented # and other comment styles as settings', () => {
    expect(classifyLine(' #x')).toBe('setting');
    expect(classifyLine('\t# x')).toBe('setting');
    expect(classifyLine(';x=1')).toBe('setting');
    expect(classifyLine('[s]')).toBe('setting');
    // A no-break space is not C whitespace.
    expect(classifyLine('\xa0')).toBe('setting');
  });
});

describe('splitSetting', () => {
  it('splits at the first = with nothing trimmed', () => {
    expect(splitSetting('a=b=c')).toMatchObject({ name: 'a', value: 'b=c', nameStart: 0, valueStart: 2 });
    expect(splitSetting('ssl_enable = YES')).toMatchObject({ name: 'ssl_enable ', value: ' YES' });
    expect(splitSetting('x=')).toMatchObject({ name: 'x', value: '' });
  });

  it('strips leading whitespace only', () => {
    expect(splitSetting('  \tname=v ')).toMatchObject({ name: 'name', value: 'v ', nameStart: 3, valueStart: 8 });
  });

  it('has no value when there is no =', () => {
    expect(splitSetting('ftpd_banner')).toEqual({ name: 'ftpd_banner', value: undefined, nameStart: 0, nulCut: false });
  });

  it('ends the line at a NUL byte, as a C string does', () => {
    expect(splitSetting('ssl_enable=NO\0junk')).toMatchObject({ name: 'ssl_enable', value: 'NO', nulCut: true });
    expect(splitSetting('\0a=b')).toMatchObject({ name: '', value: undefined, nulCut: true });
  });
});

describe('parseBool', () => {
  it('accepts YES/TRUE/1 and NO/FALSE/0 in any case', () => {
    for (const v of ['YES', 'yes', 'Yes', 'TRUE', 'true', '1']) expect(parseBool(v)).toBe(true);
    for (const v of ['NO', 'no', 'False', 'FALSE', '0']) expect(parseBool(v)).toBe(false);
  });

  it('rejects everything else, blanks and CR included', () => {
    for (const v of ['NO ', ' NO', 'NO\t', 'NO\r', 'NO # c', 'off', 'on', 'N', 'Y', '"YES"', "'NO'", '2', '01', '', 'YESS']) {
      expect(parseBool(v), JSON.stringify(v)).toBeUndefined();
    }
  });

  it('upper-cases ASCII only (C locale)', () => {
    expect(asciiUpper('yes\xe9')).toBe('YES\xe9');
    // 'ß'.toUpperCase() would be 'SS' in JS; toupper() in the C locale leaves it alone.
    expect(asciiUpper('\xdf')).toBe('\xdf');
  });
});

describe('parseUint', () => {
  it('reads a leading 0 as octal and stops silently at the first non-octal byte', () => {
    expect(parseUint('022')).toMatchObject({ value: 0o22, base: 8, rest: '' });
    expect(parseUint('04041')).toMatchObject({ value: 2081, base: 8 });
    expect(parseUint('089')).toMatchObject({ value: 0, base: 8, consumed: '0', rest: '89' });
    expect(parseUint('0o22')).toMatchObject({ value: 0, rest: 'o22' });
    expect(parseUint('0 22')).toMatchObject({ value: 0, rest: ' 22' });
    expect(parseUint('0')).toMatchObject({ value: 0, base: 8, rest: '' });
  });

  it('wraps octal overflow like unsigned int arithmetic', () => {
    // 12 octal digits = 36 bits; the top 4 bits fall off.
    expect(parseUint('0777777777777')).toMatchObject({ value: 0xffffffff, outOfRange: true });
  });

  it('uses atoi semantics otherwise', () => {
    expect(parseUint('22')).toMatchObject({ value: 22, base: 10, rest: '' });
    expect(parseUint(' 2125')).toMatchObject({ value: 2125, leadingBlank: ' ' });
    expect(parseUint('\t\v 7x')).toMatchObject({ value: 7, rest: 'x' });
    expect(parseUint('2123abc')).toMatchObject({ value: 2123, rest: 'abc' });
    expect(parseUint('5 # c')).toMatchObject({ value: 5, rest: ' # c' });
    expect(parseUint('+12')).toMatchObject({ value: 12, negative: false });
    // With a blank first, a leading 0 is just a decimal digit to atoi().
    expect(parseUint(' 017')).toMatchObject({ value: 17, base: 10 });
  });

  it('makes a non-number 0', () => {
    expect(parseUint('abc')).toMatchObject({ value: 0, noDigits: true, rest: 'abc' });
    expect(parseUint('-')).toMatchObject({ value: 0, noDigits: true });
    expect(parseUint(' ')).toMatchObject({ value: 0, noDigits: true });
  });

  it('wraps negatives and overflows the way (unsigned)(int)strtol does on glibc/x86-64', () => {
    expect(parseUint('-1')).toMatchObject({ value: 4294967295, negative: true });
    expect(parseUint('-3')).toMatchObject({ value: 4294967293 });
    expect(parseUint('4294967296')).toMatchObject({ value: 0, outOfRange: true });
    expect(parseUint('99999999999')).toMatchObject({ value: 1215752191, outOfRange: true });
    // Beyond LONG_MAX strtol clamps to 0x7fffffffffffffff, whose low 32 bits are all ones.
    expect(parseUint('99999999999999999999999')).toMatchObject({ value: 4294967295, outOfRange: true });
    expect(parseUint('-99999999999999999999999')).toMatchObject({ value: 0, outOfRange: true });
    expect(parseUint('2147483648')).toMatchObject({ value: 2147483648, outOfRange: false });
    expect(parseUint('4294967295')).toMatchObject({ value: 4294967295 });
  });
});

describe('trimCSpace (Debian/RHEL trimming strdup)', () => {
  it('trims C whitespace on both ends, CR included, and makes all-blank NULL', () => {
    expect(trimCSpace('  a b  ')).toBe('a b');
    expect(trimCSpace('hello\r')).toBe('hello');
    expect(trimCSpace('\va\f')).toBe('a');
    expect(trimCSpace('   ')).toBeNull();
    expect(trimCSpace('\xa0a\xa0')).toBe('\xa0a\xa0');
  });
});

describe('byteIndexToColumn', () => {
  it('counts characters, not bytes', () => {
    const line = Buffer.from('é=ü', 'utf8').toString('latin1');
    expect(byteIndexToColumn(line, 0)).toBe(1);
    expect(byteIndexToColumn(line, 3)).toBe(3);
  });
});
