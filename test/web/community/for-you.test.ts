/**
 * "For you" on the home page: visitors see none; a signed-in user who liked
 * nothing is told how to get it; after upvoting and saving papers about one
 * topic, the latest lists' papers on that topic come first with a "because
 * you liked …" line naming the liked paper; a hidden paper is never
 * recommended; other list pages have no such box.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { signedIn } from '../../helpers/signed-in.js';
import { paper, record } from '../../helpers/papers.js';
import type { PaperRecord } from '../../../src/domain/paper.js';

const LATEST = '2025-06-04';
let clock = new Date(`${LATEST}T18:00:00Z`);
let t: TestApp;
let cleanup: () => void;

function listed(id: string, day: string, title: string, abstract: string, upvotes: number): PaperRecord {
  return record(paper(id, { title, abstract, publishedAt: `${day}T00:00:00Z` }), { day, submittedAt: `${day}T08:00:00Z`, submittedBy: null, upvotes, numComments: 0 });
}

before(async () => {
  const db = tempDbPath();
  cleanup = db.cleanup;
  const older = ['protein folding with language models', 'protein structure prediction at scale', 'image diffusion with transformers',
    'video diffusion for generation', 'graph neural networks for molecules', 'speech recognition with audio transformers'];
  const records = [
    // Older papers: what users liked before, and the reference corpus.
    ...older.map((title, i) => listed(`2505.0000${i + 1}`, `2025-05-${String(10 + i).padStart(2, '0')}`, title, `${title}. We study ${title} in depth.`, 10)),
    // The last three daily lists.
    listed('2506.00001', '2025-06-02', 'Protein folding benchmarks', 'Protein folding and protein structure prediction benchmarks.', 2),
    listed('2506.00002', '2025-06-03', 'Image diffusion at scale', 'Image diffusion with transformers for image generation.', 300),
    listed('2506.00003', LATEST, 'Graph networks for chemistry', 'Graph neural networks for molecules and chemistry.', 40),
    listed('2506.00004', LATEST, 'Protein design by diffusion', 'Protein structure design with protein folding models.', 1),
  ];
  t = await openTestApp(db.file, { records, env: { PAPERBOY_SECRET: 'for-you-test-secret' }, now: () => clock });
});
after(async () => {
  await t.close();
  cleanup();
});

/** Past the per-user cache of the answer. */
const later = () => { clock = new Date(clock.getTime() + 120_000); };
const box = (body: string) => /<section class="for-you[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';

test('visitors see no For you; a user with no likes is told how to get one; other lists have none', async () => {
  assert.ok(!(await t.app.inject({ method: 'GET', url: '/' })).body.includes('for-you-h'));
  const { c } = await signedIn(t, clock);
  const home = await c.get('/');
  assert.match(home.body, /<h2 id="for-you-h">For you<\/h2>/);
  assert.match(home.body, /Upvote or save a few papers/);
  assert.ok(!(await c.get(`/papers/date/${LATEST}`)).body.includes('for-you-h'), 'only the home page');
});

test('after upvoting and saving protein papers, the protein papers of the last lists come first, each because of a liked paper', async () => {
  const { c, id } = await signedIn(t, clock);
  await t.backend.votes.setVote(id, '2505.00001', true, clock);
  const list = await t.backend.readingLists.createList({ ownerId: id, name: 'Proteins', slug: 'proteins', public: false, now: clock });
  await t.backend.readingLists.addPaper(id, list.id, '2505.00002', clock, 100);
  later();
  const found = box((await c.get('/')).body);
  const order = [...found.matchAll(/<li><a href="\/papers\/([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(order.slice(0, 2).sort(), ['2506.00001', '2506.00004'], `protein papers first: ${order.join(', ')}`);
  assert.equal(order.length, 4, 'every paper of the last three lists, none of the liked ones');
  assert.match(found, /because you liked <a href="\/papers\/2505\.0000[12]">protein/);

  // A hidden paper is never recommended.
  const admin = await signedIn(t, clock, { role: 'admin' });
  await t.backend.curation.hidePaper('2506.00004', admin.id, 'spam', clock);
  later();
  const after = box((await c.get('/')).body);
  assert.ok(!after.includes('2506.00004'));
  assert.match(after, /<li><a href="\/papers\/2506\.00001">/);
});
