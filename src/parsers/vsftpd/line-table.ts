/**
 * A process-wide table of lines already read, found by the line's own bytes without
 * cutting the line out of the file first.
 *
 * Why: a fleet's vsftpd.conf files come from a few templates, so the same setting lines
 * ("ssl_enable=YES", "pasv_min_port=40000") recur in thousands of files. What a line says is
 * a function of its text (and the build), so it is worked out once: later files take the
 * shared strings (the line's text, its value) and the value it assigns from here, rather than
 * decoding the line, hashing its name and slicing its value again, and they keep no copy of
 * their own.
 *
 * Bounded: once `max` lines are in, nothing more is added (lines met early are the common
 * ones); a tree of all-different lines pays one hash per line and gains nothing.
 */
/**
 * Slots looked at per find or add. Half empty, a table rarely needs more than two or three;
 * the bound keeps lines made to share a hash (the hash is not a secret) from turning each
 * lookup into a walk over the whole table: past it, a line is simply read again.
 */
const MAX_PROBES = 16;

export class LineTable<T extends { readonly bytes: Uint8Array }> {
  private readonly slots: (T | undefined)[];
  private readonly hashes: Int32Array;
  private readonly mask: number;
  private readonly max: number;
  private count = 0;

  /** bits: log2 of the slot count; at most half the slots are ever filled. */
  constructor(bits: number) {
    const size = 1 << bits;
    this.slots = new Array<T | undefined>(size).fill(undefined);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    this.max = size >>> 1;
  }

  // Bytes, not the decoded text: a typed array's elements are read (and compared) in about
  // half the time of a string's char codes.

  /** A hash of bytes[from, end). */
  static hash(bytes: Uint8Array, from: number, end: number): number {
    let h = end - from;
    for (let i = from; i < end; i++) h = (Math.imul(h, 0x01000193) ^ bytes[i]!) | 0;
    return h;
  }

  /** The entry whose bytes are exactly bytes[from, end) (hash: LineTable.hash of them). */
  find(bytes: Uint8Array, from: number, end: number, hash: number): T | undefined {
    const len = end - from;
    for (let n = 0, i = hash & this.mask; n < MAX_PROBES; n++, i = (i + 1) & this.mask) {
      const entry = this.slots[i];
      if (entry === undefined) return undefined;
      if (this.hashes[i] === hash && sameBytes(entry.bytes, bytes, from, len)) return entry;
    }
    return undefined;
  }

  /** No more entries are added (see add). */
  get full(): boolean {
    return this.count >= this.max;
  }

  /**
   * Adds an entry not in the table (find() said so), unless the table is full or the
   * entry's run of slots is.
   */
  add(hash: number, entry: T): void {
    if (this.count >= this.max) return;
    for (let n = 0, i = hash & this.mask; n < MAX_PROBES; n++, i = (i + 1) & this.mask) {
      if (this.slots[i] !== undefined) continue;
      this.slots[i] = entry;
      this.hashes[i] = hash;
      this.count += 1;
      return;
    }
  }
}

/** a is exactly b[from, from + len). */
function sameBytes(a: Uint8Array, b: Uint8Array, from: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[from + i]) return false;
  return true;
}
