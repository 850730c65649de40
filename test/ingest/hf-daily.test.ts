import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listDayFromLocation, parseHfDaily } from '../../src/ingest/hf-daily.js';
import { FormatError } from '../../src/ingest/parsed-item.js';
import { fixtureText } from '../helpers/fixture-server.js';

test('hf-daily 2024 shape: the day is the top-level publishedAt (when it joined the list), submitter from submittedBy', () => {
  const items = parseHfDaily(fixtureText('ingest/hf-daily-2024.json'));
  assert.equal(items.length, 2);
  const [a, b] = items;
  assert.ok(a.ok && b.ok);
  assert.equal(a.record.paper.id, '2405.17247');
  assert.equal(a.record.paper.title, 'ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models');
  assert.equal(a.record.paper.abstract, 'High-resolution models are good.');
  assert.equal(a.record.paper.publishedAt, '2024-05-24T17:34:15.000Z');
  assert.deepEqual(a.record.paper.authors, [{ name: 'Chunjiang Ge', affiliations: [] }, { name: 'Sijie Cheng', affiliations: [] }]);
  assert.deepEqual(a.record.daily, { day: '2024-05-27', submittedAt: '2024-05-27T03:50:58.348Z', submittedBy: null, upvotes: 30, numComments: 2 });
  assert.equal(b.record.daily?.day, '2024-05-27');
  assert.deepEqual(b.record.daily?.submittedBy, { user: 'akhaliq', fullname: 'AK', avatarUrl: 'https://huggingface.co/avatars/fixture.svg' });
  assert.equal(a.record.org, null);
});

test('hf-daily 2025 shape: the day is paper.submittedOnDailyAt, not the top-level publishedAt; community fields and org kept', () => {
  const [it] = parseHfDaily(fixtureText('ingest/hf-daily-2025.json'));
  assert.ok(it.ok);
  const { paper, daily, org } = it.record;
  assert.deepEqual(daily, {
    day: '2025-12-31', submittedAt: '2025-12-31T01:36:44.468Z',
    submittedBy: { user: 'binxia', fullname: 'binxia', avatarUrl: 'https://huggingface.co/avatars/binxia.svg' },
    upvotes: 17, numComments: 3,
  });
  assert.equal(paper.publishedAt, '2025-12-27T09:07:12.000Z');
  assert.equal(paper.githubRepo, 'https://github.com/fixture/dreamomni3');
  assert.equal(paper.githubStars, 42);
  assert.equal(paper.projectPage, 'https://fixture.example/dreamomni3');
  assert.equal(paper.aiSummary, 'A scribble-driven editor.');
  assert.equal(paper.thumbnail, 'https://thumbnails.example.org/fixture.png', 'the item\'s social thumbnail is kept');
  assert.deepEqual(paper.aiKeywords, ['scribble', 'image editing']);
  assert.equal(paper.organization, 'ByteDance');
  assert.deepEqual(org, { name: 'ByteDance', fullname: 'ByteDance', avatarUrl: 'https://cdn-uploads.huggingface.co/fixture/bytedance.png' });
  assert.deepEqual(paper.sources, ['hf-daily']);
});

test('hf-daily: a file holding several days gives each item its own day; a broken item is reported', () => {
  const items = parseHfDaily(fixtureText('ingest/hf-daily-multi.json'));
  assert.deepEqual(items.map((i) => (i.ok ? `${i.at} ${i.record.daily?.day}` : `${i.at}: ${i.reason}`)), [
    'entry 1 2025-03-17',
    'entry 2: missing "paper.id"',
    'entry 3 2025-03-18',
  ]);
});

test('hf-daily: a known list day (file name or ?date=) wins over the top-level publishedAt of the evening before', () => {
  const text = fixtureText('ingest/2025-01-15.json');
  const [plain] = parseHfDaily(text);
  assert.ok(plain.ok);
  assert.equal(plain.record.daily?.day, '2025-01-14');
  const [hinted] = parseHfDaily(text, { listDay: listDayFromLocation('/data/hf/2025-01-15.json') });
  assert.ok(hinted.ok);
  assert.equal(hinted.record.daily?.day, '2025-01-15');
  assert.equal(hinted.record.daily?.submittedAt, '2025-01-14T21:48:31.318Z');
  // submittedOnDailyAt still wins over the hint.
  const [late] = parseHfDaily(fixtureText('ingest/hf-daily-2025.json'), { listDay: '2025-12-30' });
  assert.ok(late.ok);
  assert.equal(late.record.daily?.day, '2025-12-31');
});

test('hf-daily: listDayFromLocation reads file names and ?date=, nothing else', () => {
  assert.equal(listDayFromLocation('data/2024-05-27.json'), '2024-05-27');
  assert.equal(listDayFromLocation('https://huggingface.co/api/daily_papers?date=2024-06-03&limit=50'), '2024-06-03');
  assert.equal(listDayFromLocation('data/papers.json'), null);
  assert.equal(listDayFromLocation('data/2024-02-30.json'), null);
});

test('hf-daily: [] is an empty day; empty text, non-JSON and other JSON are format errors', () => {
  assert.deepEqual(parseHfDaily('[]'), []);
  assert.throws(() => parseHfDaily(''), FormatError);
  assert.throws(() => parseHfDaily('<feed/>'), (e: unknown) => e instanceof FormatError && /not JSON/.test(e.message));
  assert.throws(() => parseHfDaily('{"papers": []}'), FormatError);
  assert.throws(() => parseHfDaily('[{"id": "2405.1"}]'), (e: unknown) => e instanceof FormatError && /"paper"/.test(e.message));
});
