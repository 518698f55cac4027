import { describe, expect, it } from 'vitest';
import { formatMessage } from './messages.js';

describe('formatMessage', () => {
  it('fills placeholders from data, with or without spaces inside the braces', () => {
    expect(formatMessage('{{a}} is {{ b }} ({{c}}, {{d}})', { a: 'x', b: 0, c: false, d: 'y' })).toBe('x is 0 (false, y)');
  });

  it('leaves a placeholder with no value in data visible instead of blank', () => {
    expect(formatMessage('value {{missing}} here', { other: 'x' })).toBe('value {{missing}} here');
    expect(formatMessage('value {{missing}} here', undefined)).toBe('value {{missing}} here');
  });

  it('writes a key that holds undefined as "undefined", as String() does', () => {
    expect(formatMessage('[{{k}}]', { k: undefined } as unknown as Record<string, string>)).toBe('[undefined]');
  });

  it('returns a template without placeholders as it is', () => {
    expect(formatMessage('no placeholders', { a: 'x' })).toBe('no placeholders');
  });
});
