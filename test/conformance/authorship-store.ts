/**
 * The AuthorshipStore conformance suite: a claim on a missing paper is
 * refused; one open or approved claim per user per paper; one approved user
 * per author name (at claim and at approval); only pending claims are
 * decided, only rejected ones reopened; the queue, a user's and a paper's
 * claims; authored papers (approved only, hidden papers left out); claims
 * follow a paper that takes its arXiv id and go with a deleted user.
 * `describeAuthorshipStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { AuthorshipClaim } from '../../src/store/authorship-store.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedAuthorshipBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);
const AUTHORS = [{ name: 'Ada Lovelace', affiliations: [] }, { name: 'Bob Babbage', affiliations: [] }];

export function describeAuthorshipStore(name: string, open: () => Promise<OpenedAuthorshipBackend>): void {
  describe(`AuthorshipStore conformance: ${name}`, () => {
    let opened: OpenedAuthorshipBackend;
    let b: Backend;
    let ada: number, bob: number, root: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      const mk = async (u: string) => (await b.accounts.createUser({ username: u, email: `${u}@example.org`, passwordHash: 'h', now: NOW })).id;
      [ada, bob, root] = [await mk('ada'), await mk('bob'), await mk('root')];
      await b.store.upsertRecords([record(paper('2506.80001', { authors: AUTHORS })), record(paper('2506.80002', { authors: AUTHORS }))]);
    });
    afterEach(async () => {
      await opened.close();
    });

    const claim = async (userId: number, paperId: string, authorName: string, at = NOW) => b.authorship.claim({ paperId, userId, authorName, now: at });
    const claimed = async (userId: number, paperId: string, authorName: string, at = NOW): Promise<AuthorshipClaim> => {
      const r = await claim(userId, paperId, authorName, at);
      assert.equal(r.kind, 'claimed');
      return (r as { claim: AuthorshipClaim }).claim;
    };

    test('a claim is pending with who and which name; one open claim per user per paper; none on a missing paper', async () => {
      const c = await claimed(ada, '2506.80001', 'Ada Lovelace');
      assert.deepEqual([c.paperId, c.username, c.authorName, c.status, c.createdAt, c.decidedAt, c.decidedBy, c.note],
        ['2506.80001', 'ada', 'Ada Lovelace', 'pending', NOW.toISOString(), null, null, '']);
      const again = await claim(ada, '2506.80001', 'Bob Babbage');
      assert.equal(again.kind, 'duplicate');
      assert.equal(again.kind === 'duplicate' && again.claim.id, c.id);
      assert.deepEqual(await claim(ada, '2506.89999', 'Ada Lovelace'), { kind: 'no_paper' });
      assert.equal((await b.authorship.getClaim(c.id))?.authorName, 'Ada Lovelace');
      assert.equal(await b.authorship.getClaim(999_999), null);
    });

    test('approving: only pending claims, one approved user per author name; the name then is taken for new claims', async () => {
      const a = await claimed(ada, '2506.80001', 'Ada Lovelace');
      const rival = await claimed(bob, '2506.80001', 'Ada Lovelace', later(1));
      const ok = await b.authorship.decide(a.id, { by: root, status: 'approved', note: '', now: later(2) });
      assert.ok(ok && ok !== 'taken');
      assert.deepEqual([ok.status, ok.decidedBy, ok.decidedAt], ['approved', 'root', later(2).toISOString()]);
      assert.equal(await b.authorship.decide(a.id, { by: root, status: 'rejected', note: '', now: later(3) }), null, 'decided already');
      assert.equal(await b.authorship.decide(rival.id, { by: root, status: 'approved', note: '', now: later(3) }), 'taken');
      assert.equal((await b.authorship.getClaim(rival.id))?.status, 'pending', 'a refused approval changes nothing');
      const cy = (await b.accounts.createUser({ username: 'cy', email: 'cy@example.org', passwordHash: 'h', now: NOW })).id;
      assert.deepEqual(await claim(cy, '2506.80001', 'Ada Lovelace'), { kind: 'taken' });
      assert.equal((await claim(cy, '2506.80001', 'Bob Babbage')).kind, 'claimed', 'another name of the paper is free');
      assert.equal(await b.authorship.decide(999_999, { by: root, status: 'approved', note: '', now: NOW }), null);
    });

    test('rejecting keeps the note; the user may claim again; a rejected claim is reopened by an admin (unless claimed again since)', async () => {
      const c = await claimed(ada, '2506.80001', 'Ada Lovelace');
      const r = await b.authorship.decide(c.id, { by: root, status: 'rejected', note: 'no <proof>', now: later(1) });
      assert.ok(r && r !== 'taken');
      assert.deepEqual([r.status, r.note], ['rejected', 'no <proof>']);
      const reopened = await b.authorship.reopen(c.id, root, later(2));
      assert.equal(reopened?.status, 'pending');
      assert.equal(await b.authorship.reopen(c.id, root, later(2)), null, 'only a rejected claim reopens');
      await b.authorship.decide(c.id, { by: root, status: 'rejected', note: '', now: later(3) });
      const fresh = await claimed(ada, '2506.80001', 'Bob Babbage', later(4));
      assert.equal(await b.authorship.reopen(c.id, root, later(5)), null, 'the user has an open claim on the paper again');
      assert.equal((await b.authorship.getClaim(fresh.id))?.status, 'pending');
    });

    test('the queue oldest first; a user\'s claims newest first; a paper\'s open and approved claims', async () => {
      const c1 = await claimed(ada, '2506.80001', 'Ada Lovelace');
      const c2 = await claimed(bob, '2506.80001', 'Bob Babbage', later(1));
      const c3 = await claimed(ada, '2506.80002', 'Ada Lovelace', later(2));
      await b.authorship.decide(c2.id, { by: root, status: 'rejected', note: '', now: later(3) });
      const q = await b.authorship.claimsByStatus('pending', 10, 0);
      assert.deepEqual([q.items.map((c) => c.id), q.total], [[c1.id, c3.id], 2]);
      assert.deepEqual((await b.authorship.claimsByStatus('pending', 1, 1)).items.map((c) => c.id), [c3.id]);
      assert.deepEqual((await b.authorship.claimsByStatus('rejected', 10, 0)).items.map((c) => c.id), [c2.id]);
      assert.deepEqual((await b.authorship.claimsOf(ada)).map((c) => c.id), [c3.id, c1.id]);
      assert.deepEqual((await b.authorship.claimsOfPaper('2506.80001')).map((c) => c.id), [c1.id], 'rejected claims are not the paper\'s');
    });

    test('authored papers: approved claims only, newest first, hidden papers left out; a deleted user\'s claims go', async () => {
      const c1 = await claimed(ada, '2506.80001', 'Ada Lovelace');
      const c2 = await claimed(ada, '2506.80002', 'Ada Lovelace', later(1));
      assert.deepEqual(await b.authorship.authoredPapers(ada, 10, 0), { paperIds: [], total: 0 });
      await b.authorship.decide(c1.id, { by: root, status: 'approved', note: '', now: later(2) });
      await b.authorship.decide(c2.id, { by: root, status: 'approved', note: '', now: later(3) });
      assert.deepEqual(await b.authorship.authoredPapers(ada, 10, 0), { paperIds: ['2506.80002', '2506.80001'], total: 2 });
      assert.deepEqual(await b.authorship.authoredPapers(ada, 1, 1), { paperIds: ['2506.80001'], total: 2 });
      await b.curation.hidePaper('2506.80002', root, 'spam', NOW);
      assert.deepEqual(await b.authorship.authoredPapers(ada, 10, 0), { paperIds: ['2506.80001'], total: 1 });
      await b.accounts.deleteUser(ada);
      assert.equal(await b.authorship.getClaim(c1.id), null);
    });

    test('a paper that takes its arXiv id keeps its claims', async () => {
      await b.store.upsertRecords([record(paper('local-y1', { title: 'Local Title', authors: AUTHORS }, 'seed'))]);
      const c = await claimed(ada, 'local-y1', 'Ada Lovelace');
      await b.store.upsertRecords([record(paper('2506.80009', { title: 'Local Title', authors: AUTHORS }))]);
      assert.equal((await b.authorship.getClaim(c.id))?.paperId, '2506.80009');
    });
  });
}
