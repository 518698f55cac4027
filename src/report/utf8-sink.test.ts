import { describe, expect, it } from 'vitest';
import { Utf8Sink } from './utf8-sink.js';

describe('Utf8Sink', () => {
  it('writes text as the UTF-8 of its concatenation, growing as needed', () => {
    const sink = new Utf8Sink(4); // far too small: every write grows it
    const pieces = ['ascii ', 'latin-1 é ', '— ≠ ≤ ', '😀 astral ', 'x'.repeat(10_000)];
    for (const p of pieces) sink.text(p);
    const want = Buffer.from(pieces.join(''), 'utf8');
    expect(sink.length).toBe(want.length);
    expect(Buffer.from(sink.take()).equals(want)).toBe(true);
    expect(sink.length).toBe(0);
  });

  it('gives copies of their own that later writes do not change', () => {
    const sink = new Utf8Sink();
    sink.text('first');
    const first = sink.take();
    sink.text('second, longer');
    expect(Buffer.from(first).toString()).toBe('first');
    expect(first.buffer.byteLength).toBe(first.length); // transferable without taking a pool along
    expect(Buffer.from(sink.take()).toString()).toBe('second, longer');
  });

  it('encodes a lone surrogate as the replacement character, as Buffer.from does', () => {
    const sink = new Utf8Sink();
    sink.text('a\ud800b');
    expect(Buffer.from(sink.take()).equals(Buffer.from('a\ud800b', 'utf8'))).toBe(true);
  });
});
