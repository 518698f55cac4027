/**
 * A growing buffer that text is written into as UTF-8, piece by piece.
 *
 * Why: a large tree's text report is tens of megabytes. Built as strings, each file's group
 * was joined into one flat string (two bytes per character as soon as one piece holds a
 * character beyond Latin-1, such as the report's "—"), then encoded to UTF-8 in a second
 * pass. Written here, each piece is encoded once, straight into bytes, and the pieces that
 * every failure of one rule run repeats (its fix and controls lines) are copied as bytes
 * encoded once (see Utf8Sink.bytes).
 */

// buf.utf8Write(string, offset): Buffer's own encoder without write()'s argument juggling,
// which every Node version since 0.x has (as parsers/vsftpd/config.ts uses latin1Slice).
type Utf8Write = (this: Buffer, text: string, offset: number) => number;
const utf8Write: Utf8Write =
  (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write ??
  function (this: Buffer, text: string, offset: number): number {
    return this.write(text, offset, 'utf8');
  };

export class Utf8Sink {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    // Not from Buffer's shared pool: the sink is long-lived and grows.
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Appends text as UTF-8. */
  text(s: string): void {
    // A UTF-16 unit never takes more than 3 bytes (a surrogate pair: 4 bytes for 2 units).
    const room = this.pos + s.length * 3;
    if (room > this.buf.length) this.grow(room);
    this.pos += utf8Write.call(this.buf, s, this.pos);
  }

  /** Appends bytes already encoded (see encodeUtf8). */
  bytes(b: Uint8Array): void {
    const room = this.pos + b.length;
    if (room > this.buf.length) this.grow(room);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A copy of the bytes written (its own memory, so it can be kept or transferred), then empty. */
  take(): Uint8Array {
    // Not zero-filled first (a large report is tens of megabytes of these copies).
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  /** The text written, decoded, then empty. */
  takeString(): string {
    const s = this.buf.toString('utf8', 0, this.pos);
    this.pos = 0;
    return s;
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(atLeast, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** A piece encoded once, to be copied into sinks as bytes. */
export function encodeUtf8(s: string): Uint8Array {
  // Its own memory, not a view into Buffer's shared pool (which would keep the pool alive).
  const b = Buffer.from(s, 'utf8');
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}
