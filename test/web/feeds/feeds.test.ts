import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fixtureApp, PUBLIC_URL, type TestApp } from '../api/api-fixtures.js';
import { paper, record } from '../../helpers/papers.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name, jpath) => name === 'item' || name === 'entry' || (name === 'link' && String(jpath).startsWith('feed')) });

function parseValid(xml: string): Node {
  const v = XMLValidator.validate(xml);
  assert.equal(v, true, `well-formed XML: ${JSON.stringify(v)}`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no characters XML 1.0 forbids');
  return parser.parse(xml) as Node;
}

/** Checks the elements RSS 2.0 requires and returns the items. */
function rssItems(xml: string): Node[] {
  const doc = parseValid(xml);
  const rss = doc.rss as Node;
  assert.equal(rss['@version'], '2.0');
  const channel = rss.channel as Node;
  for (const k of ['title', 'link', 'description']) assert.ok(channel[k], `channel <${k}>`);
  const items = (channel.item as Node[] | undefined) ?? [];
  for (const item of items) {
    assert.ok(item.title, 'item <title>');
    assert.ok(item.link, 'item <link>');
    assert.ok(item.guid, 'item <guid>');
    assert.ok(item.pubDate, 'item <pubDate>');
  }
  return items;
}

/** Checks the elements Atom 1.0 requires (RFC 4287 §4.1.1, §4.1.2) and returns the entries. */
function atomEntries(xml: string): Node[] {
  const doc = parseValid(xml);
  const feed = doc.feed as Node;
  assert.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
  for (const k of ['id', 'title', 'updated']) assert.ok(feed[k], `feed <${k}>`);
  assert.ok((feed.author as Node).name, 'feed <author><name>');
  assert.ok((feed.link as Node[]).some((l) => l['@rel'] === 'self'), 'feed link rel=self');
  const entries = (feed.entry as Node[] | undefined) ?? [];
  for (const e of entries) {
    for (const k of ['id', 'title', 'updated']) assert.ok(e[k], `entry <${k}>`);
    assert.ok((e.link as Node[])[0]['@href'], 'entry <link href>');
  }
  return entries;
}

/** What a reader rendering a string as HTML displays: character references decoded once. */
const decodeHtml = (s: string): string => s.replace(/&(#\d+|lt|gt|quot|amp|#39);/g, (_m, e: string) =>
  e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : ({ lt: '<', gt: '>', quot: '"', amp: '&' } as Record<string, string>)[e]);

const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Node)['#text']) : String(v));

describe('feeds', () => {
  let t: TestApp;
  before(async () => { t = await fixtureApp(); });
  after(async () => { await t.close(); });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('/feeds/daily.rss lists the newest day, most upvoted first, linking to paper pages', async () => {
    const res = await get('/feeds/daily.rss');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8');
    const items = rssItems(res.body);
    assert.deepEqual(items.map((i) => i.link), [
      `${PUBLIC_URL}/papers/2506.02002`, `${PUBLIC_URL}/papers/2506.02003`, `${PUBLIC_URL}/papers/2506.02001`,
    ]);
    assert.match(res.body, /<title>Daily papers — 2025-06-03<\/title>/);
  });

  it('/feeds/daily.atom?date= lists that day and escapes hostile titles and abstracts', async () => {
    const res = await get('/feeds/daily.atom?date=2025-06-02');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
    const entries = atomEntries(res.body);
    assert.equal(entries.length, 3);
    const evil = entries.find((e) => text(e.id) === `${PUBLIC_URL}/papers/2506.01003`)!;
    // type="html": the markup must arrive escaped, so readers show it as text.
    assert.equal(text(evil.title), 'Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Quotes&quot; ]]&gt; Paper');
    assert.doesNotMatch(text(evil.summary), /<b>/);
    assert.doesNotMatch(text(evil.content), /<img/);
    assert.equal((parseValid(res.body).feed as Node).updated, '2025-06-02T09:00:00.000Z', 'updated = newest entry');
  });

  it('the hostile day is also valid RSS', async () => {
    const items = rssItems((await get('/feeds/daily.rss?date=2025-06-02')).body);
    assert.equal(items.length, 3);
  });

  it('an empty day still gives a valid feed', async () => {
    assert.equal(rssItems((await get('/feeds/daily.rss?date=2020-01-01')).body).length, 0);
    assert.equal(atomEntries((await get('/feeds/daily.atom?date=2020-01-01')).body).length, 0);
  });

  it('/feeds/trending.rss|.atom rank the trending window', async () => {
    const items = rssItems((await get('/feeds/trending.rss')).body);
    assert.equal(items[0].link, `${PUBLIC_URL}/papers/2506.02002`);
    assert.equal(items.length, 7);
    assert.equal(atomEntries((await get('/feeds/trending.atom')).body).length, 7);
  });

  it('/feeds/orgs/{name}.rss|.atom list the organization, and 404 an unknown one', async () => {
    const items = rssItems((await get('/feeds/orgs/AcmeAI.rss')).body);
    assert.deepEqual(items.map((i) => i.link), [`${PUBLIC_URL}/papers/2506.02001`, `${PUBLIC_URL}/papers/2506.01001`]);
    assert.equal(atomEntries((await get('/feeds/orgs/AcmeAI.atom')).body).length, 2);
    for (const url of ['/feeds/orgs/Nobody.rss', '/feeds/orgs/AcmeAI.json', '/feeds/orgs/AcmeAI']) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
    }
  });

  it('/feeds/search.rss|.atom?q= give the search results with marked matches', async () => {
    const res = await get('/feeds/search.atom?q=diffusion');
    assert.equal(res.statusCode, 200);
    const entries = atomEntries(res.body);
    assert.equal(text(entries[0].id), `${PUBLIC_URL}/papers/2506.01001`);
    assert.match(text(entries[0].content), /<mark>diffusion<\/mark>/);
    const evil = rssItems((await get('/feeds/search.rss?q=evil%20%3Cscript%3E')).body);
    assert.ok(evil.length >= 1);
  });

  it('channel titles and descriptions (search text, organization names) are HTML-escaped like item text', async () => {
    const HOSTILE = '<script>alert(1)</script> & <b>';
    await t.store.upsertRecords([record(paper('2506.09001', { title: 'Hostile organization paper', organization: 'evilorg' }),
      { day: '2025-06-01', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 },
      { name: 'evilorg', fullname: HOSTILE, avatarUrl: null })]);
    const feeds = [
      `/feeds/search.rss?q=${encodeURIComponent(HOSTILE)}`, `/feeds/search.atom?q=${encodeURIComponent(HOSTILE)}`,
      '/feeds/orgs/evilorg.rss', '/feeds/orgs/evilorg.atom',
    ];
    for (const url of feeds) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, url);
      const doc = parseValid(res.body);
      const channel = (doc.rss as Node | undefined)?.channel as Node | undefined;
      const feed = doc.feed as Node | undefined;
      // What a reader gets after XML decoding, and may render as HTML: markup must still be escaped.
      const title = text(channel ? channel.title : feed!.title);
      const description = text(channel ? channel.description : feed!.subtitle);
      for (const v of [title, description]) {
        assert.doesNotMatch(v, /</, `${url}: no markup after XML decoding: ${v}`);
        assert.ok(decodeHtml(v).includes(HOSTILE), `${url}: rendered as HTML it shows the text as typed: ${v}`);
      }
      if (feed) {
        assert.equal((feed.title as Node)['@type'], 'html', 'Atom title says it holds escaped HTML');
        assert.equal((feed.subtitle as Node)['@type'], 'html');
      }
    }
  });

  for (const [url, param] of [
    ['/feeds/daily.rss?date=2025-13-01', 'date'],
    ['/feeds/daily.atom?date=x', 'date'],
    ['/feeds/search.rss', 'q'],
    [`/feeds/search.atom?q=${'a'.repeat(251)}`, 'q'],
    [`/feeds/orgs/${'a'.repeat(101)}.rss`, 'name'],
  ] as const) {
    it(`${url.slice(0, 40)} → 400 naming "${param}" (JSON when asked, else the error page)`, async () => {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
      assert.equal(res.statusCode, 400);
      assert.match((res.json() as { error: { message: string } }).error.message, new RegExp(`"${param}"`));
      const page = await get(url);
      assert.equal(page.statusCode, 400);
      assert.match(page.body, new RegExp(`&quot;${param}&quot;`));
    });
  }
});
