/**
 * StoredCursor reads a block's tfs lazily from the bit-packed block: the
 * weighted tf of any posting it lands on, and the tfs it unpacks for
 * positions, equal what the full block decoder (Segment.decodeAll) gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuilder } from '../../../src/search/index/segment-builder.js';
import { Segment, END_DOC, FILTER_PREFIX } from '../../../src/search/index/segment.js';
import { StoredCursor } from '../../../src/search/index/posting-cursor.js';
import { DEFAULT_FIELD_WEIGHTS } from '../../../src/search/index/bm25.js';
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
