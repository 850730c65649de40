/**
 * Growable byte buffers and LEB128 varints: the low-level encoding of
 * postings, positions and segment files.
 *
 * Goals: no allocation per value; little-endian fixed-width helpers for
 * headers. Non-goals: the postings block layout (block-codec.ts).
 */

export class ByteBuf {
  buf: Uint8Array;
  length = 0;

  constructor(capacity = 16) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(min: number): void {
    let cap = this.buf.length * 2;
    while (cap < min) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Appends an unsigned integer < 2^53 as LEB128. */
  varint(v: number): void {
    if (this.length + 8 > this.buf.length) this.grow(this.length + 8);
    const b = this.buf;
    let n = this.length;
    while (v >= 0x80) {
      b[n++] = (v & 0x7f) | 0x80;
      v = v >= 0x80000000 ? Math.floor(v / 128) : v >>> 7;
    }
    b[n++] = v;
    this.length = n;
  }

  /** Appends one byte (0..255). */
  byte(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }

  bytes(src: Uint8Array): void {
    if (this.length + src.length > this.buf.length) this.grow(this.length + src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  /** The written bytes (a view; copy before growing further). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Reads LEB128 varints from a byte array. `pos` is public so hot loops can
 * inline their own decoding and sync back.
 */
export class VarintReader {
  constructor(public bytes: Uint8Array, public pos = 0) {}

  next(): number {
    const b = this.bytes;
    let p = this.pos;
    let x = b[p++];
    if (x < 0x80) {
      this.pos = p;
      return x;
    }
    x &= 0x7f;
    let shift = 7;
    for (;;) {
      const c = b[p++];
      x += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
      shift += 7;
    }
    this.pos = p;
    return x;
  }
}

/** Rounds a positive number up to a float32 (block bounds must never under-estimate). */
export function float32Up(x: number): number {
  const f = Math.fround(x);
  return f >= x ? f : Math.fround(x * (1 + 2 ** -22));
}
