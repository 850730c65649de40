/**
 * Curation and reports of papers over the real app: users report a paper
 * into the moderation queue (moderators dismiss, admins hide from there);
 * only admins hide papers, move and remove daily entries and reach
 * /admin/papers (users and moderators get 403, visitors go to log in); a
 * hidden paper vanishes from the lists, search, feeds and the API and comes
 * back when shown again; every action and its undo are in the public log.
 * On a SQLite file and on a real PostgreSQL database.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, type TestApp } from '../../helpers/test-app.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { freshDatabase, requirePostgres } from '../../helpers/postgres-server.js';
import { WebClient } from '../../helpers/web-client.js';
import { signedIn } from '../../helpers/signed-in.js';
import { fixtureRecords, LATEST_DAY, NOW } from '../pages/site-fixture.js';

function curationOver(kind: 'sqlite' | 'postgres'): void {
  describe(`curation over the app (${kind})`, () => {
    let t: TestApp;
    let cleanup: () => void;
    before(async () => {
      const db = tempDbPath();
      cleanup = db.cleanup;
      // The same requests on PostgreSQL: its role files leave hidden papers and removed entries out as SQLite's do.
      const target = kind === 'sqlite' ? db.file : await freshDatabase('curation');
      t = await openTestApp(target, { records: fixtureRecords(), env: { PAPERBOY_SECRET: 'curation-test-secret' }, now: () => NOW,
        indexDir: kind === 'sqlite' ? undefined : `${db.file}.idx` });
    });
    after(async () => {
      await t.close();
      cleanup();
    });

    const get = (url: string) => t.app.inject({ method: 'GET', url });
    const log = async () => (await get('/moderation/log')).body;

    test('only admins curate: users and moderators get 403 on every curation route, visitors are sent to log in', async () => {
      const { c: user } = await signedIn(t, NOW);
      const { c: mod } = await signedIn(t, NOW, { role: 'moderator' });
      for (const c of [user, mod]) {
        await c.get('/papers/2405.00001');
        assert.equal((await c.post('/papers/2405.00001/hide', { reason: 'x' })).statusCode, 403);
        assert.equal((await c.post('/papers/2405.00001/entries/move', { from: LATEST_DAY, to: '2024-05-02', reason: 'x' })).statusCode, 403);
        assert.equal((await c.post('/papers/2405.00001/entries/remove', { day: LATEST_DAY, reason: 'x' })).statusCode, 403);
        assert.equal((await c.get('/admin/papers')).statusCode, 403);
        assert.equal((await c.post('/admin/papers/unhide', { paper: '2405.00001' })).statusCode, 403);
        assert.equal((await c.post('/admin/entries/restore', { paper: '2405.00001', day: LATEST_DAY })).statusCode, 403);
        assert.ok(!(await c.get('/papers/2405.00001')).body.includes('Admin: curate'), 'no admin tools shown');
      }
      const anon = new WebClient(t.app);
      await anon.get('/subscribe');
      const r = await anon.post('/papers/2405.00001/hide', { reason: 'x' });
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /^\/login\?next=/);
      assert.equal((await get('/admin/papers')).statusCode, 303);
      assert.ok(await t.store.getPaper('2405.00001'), 'nothing was hidden');
    });

    test('an admin hides a paper: gone from the list, search, feeds, the API and its page; shown again, it is all back; both logged', async () => {
      const { c: admin, name } = await signedIn(t, NOW, { role: 'admin' });
      const id = '2405.00003';
      const page = await admin.get(`/papers/${id}`);
      assert.match(page.body, /Admin: curate/);
      assert.equal((await admin.post(`/papers/${id}/hide`, { reason: '' })).statusCode, 400, 'a reason is required');
      assert.equal((await admin.post(`/papers/${id}/hide`, { reason: 'spam <i>link</i>', _csrf: null })).statusCode, 403, 'CSRF');
      const hide = await admin.post(`/papers/${id}/hide`, { reason: 'spam <i>link</i>' });
      assert.equal(hide.statusCode, 303);
      assert.equal(hide.headers.location, '/admin/papers');

      assert.equal((await get(`/papers/${id}`)).statusCode, 404);
      assert.equal((await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`), false, 'not on its day');
      assert.equal((await get(`/api/papers/${id}`)).statusCode, 404);
      const api = JSON.parse((await get(`/api/daily_papers?date=${LATEST_DAY}`)).body) as { paper: { id: string } }[];
      assert.ok(!api.some((x) => x.paper.id === id), 'not in the daily API');
      const found = JSON.parse((await get('/api/papers/search?q=Diffusion%20Models%20Without%20Names')).body) as { paper: { id: string } }[];
      assert.ok(!found.some((x) => x.paper.id === id), 'not in search');
      assert.ok(!(await get('/papers?q=Diffusion+Models+Without+Names')).body.includes(`/papers/${id}"`), 'not on the search page');
      assert.ok(!(await get('/feeds/daily.rss')).body.includes(id), 'not in the feed');
      assert.equal((await admin.post(`/papers/${id}/upvote`, {})).statusCode, 404, 'nothing to vote on');
      const admins = await admin.get('/admin/papers');
      assert.match(admins.body, /Diffusion Models Without Names/);
      assert.match(admins.body, /spam &lt;i&gt;link&lt;\/i&gt;/);
      const logged = await log();
      assert.match(logged, new RegExp(`<td>${name}</td>\\s*<td>hid the paper “Diffusion Models Without Names”</td><td>spam &lt;i&gt;link&lt;/i&gt;</td>`));

      assert.equal((await admin.post(`/papers/${id}/hide`, { reason: 'again' })).statusCode, 404, 'a hidden paper has no page to act on');
      const show = await admin.post('/admin/papers/unhide', { paper: id });
      assert.equal(show.statusCode, 303);
      assert.equal((await get(`/papers/${id}`)).statusCode, 200);
      assert.ok((await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`), 'back on its day');
      assert.match(await log(), /showed the paper again <a href="\/papers\/2405\.00003">Diffusion Models Without Names<\/a>/);
      assert.equal((await admin.post('/admin/papers/unhide', { paper: id })).statusCode, 404, 'not hidden any more');
    });

    test('an admin moves an entry to another day and removes one; both undo; each is logged with its days', async () => {
      const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
      const id = '2405.00001';
      await admin.get(`/papers/${id}`);
      assert.equal((await admin.post(`/papers/${id}/entries/move`, { from: LATEST_DAY, to: '2024-13-40', reason: 'x' })).statusCode, 400);
      assert.equal((await admin.post(`/papers/${id}/entries/move`, { from: '2024-05-01', to: '2024-05-02', reason: 'x' })).statusCode, 404);
      assert.equal((await admin.post(`/papers/${id}/entries/move`, { from: LATEST_DAY, to: LATEST_DAY, reason: 'x' })).statusCode, 409);
      const move = await admin.post(`/papers/${id}/entries/move`, { from: LATEST_DAY, to: '2024-05-02', reason: 'submitted a day late' });
      assert.equal(move.statusCode, 303);
      assert.ok(!(await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`));
      assert.ok((await admin.get('/papers/date/2024-05-02')).body.includes(`/papers/${id}"`));
      assert.match(await log(), /moved the daily-list entry of <a href="\/papers\/2405\.00001">Sparse Attention Transformers for Long Documents<\/a> \(2024-05-03 → 2024-05-02\)<\/td><td>submitted a day late/);
      // Undo the move: move it back.
      assert.equal((await admin.post(`/papers/${id}/entries/move`, { from: '2024-05-02', to: LATEST_DAY, reason: 'undo' })).statusCode, 303);
      assert.ok((await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`));

      assert.equal((await admin.post(`/papers/${id}/entries/remove`, { day: LATEST_DAY, reason: '' })).statusCode, 400);
      assert.equal((await admin.post(`/papers/${id}/entries/remove`, { day: LATEST_DAY, reason: 'off topic' })).statusCode, 303);
      assert.ok(!(await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`));
      assert.equal((await get(`/papers/${id}`)).statusCode, 200, 'the paper stays');
      assert.match((await admin.get('/admin/papers')).body, /Put back/);
      assert.equal((await admin.post('/admin/entries/restore', { paper: id, day: LATEST_DAY })).statusCode, 303);
      assert.ok((await admin.get(`/papers/date/${LATEST_DAY}`)).body.includes(`/papers/${id}"`));
      assert.equal((await admin.post('/admin/entries/restore', { paper: id, day: LATEST_DAY })).statusCode, 404);
      const l = await log();
      assert.match(l, /removed from the daily list <a[^>]*>Sparse Attention Transformers for Long Documents<\/a> \(2024-05-03\)<\/td><td>off topic/);
      assert.match(l, /put back on the daily list/);
    });

    test('reporting a paper: verified users, once; moderators see it and dismiss; only admins get the hide button', async () => {
      const { c: user } = await signedIn(t, NOW);
      const { c: unverified } = await signedIn(t, NOW, { verified: false });
      const { c: mod } = await signedIn(t, NOW, { role: 'moderator' });
      const { c: admin } = await signedIn(t, NOW, { role: 'admin' });
      const id = 'hep-th/9901001';
      const page = await user.get(`/papers/${id}`);
      assert.match(page.body, /Report this paper/);
      assert.ok(!(await get(`/papers/${id}`)).body.includes('Report this paper'), 'visitors see no report form');
      assert.equal((await user.post(`/papers/${id}/report`, { reason: '' })).statusCode, 400);
      const r = await user.post(`/papers/${id}/report`, { reason: 'not <b>new</b>' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /A moderator will look at this paper/);
      assert.equal((await user.post(`/papers/${id}/report`, { reason: 'again' })).statusCode, 200, 'a repeat looks the same');
      await unverified.get(`/papers/${id}`);
      assert.equal((await unverified.post(`/papers/${id}/report`, { reason: 'x' })).statusCode, 403);

      const q = await mod.get('/moderation');
      assert.match(q.body, /Reported papers/);
      assert.match(q.body, /Strings on Old-Style Identifiers/);
      assert.match(q.body, /not &lt;b&gt;new&lt;\/b&gt;/);
      assert.match(q.body, /<strong>1 report<\/strong>/);
      assert.ok(!q.body.includes(`action="/papers/${id}/hide"`), 'moderators do not hide papers');
      assert.ok((await admin.get('/moderation')).body.includes(`action="/papers/${id}/hide"`), 'admins do');
      assert.equal((await user.post('/moderation/papers/dismiss', { paper: id })).statusCode, 403);
      assert.equal((await mod.post('/moderation/papers/dismiss', { paper: id })).statusCode, 303);
      assert.equal((await mod.post('/moderation/papers/dismiss', { paper: id })).statusCode, 404);
      assert.ok(!(await mod.get('/moderation')).body.includes('Strings on Old-Style Identifiers'));
      assert.match(await log(), /dismissed the reports of the paper <a href="\/papers\/hep-th\/9901001">/);
      // Undone from the log: the moderator's Reopen button puts the report back in the queue.
      assert.match((await mod.get('/moderation/log')).body, /action="\/moderation\/papers\/reopen" class="inline"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="paper" value="hep-th\/9901001">/);
      assert.equal((await user.post('/moderation/papers/reopen', { paper: id })).statusCode, 403);
      assert.equal((await mod.post('/moderation/papers/reopen', { paper: id })).statusCode, 303);
      assert.ok((await mod.get('/moderation')).body.includes('Strings on Old-Style Identifiers'));
      assert.equal((await mod.post('/moderation/papers/reopen', { paper: id })).statusCode, 404);
      assert.match(await log(), /reopened the dismissed reports of the paper <a href="\/papers\/hep-th\/9901001">/);
    });
  });
}

curationOver('sqlite');
if (requirePostgres()) curationOver('postgres');
