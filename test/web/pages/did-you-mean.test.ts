/**
 * "Did you mean" on the search page: a query word that matches nothing (not even as the prefix the
 * last word is matched as) and is one edit from a word at least two papers use gets a link to the
 * corrected query; a word that matches, a prefix being typed, and a word with no near neighbour get none.
 * Every engine (PAPERBOY_SEARCH=fts5 runs it on FTS5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paper, record } from '../../helpers/papers.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { openTestApp } from '../../helpers/test-app.js';

const RECORDS = [
  record(paper('2501.00001', { title: 'Reinforcement learning for robots', abstract: 'Policies learned from reward.' })),
  record(paper('2501.00002', { title: 'Learning to rank with transformers', abstract: 'Transformers rank documents.' })),
  record(paper('2501.00003', { title: 'Curriculum learning', abstract: 'Easy examples first; reinforcement signals.' })),
  record(paper('2501.00004', { title: 'Protein folding', abstract: 'A single mention of zyxwvutz.' })),
];

/** The corrected query the page links to, or null when it offers none. */
function offered(html: string): string | null {
  const m = /class="suggestion">Did you mean <a href="([^"]+)">([^<]+)<\/a>/.exec(html);
  if (!m) return null;
  const href = m[1].replace(/&amp;/g, '&');
  assert.equal(new URL(href, 'http://x').searchParams.get('q'), m[2], 'the link searches for the words it shows');
  return m[2];
}

test('did you mean: a word matching nothing, one edit from a common word, is corrected — the last word too', async () => {
  const { file, cleanup } = tempDbPath();
  const t = await openTestApp(file, { records: RECORDS });
  const page = async (q: string) => {
    const r = await t.app.inject({ url: `/papers?q=${encodeURIComponent(q)}` });
    assert.equal(r.statusCode, 200);
    return offered(r.body);
  };
  try {
    assert.equal(await page('lerning'), 'learning', 'a one-word query (matched as a prefix) is corrected');
    assert.equal(await page('reinforcemnt lerning'), 'reinforcement learning', 'every misspelt word, the last one included');
    assert.equal(await page('lerning robots'), 'learning robots', 'a word before the last');
    assert.equal(await page('learning'), null, 'a word that matches');
    assert.equal(await page('learn'), null, 'a prefix of indexed words, still being typed');
    assert.equal(await page('qwertyuiop'), null, 'no neighbour one edit away');
    assert.equal(await page('zyxwvutq'), null, 'a neighbour only one paper uses is not offered');
    assert.equal(await page('"lerning"'), null, 'a quoted phrase keeps its exact meaning');
  } finally {
    await t.close();
    cleanup();
  }
});
