/**
 * StoredCursor reads a block's tfs lazily from the bit-packed block: the
 * weighted tf of any posting it lands on, and the tfs it unpacks for
 * positions, equal what the full block decoder (Segment.decodeAll) gives;
 * its one-pass window adds and its lead scan (nextAbove) equal the generic
 * posting-by-posting walks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuilder } from '../../../src/search/index/segment-builder.js';
import { Segment, BLOCK_SIZE, END_DOC, FILTER_PREFIX } from '../../../src/search/index/segment.js';
import { PostingCursor, StoredCursor } from '../../../src/search/index/posting-cursor.js';
import { B, DEFAULT_FIELD_WEIGHTS, K1 } from '../../../src/search/index/bm25.js';
import { makeDocs, rng } from './corpus.js';

test('lazy tfs of a stored cursor equal the fully decoded postings, when walking and when skipping', () => {
  const b = new SegmentBuilder();
  for (const d of makeDocs(3000, 3)) b.add(d);
  // A posting with large tfs in every field (wide bit widths).
  b.add({ key: 9999, title: 'model '.repeat(40), authors: 'Model Wang '.repeat(9), abstract: 'model '.repeat(3000), date: 20000, categories: [], organization: null });
  const seg = new Segment(b.finish(), 'cursor-test');
  const [w0, w1, w2] = DEFAULT_FIELD_WEIGHTS;
  const r = rng(9);
  let checked = 0;
  for (let t = 0; t < seg.numTerms; t++) {
    if (seg.termAt(t).startsWith(FILTER_PREFIX)) continue;
    const { docs, tfs } = seg.decodeAll(t);
    const want = new Map<number, number>();
    docs.forEach((d, i) => want.set(d, i));
    // Walk every posting, then skip ahead by random targets.
    for (const skipping of [false, true]) {
      const c = new StoredCursor(seg, t, DEFAULT_FIELD_WEIGHTS);
      let target = 0;
      for (;;) {
        const d = c.next(target);
        if (d === END_DOC) break;
        const i = want.get(d);
        assert.ok(i !== undefined, `doc ${d} of term ${t}`);
        assert.equal(c.currentTfw(), tfs[i * 3] * w0 + tfs[i * 3 + 1] * w1 + tfs[i * 3 + 2] * w2);
        const p = c.currentPositions();
        assert.deepEqual([p.tfTitle, p.tfAuthors, p.tfAbstract], [tfs[i * 3], tfs[i * 3 + 1], tfs[i * 3 + 2]]);
        checked++;
        target = skipping ? d + 1 + Math.floor(r() * 400) : d + 1;
      }
    }
  }
  assert.ok(checked > 10_000, `checked ${checked} postings`);
});

test("a stored cursor's one-pass window adds equal the generic block-by-block walk, window after window", () => {
  const b = new SegmentBuilder();
  for (const d of makeDocs(4000, 5)) b.add(d);
  b.add({ key: 9999, title: 'model '.repeat(40), authors: 'Model Wang '.repeat(9), abstract: 'model '.repeat(3000), date: 20000, categories: [], organization: null });
  const seg = new Segment(b.finish(), 'window-test');
  const n = seg.numDocs;
  const norms = new Float64Array(n);
  for (let d = 0; d < n; d++) norms[d] = 0.3 + (seg.d.docLen[d] % 17) / 10;
  const r = rng(21);
  const generic = PostingCursor.prototype;
  let windows = 0;
  let added = 0;
  for (let t = 0; t < seg.numTerms; t++) {
    if (seg.termAt(t).startsWith(FILTER_PREFIX) || seg.d.termDf[t] < 3) continue;
    const fast = new StoredCursor(seg, t, DEFAULT_FIELD_WEIGHTS);
    const slow = new StoredCursor(seg, t, DEFAULT_FIELD_WEIGHTS);
    // Windows of random widths (from inside a block to many blocks); some skipped, some added to marked docs only,
    // some with a probe first (the cursor then sits on a posting in the window or after it), as topKOr moves them.
    for (let from = 0; from < n;) {
      const to = Math.min(n, from + 1 + Math.floor(r() * (r() < 0.5 ? 60 : 900)));
      const width = to - from;
      const x = r();
      if (x < 0.15) {
        from = to;
        continue;
      }
      if (x < 0.25) {
        const probe = from + Math.floor(r() * width);
        assert.equal(fast.next(probe), slow.next(probe));
        if (fast.doc < to) assert.equal(fast.currentTfw(), slow.currentTfw());
        from = to;
        continue;
      }
      const marked = x < 0.6;
      const words = (width + 31) >>> 5;
      const bits = new Uint32Array(words);
      if (marked) for (let o = 0; o < width; o++) if (r() < 0.4) bits[o >>> 5] |= 1 << (o & 31);
      const bitsSlow = bits.slice();
      const s1 = new Float64Array(width);
      const s2 = new Float64Array(width);
      for (let o = 0; o < width; o++) s1[o] = s2[o] = r() < 0.3 ? r() * 5 : 0;
      const before = s1.slice();
      const w = 0.1 + r() * 3;
      if (marked) {
        fast.addMarked(from, to, w, norms, s1, bits);
        generic.addMarked.call(slow, from, to, w, norms, s2, bitsSlow);
      } else {
        fast.addWindow(from, to, w, norms, s1, bits);
        generic.addWindow.call(slow, from, to, w, norms, s2, bitsSlow);
      }
      assert.deepEqual(s1, s2, `term ${t} window [${from}, ${to}) ${marked ? 'marked' : 'all'}: scores`);
      assert.deepEqual(bits, bitsSlow, `term ${t} window [${from}, ${to}): bits`);
      for (let o = 0; o < width; o++) if (s1[o] !== before[o]) added++;
      windows++;
      // Both cursors may continue from here: the next move lands on the same posting.
      const after = to + Math.floor(r() * 50);
      assert.equal(fast.next(after), slow.next(after), `term ${t}: next(${after}) after the window`);
      if (fast.doc !== END_DOC) assert.equal(fast.currentTfw(), slow.currentTfw());
      from = Math.max(to, after);
    }
  }
  assert.ok(windows > 2_000 && added > 20_000, `${windows} windows, ${added} scores added`);
});

test('nextAbove passes over exactly the postings of a block whose impact is at most the cut, up to the limit', () => {
  const b = new SegmentBuilder();
  for (const d of makeDocs(3000, 8)) b.add(d);
  b.add({ key: 9999, title: 'model '.repeat(40), authors: 'Model Wang '.repeat(9), abstract: 'model '.repeat(3000), date: 20000, categories: [], organization: null });
  const seg = new Segment(b.finish(), 'above-test');
  const n = seg.numDocs;
  const len = seg.d.docLen;
  // BM25's length part K1·(1 − B + B·len/avgdl) as n0 + n1·len, at this segment's avgdl.
  const n0 = K1 * (1 - B);
  const n1 = (K1 * B) / (seg.d.totalLen / n);
  const [w0, w1, w2] = DEFAULT_FIELD_WEIGHTS;
  const r = rng(33);
  let calls = 0;
  let passedOver = 0;
  let blocksLeft = 0;
  for (let t = 0; t < seg.numTerms; t++) {
    if (seg.termAt(t).startsWith(FILTER_PREFIX) || seg.d.termDf[t] < 3) continue;
    const { docs, tfs } = seg.decodeAll(t);
    const tfw = (i: number): number => tfs[i * 3] * w0 + tfs[i * 3 + 1] * w1 + tfs[i * 3 + 2] * w2;
    // The StoredCursor's fused scan and the generic one (tfwAt per posting) against the posting list itself.
    for (const generic of [false, true]) {
      const c = new StoredCursor(seg, t, DEFAULT_FIELD_WEIGHTS);
      const above = generic ? PostingCursor.prototype.nextAbove.bind(c) : c.nextAbove.bind(c);
      let target = 0;
      while (target < n) {
        // Cuts from none to most postings (impacts here are 0–2.2); limits inside and past the current block.
        const cut = r() * 2.4;
        const limit = r() < 0.3 ? n : target + Math.floor(r() * 300);
        const got = above(target, cut, len, n0, n1, limit);
        calls++;
        let i = 0;
        while (i < docs.length && docs[i] < target) i++;
        if (i === docs.length) {
          assert.equal(got, END_DOC);
          break;
        }
        const i0 = i;
        const blockEnd = Math.min(docs.length, (Math.floor(i0 / BLOCK_SIZE) + 1) * BLOCK_SIZE);
        if (docs[i0] <= limit) {
          while (i < blockEnd && docs[i] <= limit && tfw(i) * (K1 + 1) <= cut * (tfw(i) + n0 + n1 * len[docs[i]])) i++;
        }
        assert.equal(c.passed, i - i0, `term ${t} target ${target} cut ${cut}: postings passed over`);
        passedOver += i - i0;
        if (i === blockEnd) {
          // The rest of the block passed over: the cursor on its last posting, the value one past it.
          assert.equal(c.doc, docs[blockEnd - 1]);
          assert.equal(got, docs[blockEnd - 1] + 1);
          blocksLeft++;
          target = got + Math.floor(r() * 40);
        } else {
          assert.equal(got, docs[i], `term ${t} target ${target} cut ${cut} limit ${limit}: stop`);
          assert.equal(c.doc, docs[i]);
          assert.equal(c.currentTfw(), tfw(i));
          target = got + 1 + Math.floor(r() * 40);
        }
      }
    }
  }
  assert.ok(calls > 5_000 && passedOver > 20_000 && blocksLeft > 500, `${calls} scans, ${passedOver} postings passed over, ${blocksLeft} blocks left`);
});
