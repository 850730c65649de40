/**
 * Many growable int streams in one paged pool (Lucene's IntBlockPool idea):
 * each stream is a chain of slices of growing size (4, 8, … 1,024 ints)
 * whose last slot points to the next slice, so the segment builder appends
 * postings and positions of a term without one typed array (and its object
 * header, and its copy-on-grow) per term.
 *
 * Goals: O(1) append with no allocation except a new 4 MB page now and then;
 * readers walk a stream by count while the writer keeps appending.
 * Non-goals: deleting streams (a builder is thrown away whole); values
 * outside int32.
 */

const PAGE_BITS = 20;
/** Ints per page (4 MB). A slice never crosses a page, so an address is page·PAGE + offset. */
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
/** Slice sizes by level (the last slot holds the next slice's address); the last level repeats. */
const SIZES = new Int32Array([4, 8, 16, 32, 64, 128, 256, 512, 1024]);
const TOP = SIZES.length - 1;

export class IntSlicePool {
  private pages: Int32Array[] = [new Int32Array(PAGE)];
  private page = 0;
  private used = 0;
  /** Per stream: next write address, address of its slice's pointer slot, slice level, first address. */
  private cur = new Int32Array(1024);
  private end = new Int32Array(1024);
  private lvl = new Uint8Array(1024);
  private head = new Int32Array(1024);
  /** Streams created so far (ids 0…count−1). */
  count = 0;

  private alloc(size: number): number {
    if (this.used + size > PAGE) {
      this.pages.push(new Int32Array(PAGE));
      this.page++;
      this.used = 0;
    }
    const a = this.page * PAGE + this.used;
    this.used += size;
    return a;
  }

  /** Creates an empty stream; returns its id. */
  newStream(): number {
    const s = this.count++;
    if (s === this.cur.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.cur = grow(this.cur, new Int32Array(s * 2));
      this.end = grow(this.end, new Int32Array(s * 2));
      this.lvl = grow(this.lvl, new Uint8Array(s * 2));
      this.head = grow(this.head, new Int32Array(s * 2));
    }
    const a = this.alloc(SIZES[0]);
    this.cur[s] = a;
    this.head[s] = a;
    this.end[s] = a + SIZES[0] - 1;
    return s;
  }

  /** Appends one int to stream s. */
  push(s: number, v: number): void {
    let c = this.cur[s];
    const e = this.end[s];
    if (c === e) {
      const l = this.lvl[s] < TOP ? ++this.lvl[s] : TOP;
      const size = SIZES[l];
      c = this.alloc(size);
      this.pages[e >>> PAGE_BITS][e & MASK] = c;
      this.end[s] = c + size - 1;
    }
    this.pages[c >>> PAGE_BITS][c & MASK] = v;
    this.cur[s] = c + 1;
  }

  /** Ints held (pages allocated × page size), for flush-by-size decisions. */
  bytes(): number {
    return this.pages.length * PAGE * 4 + this.cur.length * 13;
  }

  /** A cursor at the start of stream s; read exactly as many ints as were pushed. */
  reader(s: number, r: SliceReader = new SliceReader(this.pages)): SliceReader {
    r.pages = this.pages;
    r.c = this.head[s];
    r.e = this.head[s] + SIZES[0] - 1;
    r.l = 0;
    return r;
  }
}

/** Reads one stream of an IntSlicePool (reusable: IntSlicePool.reader re-points it). */
export class SliceReader {
  c = 0;
  e = 0;
  l = 0;
  constructor(public pages: Int32Array[]) {}

  next(): number {
    let c = this.c;
    if (c === this.e) {
      c = this.pages[c >>> PAGE_BITS][c & MASK];
      if (this.l < TOP) this.l++;
      this.e = c + SIZES[this.l] - 1;
    }
    this.c = c + 1;
    return this.pages[c >>> PAGE_BITS][c & MASK];
  }
}
