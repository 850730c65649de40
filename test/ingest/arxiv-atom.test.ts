import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArxivApiError, parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { FormatError } from '../../src/ingest/parsed-item.js';
import { fixtureText } from '../helpers/fixture-server.js';

test('atom: a results page gives papers with every field and the paging counts', () => {
  const page = parseArxivAtom(fixtureText('ingest/atom-feed.xml'));
  assert.equal(page.totalResults, 57);
  assert.equal(page.startIndex, 0);
  assert.equal(page.itemsPerPage, 4);
  assert.equal(page.items.length, 4);
  const first = page.items[0];
  assert.ok(first.ok);
  const p = first.record.paper;
  assert.equal(p.id, '2405.20001');
  assert.equal(p.arxivId, '2405.20001');
  assert.equal(p.version, 2);
  assert.deepEqual(p.versions, [{ version: 1, date: '2024-05-28T09:15:00.000Z' }, { version: 2, date: '2024-05-30T17:02:11.000Z' }]);
  assert.equal(p.title, 'Gradient Noise Shapes the Loss Landscape of Small Transformers');
  assert.equal(p.abstract, 'We measure how gradient noise changes the curvature seen by small transformers & find a simple scaling rule.');
  assert.deepEqual(p.authors, [
    { name: 'Ana Ferreira', affiliations: ['University of Lisbon'] },
    { name: 'Kofi Mensah', affiliations: ['ETH Zürich', 'Google DeepMind'] },
    { name: 'Li Wei', affiliations: [] },
  ]);
  assert.equal(p.authorCount, 3);
  assert.deepEqual(p.categories, ['cs.LG', 'stat.ML']);
  assert.equal(p.primaryCategory, 'cs.LG');
  assert.equal(p.publishedAt, '2024-05-28T09:15:00.000Z');
  assert.equal(p.updatedAt, '2024-05-30T17:02:11.000Z');
  assert.equal(p.comments, '14 pages, 6 figures');
  assert.equal(p.journalRef, 'J. Fixture Learn. 3, 12 (2024)');
  assert.equal(p.doi, '10.1000/fixture.2024.1');
  assert.deepEqual(p.sources, ['arxiv-atom']);
  assert.equal(first.record.daily, null);
});

test('atom: an old-style id, a TeX-accented name and a DOI given only as a link', () => {
  const it = parseArxivAtom(fixtureText('ingest/atom-feed.xml')).items[1];
  assert.ok(it.ok);
  assert.equal(it.record.paper.id, 'cond-mat/0601001');
  assert.equal(it.record.paper.version, 1);
  assert.equal(it.record.paper.authors[0].name, 'M. Müller');
  assert.equal(it.record.paper.doi, '10.1000/fixture.2006.7');
});

test('atom: malformed entries are reported with their entry number and reason, the rest parse', () => {
  const items = parseArxivAtom(fixtureText('ingest/atom-feed.xml')).items;
  assert.deepEqual(items.slice(2).map((i) => (i.ok ? 'ok' : `${i.at}: ${i.reason}`)), [
    'entry 3: <id> "http://example.org/not-an-arxiv-id" is not an arXiv abstract URL',
    'entry 4: 2405.20004: empty <title>',
  ]);
});

test('atom: the error feed is raised as ArxivApiError with its message', () => {
  assert.throws(() => parseArxivAtom(fixtureText('ingest/atom-error.xml')),
    (e: unknown) => e instanceof ArxivApiError && /incorrect id format for 1234\.12345/.test(e.message));
});

test('atom: a feed with no entries is an empty page', () => {
  const page = parseArxivAtom(fixtureText('ingest/atom-empty-feed.xml'));
  assert.deepEqual(page, { items: [], totalResults: 0, startIndex: 0, itemsPerPage: 10 });
});

test('atom: an empty file, broken XML and another XML document are format errors', () => {
  assert.throws(() => parseArxivAtom(''), FormatError);
  assert.throws(() => parseArxivAtom('<feed><entry></feed>'), (e: unknown) => e instanceof FormatError && /line 1/.test(e.message));
  assert.throws(() => parseArxivAtom(fixtureText('ingest/oai-no-records.xml')), (e: unknown) => e instanceof FormatError && /<OAI-PMH>/.test(e.message));
  assert.throws(() => parseArxivAtom('{"id": "2405.1"}'), FormatError);
});
