/**
 * The conformance suite of the search layer: ranking, query syntax, filters,
 * sorts, paging, hostile input and similar papers, asserted through the
 * SearchService over a real backend. Every engine (and, later, every
 * backend) runs the same suite — `describeLexicalSearch(name, open)` — as
 * Kysely runs one suite per dialect.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchRequest } from '../../src/search/search-request.js';
import type { SearchService } from '../../src/search/search-service.js';
import type { Store } from '../../src/store/store.js';
import type { Backend } from '../../src/store/backend.js';
import type { Author, PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from '../helpers/papers.js';

const FILLER = 'We report experiments on several benchmarks and discuss limitations and future work in detail.';
const authors = (...names: string[]): Author[] => names.map((name) => ({ name, affiliations: [] }));

function rec(id: string, title: string, abstract: string, extra: Partial<Parameters<typeof paper>[1]> = {},
  daily: PaperRecord['daily'] = null, org: PaperRecord['org'] = null): PaperRecord {
  const p = paper(id, { title, abstract, publishedAt: '2024-06-01T00:00:00.000Z', categories: ['cs.LG'], primaryCategory: 'cs.LG', ...extra });
  p.authorCount = p.authors.length;
  return record(p, daily, org);
}

export const RECORDS: PaperRecord[] = [
  // Field weights: the same word in title, authors, abstract.
  rec('2401.00001', 'Hinton diagrams for visualizing networks', FILLER, { authors: authors('Ann Example') }),
  rec('2401.00002', 'Visualizing weight matrices of networks', FILLER, { authors: authors('Geoffrey Hinton') }),
  rec('2401.00003', 'Weight matrices and their pictures', `Following Hinton we draw pictures. ${FILLER}`, { authors: authors('Bob Example') }),
  // Phrases.
  rec('2402.00001', 'A large language model for chemistry', FILLER),
  rec('2402.00002', 'Language of large crowds', `A model of how crowds speak. ${FILLER}`),
  // Prefix.
  rec('2403.00001', 'Diffusion transformers', FILLER),
  // Authors.
  rec('2404.00001', 'Preference optimization revisited', FILLER, { authors: authors('Richard Yuanzhe Pang', 'Weizhe Yuan') }),
  rec('2404.00002', 'Preference optimization at scale', FILLER, { authors: authors('Richard Roe', 'Bob Smith', 'Carol White', 'Ann Pang') }),
  rec('2404.00003', 'Pang: a preference optimization toolkit', FILLER, { authors: authors('Dan Brown') }),
  // Categories, dates, organizations, upvotes.
  rec('2405.00001', 'Speech recognition with transducers', FILLER,
    { categories: ['eess.AS', 'cs.CL'], primaryCategory: 'eess.AS', publishedAt: '2024-05-10T12:00:00.000Z', organization: 'AcmeAI' },
    { day: '2024-05-11', submittedAt: null, submittedBy: null, upvotes: 5, numComments: 0 }, { name: 'AcmeAI', fullname: 'Acme AI', avatarUrl: null }),
  rec('2405.00002', 'Speech synthesis with transducers', FILLER,
    { categories: ['cs.CL'], primaryCategory: 'cs.CL', publishedAt: '2024-05-20T12:00:00.000Z' },
    { day: '2024-05-21', submittedAt: null, submittedBy: null, upvotes: 50, numComments: 2 }),
  rec('2405.00003', 'Speech translation with transducers', FILLER,
    { categories: ['cs.SD'], primaryCategory: 'cs.SD', publishedAt: '2024-05-31T23:59:59.000Z', organization: 'AcmeAI' },
    { day: '2024-06-01', submittedAt: null, submittedBy: null, upvotes: 20, numComments: 1 }),
  // Hostile text.
  rec('2406.00001', `<script>alert("x")</script> & "quotes" in titles`, FILLER),
];
// Paging: 30 papers about "orbital mechanics", with decreasing mentions (distinct scores).
for (let i = 0; i < 30; i++) {
  RECORDS.push(rec(`2407.${String(i).padStart(5, '0')}`, `Orbital study ${i}`, `${'orbital mechanics '.repeat(1 + (i % 7))}${FILLER}`,
    { publishedAt: `2024-07-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z` }));
}


/** Hides (or shows again) a paper through the backend's curation store, as an admin (created once) does. */
export async function hidePaper(b: Backend, paperId: string, on: boolean): Promise<void> {
  const now = new Date('2024-08-01T00:00:00.000Z');
  const admin = await b.accounts.getUserByUsername('curator') ?? await b.accounts.createUser({
    username: 'curator', email: 'curator@example.org', passwordHash: 'h', role: 'admin', emailVerified: true, now,
  });
  const changed = on ? await b.curation.hidePaper(paperId, admin.id, 'test', now) : await b.curation.unhidePaper(paperId);
  assert.ok(changed, `${on ? 'hide' : 'show'} ${paperId}`);
}

export interface OpenedSearchLayer {
  store: Store;
  search: SearchService;
  /** Hides a paper as an admin does (on) or shows it again (off). */
  hide(paperId: string, on: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Runs the suite on the search layer `open` builds over a database holding `records`. */
export function describeLexicalSearch(name: string, open: (records: PaperRecord[]) => Promise<OpenedSearchLayer>): void {
  describe(`search layer conformance: ${name}`, () => {
    let layer: OpenedSearchLayer;
    let search: SearchService;
    let store: Store;
    before(async () => {
      layer = await open(RECORDS);
      search = layer.search;
      store = layer.store;
    });
    after(async () => {
      await layer.close();
    });

  const req = (text: string, over: Partial<SearchRequest> = {}): SearchRequest =>
    ({ text, filters: {}, sort: 'relevance', limit: 20, offset: 0, ...over });
  const ids = async (text: string, over: Partial<SearchRequest> = {}) => (await search.search(req(text, over))).hits.map((h) => h.detail.paper.id);

  test('a title match beats an author match, which beats an abstract-only match', async () => {
    const r = await search.search(req('hinton'));
    assert.deepEqual(r.hits.map((h) => h.detail.paper.id), ['2401.00001', '2401.00002', '2401.00003']);
    assert.equal(r.total, 3);
    assert.ok(r.hits[0].score > r.hits[1].score && r.hits[1].score > r.hits[2].score, 'scores decrease, higher is better');
    assert.deepEqual(r.highlightTerms, ['hinton*']);
  });

  test('quoted phrases need the words adjacent and in order; bare words do not', async () => {
    assert.deepEqual(await ids('"large language model"'), ['2402.00001']);
    assert.deepEqual((await ids('large language model ')).sort(), ['2402.00001', '2402.00002']);
  });

  test('the last word is a prefix while typing (and stemmed words match inflections)', async () => {
    assert.deepEqual(await ids('diff'), ['2403.00001']);
    assert.deepEqual(await ids('diff', { prefixLast: false }), []);
    assert.deepEqual(await ids('diff '), []);
    assert.deepEqual(await ids('transformer '), ['2403.00001']);
  });

  test('author: filters on the authors field, allowing a middle name but not names far apart', async () => {
    assert.deepEqual(await ids('author:"Richard Pang"'), ['2404.00001']);
    assert.deepEqual(await ids('preference author:pang').then((x) => x.sort()), ['2404.00001', '2404.00002']);
    assert.deepEqual(await ids('author:"yuanzhe"'), ['2404.00001']);
  });

  test('category: in the query and the category filter, in any case', async () => {
    assert.deepEqual((await ids('speech cat:cs.cl')).sort(), ['2405.00001', '2405.00002']);
    assert.deepEqual((await ids('speech', { filters: { category: 'cs.CL' } })).sort(), ['2405.00001', '2405.00002']);
    assert.deepEqual(await ids('speech category:cs.CL', { filters: { category: 'eess.AS' } }), ['2405.00001']);
  });

  test('date range (inclusive days) and organization filters', async () => {
    assert.deepEqual((await ids('speech', { filters: { from: '2024-05-20', to: '2024-05-31' } })).sort(), ['2405.00002', '2405.00003']);
    assert.deepEqual(await ids('speech', { filters: { from: '2024-05-11', to: '2024-05-20' } }), ['2405.00002']);
    assert.deepEqual((await ids('speech', { filters: { organization: 'AcmeAI' } })).sort(), ['2405.00001', '2405.00003']);
    assert.deepEqual((await ids('speech org:acmeai')).sort(), ['2405.00001', '2405.00003']);
    const r = await search.search(req('speech', { filters: { organization: 'AcmeAI', to: '2024-05-15' } }));
    assert.deepEqual(r.hits.map((h) => h.detail.paper.id), ['2405.00001']);
    assert.equal(r.total, 1);
    assert.equal(r.totalIsEstimate, false);
  });

  test('sorts: newest and most upvoted', async () => {
    assert.deepEqual(await ids('speech', { sort: 'newest' }), ['2405.00003', '2405.00002', '2405.00001']);
    const up = await search.search(req('speech', { sort: 'upvotes' }));
    assert.deepEqual(up.hits.map((h) => h.detail.paper.id), ['2405.00002', '2405.00003', '2405.00001']);
    assert.ok(up.hits.every((h) => h.score === 0));
    assert.deepEqual(await ids('speech', { sort: 'upvotes', filters: { organization: 'AcmeAI' } }), ['2405.00003', '2405.00001']);
  });

  test('filters without words list the filtered papers, newest first', async () => {
    const r = await search.search(req('cat:cs.CL'));
    assert.deepEqual(r.hits.map((h) => h.detail.paper.id), ['2405.00002', '2405.00001']);
    assert.equal(r.total, 2);
    assert.deepEqual(await ids('', { filters: { organization: 'AcmeAI' }, sort: 'upvotes' }), ['2405.00003', '2405.00001']);
    assert.equal((await search.search(req(''))).total, 0);
  });

  test('exclusions remove papers with the excluded word', async () => {
    assert.deepEqual((await ids('speech -synthesis -"speech translation"')), ['2405.00001']);
  });

  test('pagination: pages partition the results and total counts every match', async () => {
    for (const sort of ['relevance', 'newest', 'upvotes'] as const) {
      const seen: string[] = [];
      for (let offset = 0; offset < 40; offset += 7) {
        const r = await search.search(req('orbital mechanics', { limit: 7, offset, sort }));
        assert.equal(r.total, 30, sort);
        seen.push(...r.hits.map((h) => h.detail.paper.id));
      }
      assert.equal(seen.length, 30, sort);
      assert.equal(new Set(seen).size, 30, `${sort}: no paper on two pages`);
    }
    const scores = (await search.search(req('orbital mechanics', { limit: 30 }))).hits.map((h) => h.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });

  test('hostile input never throws and returns a well-formed result', async () => {
    const inputs = ['"', '""', '*', '^', 'NEAR(', 'a AND', 'OR', 'NOT x', '(((', ')', ':', 'author:', 'author:"', 'category:',
      '-', '--', '-"', '\u0000', '🙂'.repeat(100), 'x'.repeat(250), '"unterminated phrase', 'title: abstract: authors:',
      '{authors}: x', 'col:"a" * ^b', '\\"', "'; DROP TABLE papers; --", '<script>alert(1)</script>'];
    for (const text of inputs) {
      for (const sort of ['relevance', 'newest', 'upvotes'] as const) {
        const r = await search.search(req(text, { sort, filters: { category: '"', organization: "'", from: 'x', to: '2024-13-45' } }));
        assert.ok(Array.isArray(r.hits) && Number.isInteger(r.total), text);
      }
    }
    assert.deepEqual(await ids('<script>'), ['2406.00001']);
    assert.equal(await store.countPapers(), RECORDS.length, 'the papers table is intact');
  });

  test('limit and offset out of range are clamped, not errors', async () => {
    assert.equal((await search.search(req('orbital', { limit: -5 }))).hits.length, 0);
    assert.equal((await search.search(req('orbital', { offset: -3, limit: 2 }))).hits.length, 2);
    assert.equal((await search.search(req('orbital', { offset: 1000 }))).hits.length, 0);
    assert.equal((await search.search(req('orbital', { limit: Number.NaN }))).hits.length, 0);
  });

  test('papers hidden by admins are neither listed nor counted, in every sort and with filters, and count again once shown', async () => {
    const hidden = ['2407.00000', '2407.00013'];
    for (const id of hidden) await layer.hide(id, true);
    try {
      for (const sort of ['relevance', 'newest', 'upvotes'] as const) {
        const seen: string[] = [];
        for (let offset = 0; offset < 35; offset += 10) {
          const r = await search.search(req('orbital mechanics', { limit: 10, offset, sort }));
          assert.equal(r.total, 28, `${sort}: the total leaves the hidden papers out`);
          assert.equal(r.totalIsEstimate, false, sort);
          seen.push(...r.hits.map((h) => h.detail.paper.id));
        }
        assert.equal(seen.length, 28, `${sort}: full pages, without the hidden papers`);
        for (const id of hidden) assert.ok(!seen.includes(id), `${sort}: ${id} is not listed`);
      }
      // With a filter (publication days 1–14 of July: 15 papers, one of them hidden) and with any-word matching.
      const filtered = await search.search(req('orbital', { filters: { from: '2024-07-01', to: '2024-07-14' }, limit: 50 }));
      assert.equal(filtered.total, 14);
      assert.equal(filtered.hits.length, 14);
      const any = await search.search(req('orbital nonexistentword', { limit: 50 }));
      assert.ok(!any.hits.some((h) => hidden.includes(h.detail.paper.id)));
      assert.equal(any.hits.length, 28);
      assert.equal(any.total, 28, 'the any-word total (estimated from document frequencies) leaves them out too');
    } finally {
      for (const id of hidden) await layer.hide(id, false);
    }
    const shown = await search.search(req('orbital mechanics', { limit: 0 }));
    assert.equal(shown.total, 30, 'shown again, they count again');
  });

  test('similar papers share distinctive words and exclude the paper itself', async () => {
    const sim = await search.similar('2405.00001', 3);
    assert.ok(sim.length > 0);
    assert.ok(!sim.some((d) => d.paper.id === '2405.00001'));
    assert.deepEqual(sim.slice(0, 2).map((d) => d.paper.id).sort(), ['2405.00002', '2405.00003']);
    assert.deepEqual(await search.similar('9999.99999', 5), []);
    assert.deepEqual(await search.similar('2405.00001', 0), []);
  });
  });
}
