/**
 * The segment builder's own tokenizing path (char codes, token table, int
 * slice pool) indexes exactly the terms, tfs and positions that tokenize.ts
 * + porterStem give, on text that mixes capitals, digits, punctuation,
 * diacritics, non-Latin scripts, over-long tokens and huge term counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuilder, type IndexDoc } from '../../../src/search/index/segment-builder.js';
import { Segment, FILTER_PREFIX, TIER_PREFIX } from '../../../src/search/index/segment.js';
import { tokenize } from '../../../src/domain/tokenize.js';
import { rng, WORDS } from './corpus.js';

const PIECES = [
  ...WORDS, 'Learning', 'LEARNING', 'GPT-4', "don't", 'x2', 'B2B', 'ResNet50', 'co-training', 'e.g.', '3.14',
  'Müller', 'naïve', 'ŁUKASZ', 'Mañas', 'İstanbul', 'cafe\u0301', '東京大学', 'Ωmega', 'straße', 'ÆTHER',
  'a'.repeat(70), 'Generalization'.repeat(5), '', '—', '(', ')', ',', ';', 'α-β', '½', 'œuvre',
];

function text(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(PIECES[Math.floor(r() * PIECES.length)]);
  return out.join(r() < 0.5 ? ' ' : ', ');
}

/** Expected postings from tokenize.ts: stem → doc → positions per field. */
function expected(docs: IndexDoc[]): Map<string, Map<number, number[][]>> {
  const m = new Map<string, Map<number, number[][]>>();
  docs.forEach((d, id) => {
    [d.title, d.authors, d.abstract].forEach((t, f) => {
      tokenize(t).forEach((tok, pos) => {
        let byDoc = m.get(tok.stem);
        if (!byDoc) m.set(tok.stem, (byDoc = new Map()));
        let fields = byDoc.get(id);
        if (!fields) byDoc.set(id, (fields = [[], [], []]));
        fields[f].push(pos);
      });
    });
  });
  return m;
}

test('the builder indexes the same terms, tfs and positions as tokenize.ts + porterStem', () => {
  const r = rng(11);
  const docs: IndexDoc[] = [];
  for (let i = 0; i < 600; i++) {
    docs.push({
      key: i + 1, title: text(r, 1 + Math.floor(r() * 12)), authors: text(r, Math.floor(r() * 6)), abstract: text(r, Math.floor(r() * 120)),
      date: 19000 + i, categories: ['cs.LG'], organization: null,
    });
  }
  // Term counts past the packed tf code (title ≥ 1,024, abstract ≥ 2,048) take the escape path.
  docs.push({
    key: 601, title: 'Model '.repeat(1100), authors: 'Wang Wei', abstract: 'diffusion Diffusion '.repeat(1100) + 'naïve '.repeat(3),
    date: 20000, categories: [], organization: null,
  });
  const b = new SegmentBuilder();
  for (const d of docs) b.add(d);
  const seg = new Segment(b.finish(), 'test');
  const want = expected(docs);
  const got = new Set<string>();
  for (let t = 0; t < seg.numTerms; t++) {
    const name = seg.termAt(t);
    if (name.startsWith(FILTER_PREFIX) || name.startsWith(TIER_PREFIX)) continue;
    got.add(name);
    const byDoc = want.get(name);
    assert.ok(byDoc, `unexpected term ${JSON.stringify(name)}`);
    const { docs: ids, tfs } = seg.decodeAll(t);
    assert.deepEqual([...ids], [...byDoc.keys()], `docs of ${name}`);
    const pb = seg.positionBytes(t);
    let p = 0;
    ids.forEach((id, i) => {
      const fields = byDoc.get(id)!;
      for (let f = 0; f < 3; f++) {
        assert.equal(tfs[i * 3 + f], fields[f].length, `tf of ${name} in doc ${id}, field ${f}`);
        let prev = -1;
        const positions: number[] = [];
        for (let c = 0; c < fields[f].length; c++) {
          let v = 0;
          let shift = 0;
          for (;;) {
            const byte = pb[p++];
            v += (byte & 0x7f) * 2 ** shift;
            if (byte < 0x80) break;
            shift += 7;
          }
          prev += v;
          positions.push(prev);
        }
        assert.deepEqual(positions, fields[f], `positions of ${name} in doc ${id}, field ${f}`);
      }
    });
    assert.equal(p, pb.length, `positions of ${name} fully read`);
  }
  assert.deepEqual([...got].sort(), [...want.keys()].sort());
  docs.forEach((d, id) => {
    const n = tokenize(d.title).length + tokenize(d.authors).length + tokenize(d.abstract).length;
    assert.equal(seg.d.docLen[id], n, `length of doc ${id}`);
  });
});

test('a builder finished mid-way keeps indexing, and its later segment holds every document', () => {
  const r = rng(5);
  const b = new SegmentBuilder();
  const docs: IndexDoc[] = [];
  for (let i = 0; i < 300; i++) {
    const d: IndexDoc = { key: i + 1, title: text(r, 6), authors: text(r, 2), abstract: text(r, 40), date: 19000, categories: [], organization: null };
    docs.push(d);
    b.add(d);
    if (i === 150) assert.equal(new Segment(b.finish(), 'early').numDocs, 151);
  }
  const seg = new Segment(b.finish(), 'late');
  const want = expected(docs);
  for (const [stem, byDoc] of want) {
    const t = seg.lookup(stem);
    assert.ok(t >= 0, `term ${stem}`);
    assert.deepEqual([...seg.decodeAll(t).docs], [...byDoc.keys()]);
  }
});
