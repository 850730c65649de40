import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { localPaperId, parseListedDate, parseSeedListing } from '../../src/ingest/seed-listing.js';
import { FormatError } from '../../src/ingest/parsed-item.js';
import { titleKey } from '../../src/domain/paper.js';
import { fixtureText } from '../helpers/fixture-server.js';

test('seed: local id from the title key, author count without names, date with its year, daily entry with upvotes', () => {
  const [a] = parseSeedListing(fixtureText('ingest/seed-listing.json'));
  assert.ok(a.ok);
  const { paper, daily, org } = a.record;
  const title = 'Benign Overfitting in Two-Layer Networks';
  assert.equal(paper.title, title);
  assert.equal(paper.id, 'local-' + createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16));
  assert.equal(paper.arxivId, null);
  assert.deepEqual(paper.authors, []);
  assert.equal(paper.authorCount, 5);
  assert.equal(paper.abstract, 'We study benign overfitting.');
  assert.equal(paper.publishedAt, '2023-10-03T00:00:00.000Z');
  assert.deepEqual(daily, { day: '2023-10-03', submittedAt: null, submittedBy: null, upvotes: 12, numComments: 0 });
  assert.equal(org, null);
  assert.deepEqual(paper.sources, ['seed']);
});

test('seed: a date without a year is in 2026; the organization string becomes an org record', () => {
  const b = parseSeedListing(fixtureText('ingest/seed-listing.json'))[1];
  assert.ok(b.ok);
  assert.equal(b.record.daily?.day, '2026-03-08');
  assert.equal(b.record.paper.organization, 'ucdavis');
  assert.deepEqual(b.record.org, { name: 'ucdavis', fullname: 'UC Davis', avatarUrl: null });
});

test('seed: entries without a title or with an unreadable date are reported', () => {
  const items = parseSeedListing(fixtureText('ingest/seed-listing.json'));
  assert.deepEqual(items.slice(2), [
    { ok: false, at: 'entry 3', reason: 'missing "title"' },
    { ok: false, at: 'entry 4', reason: '"listedDate" "Smarch 40" is not a date such as "Mar 8" or "Oct 3, 2023"' },
  ]);
});

test('seed: listed dates and ids are stable', () => {
  assert.equal(parseListedDate('Mar 8'), '2026-03-08');
  assert.equal(parseListedDate('Nov 17, 2025'), '2025-11-17');
  assert.equal(parseListedDate('Feb 30, 2024'), null);
  assert.equal(localPaperId('A  Title!'), localPaperId('a title'));
});

test('seed: empty text and other JSON are format errors', () => {
  assert.throws(() => parseSeedListing(''), FormatError);
  assert.throws(() => parseSeedListing('[]'), (e: unknown) => e instanceof FormatError && /"papers"/.test(e.message));
  assert.throws(() => parseSeedListing('not json'), FormatError);
});
