/**
 * Pictures on the pages: thumbnails and avatars through the image proxy
 * (fetched once from a local fixture host, cached on disk, served with a
 * long cache lifetime), refused when the signature is wrong or the host
 * answers something that is not an image; the generated placeholder for a
 * paper without a figure (its title escaped); `remote` and `off` modes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openTestApp } from '../../helpers/test-app.js';
import type { PaperRecord } from '../../../src/domain/paper.js';
import { paper, record } from '../../helpers/papers.js';
import { tempDir } from '../../helpers/temp-db.js';
import { startFixtureServer, type FixtureServer } from '../../helpers/fixture-server.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const DAY = '2025-06-02';
const HOSTILE = 'Fig <script>alert(1)</script> & "quotes"';

let host: FixtureServer;
let dir: string;
let cleanup: () => void;

before(async () => {
  host = await startFixtureServer((req) => {
    if (req.path.endsWith('.png')) return { body: PNG, headers: { 'content-type': 'image/png' } };
    if (req.path === '/not-an-image.png.html') return { body: '<html>nope</html>', headers: { 'content-type': 'text/html' } };
    return { status: 404, body: 'none' };
  });
  ({ dir, cleanup } = tempDir());
});
after(async () => {
  await host.close();
  cleanup();
});

function records(): PaperRecord[] {
  const daily = (upvotes: number, avatarUrl: string | null = null) => ({
    day: DAY, submittedAt: `${DAY}T05:00:00.000Z`, upvotes, numComments: 0,
    submittedBy: { user: 'ada', fullname: 'Ada L.', avatarUrl },
  });
  return [
    record(paper('2506.00001', { title: 'With a Figure', thumbnail: `${host.url}/thumbs/2506.00001.png`, organization: 'Acme', primaryCategory: 'cs.CV' }),
      daily(10, `${host.url}/avatars/ada.png`), { name: 'Acme', fullname: 'Acme Lab', avatarUrl: `${host.url}/orgs/acme.png` }),
    record(paper('2506.00002', { title: HOSTILE, primaryCategory: 'cs.CL' }), daily(5)),
    record(paper('2506.00003', { title: 'Broken Figure', thumbnail: `${host.url}/not-an-image.png.html` }), daily(1)),
  ];
}

async function site(images: string, name: string): Promise<{ app: FastifyInstance; cacheDir: string; close(): Promise<void> }> {
  const cacheDir = join(dir, `${name}-images`);
  const t = await openTestApp(join(dir, `${name}.db`), {
    records: records(), config: { publicUrl: 'https://papers.example.org' },
    env: { PAPERBOY_IMAGES: images, PAPERBOY_IMAGE_CACHE: cacheDir }, now: () => new Date(`${DAY}T18:00:00Z`),
  });
  return { app: t.app, cacheDir, close: () => t.close() };
}

const imgs = (body: string) => [...body.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
const srcOf = (tag: string) => /src="([^"]+)"/.exec(tag)![1].replace(/&amp;/g, '&');

test('images (proxy, the default): cards and pages show pictures from this site only, fetched once and cached', async () => {
  const s = await site('proxy', 'proxy');
  try {
    const home = (await s.app.inject({ url: '/' })).body;
    const tags = imgs(home);
    assert.ok(tags.length >= 5, 'three thumbnails and the avatars');
    assert.ok(!home.includes(host.url), 'no image host appears in the page');
    for (const t of tags) {
      assert.match(t, /\salt="[^"]*"/, `${t} has alt`);
      assert.match(t, /\swidth="\d+" height="\d+"/, `${t} has its size`);
      assert.match(t, /loading="lazy"/, `${t} is lazy`);
    }
    const thumb = tags.find((t) => /width="1200"/.test(t) && t.includes('/img/p/'))!;
    const url = srcOf(thumb);
    const first = await s.app.inject({ url });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'image/png');
    assert.deepEqual(first.rawPayload, PNG);
    assert.match(String(first.headers['cache-control']), /max-age=\d+, immutable/);
    assert.match(String(first.headers['content-security-policy']), /default-src 'none'/);
    const fetched = host.requests.filter((r) => r.path === '/thumbs/2506.00001.png').length;
    assert.equal(fetched, 1);
    assert.deepEqual((await s.app.inject({ url })).rawPayload, PNG);
    assert.equal(host.requests.filter((r) => r.path === '/thumbs/2506.00001.png').length, 1, 'the second view comes from the cache');
    assert.ok(readdirSync(s.cacheDir).some((f) => f.endsWith('.img')), 'kept on disk');
    // Avatars of the submitter and the organization are proxied too.
    assert.ok(tags.filter((t) => /class="avatar"/.test(t)).every((t) => srcOf(t).startsWith('/img/p/')));
    // The paper page shows the figure with a describing alt.
    const paperPage = (await s.app.inject({ url: '/papers/2506.00001' })).body;
    assert.match(paperPage, /<figure class="paper-thumb"><img src="\/img\/p\/[^"]+" alt="Figure of the paper “With a Figure”" width="1200" height="648"/);

    // A changed signature, or a URL the site never signed, is not fetched.
    const [, , , sig, enc] = url.split('/');
    assert.equal((await s.app.inject({ url: `/img/p/${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}/${enc}` })).statusCode, 404);
    const other = Buffer.from(`${host.url}/thumbs/other.png`).toString('base64url');
    assert.equal((await s.app.inject({ url: `/img/p/${sig}/${other}` })).statusCode, 404);
    assert.equal(host.requests.filter((r) => r.path === '/thumbs/other.png').length, 0);
    // A host answering something else than an image gives 404, and nothing is kept.
    const broken = srcOf(tags.find((t) => t.includes('/img/p/') && srcOf(t) !== url && /width="1200"/.test(t))!);
    const bad = await s.app.inject({ url: broken });
    assert.equal(bad.statusCode, 404);
  } finally {
    await s.close();
  }
});

test('images: a paper without a figure gets a generated placeholder with its title escaped', async () => {
  const s = await site('proxy', 'placeholder');
  try {
    const home = (await s.app.inject({ url: '/' })).body;
    assert.match(home, /<img src="\/img\/placeholder\/2506\.00002\.svg" alt="" width="1200" height="648" loading="lazy"/);
    const svg = await s.app.inject({ url: '/img/placeholder/2506.00002.svg' });
    assert.equal(svg.statusCode, 200);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.match(svg.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200" height="648"/);
    assert.ok(!svg.body.includes('<script>'), 'the title is escaped');
    assert.match(svg.body, /&lt;script&gt;/);
    assert.match(svg.body, />cs\.CL</, 'the category labels it');
    assert.equal((await s.app.inject({ url: '/img/placeholder/2599.99999.svg' })).statusCode, 404);
  } finally {
    await s.close();
  }
});

test('images: remote links the hosts directly; off shows no remote picture at all', async () => {
  const remote = await site('remote', 'remote');
  try {
    const home = (await remote.app.inject({ url: '/' })).body;
    assert.ok(imgs(home).some((t) => srcOf(t) === `${host.url}/thumbs/2506.00001.png`));
    assert.ok(!home.includes('/img/p/'));
    // The proxy is closed in this mode.
    assert.equal((await remote.app.inject({ url: '/img/p/x/eA' })).statusCode, 404);
  } finally {
    await remote.close();
  }
  const off = await site('off', 'off');
  try {
    const home = (await off.app.inject({ url: '/' })).body;
    const tags = imgs(home);
    assert.equal(tags.length, 3, 'one picture per card, no avatars');
    assert.ok(tags.every((t) => srcOf(t).startsWith('/img/placeholder/')), 'only generated placeholders');
    assert.ok(!home.includes(host.url) && !home.includes('/img/p/'));
  } finally {
    await off.close();
  }
});
