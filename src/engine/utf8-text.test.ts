import { describe, expect, it } from 'vitest';
import { formatMessage } from './messages.js';
import { toUtf8Bytes, utf8Bytes } from './utf8-text.js';

/** What a byte string writes out as (Buffer's latin1: one byte per character). */
const written = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

describe('byte strings', () => {
  it('are ASCII text itself, and other text as its UTF-8 bytes', () => {
    expect(utf8Bytes('ssl_enable=YES')).toBe('ssl_enable=YES');
    for (const text of ['é', 'ssl_enable=YÉS', 'Grüße — 漢字', '🔒 emoji']) {
      expect([...utf8Bytes(text)].every((ch) => ch.charCodeAt(0) < 256)).toBe(true);
      expect(utf8Bytes(text)).toBe(toUtf8Bytes(text));
      expect(written(utf8Bytes(text))).toBe(text);
    }
    // A Latin-1 letter is two bytes in UTF-8, not its own code.
    expect(utf8Bytes('é')).toBe('\xc3\xa9');
  });

  it('word a message as formatMessage does, in bytes: template parts and values alike', () => {
    const template = '{{option}} is {{value}} — not {{expected}} ({{missing}})';
    const data = { option: 'ftpd_banner', value: 'Grüße 漢字', expected: '≤ 5' };
    expect(written(formatMessage(template, data, true))).toBe(formatMessage(template, data));
    expect(written(formatMessage('no placeholders — here', undefined, true))).toBe('no placeholders — here');
  });
});
