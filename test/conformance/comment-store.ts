/**
 * The CommentStore conformance suite, with the Store's counts it feeds:
 * comments and replies (same paper, live parent, bounded depth), bodies kept
 * byte for byte, edits, soft deletes that keep the thread, reversible
 * hiding with who and why, a deleted author, and every comment count the
 * site reads (daily lists, paper details) being the imported count plus the
 * visible local comments through re-imports, listing later, hiding and
 * deleting. `describeCommentStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { Comment } from '../../src/store/comment-store.js';
import type { PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedCommentBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);
const day = (d: string, numComments: number): PaperRecord['daily'] => ({ day: d, submittedAt: `${d}T08:00:00.000Z`, submittedBy: null, upvotes: 0, numComments });

export function describeCommentStore(name: string, open: () => Promise<OpenedCommentBackend>): void {
  describe(`CommentStore conformance: ${name}`, () => {
    let opened: OpenedCommentBackend;
    let b: Backend;
    let ada: number, bob: number, mod: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      ada = (await b.accounts.createUser({ username: 'ada', email: 'ada@example.org', passwordHash: 'h', now: NOW })).id;
      bob = (await b.accounts.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: 'h', now: NOW })).id;
      mod = (await b.accounts.createUser({ username: 'mod', email: 'mod@example.org', passwordHash: 'h', role: 'moderator', now: NOW })).id;
      await b.store.upsertRecords([record(paper('2506.10001'), day('2025-06-02', 3)), record(paper('2506.10002'))]);
    });
    afterEach(async () => {
      await opened.close();
    });

    const add = async (paperId: string, userId: number, body: string, parentId: number | null = null, maxDepth = 8) => {
      const r = await b.comments.addComment({ paperId, parentId, userId, body, now: NOW, maxDepth });
      assert.equal(typeof r, 'object', `added: ${String(r)}`);
      return r as Comment;
    };
    const shown = async (id: string) => (await b.store.getPaper(id))!.numComments;

    test('comments and replies are listed oldest first with author, depth and parent', async () => {
      const c1 = await add('2506.10001', ada, 'First!');
      const r1 = await add('2506.10001', bob, 'A reply', c1.id);
      const r2 = await add('2506.10001', ada, 'A reply to the reply', r1.id);
      assert.deepEqual([c1.depth, r1.depth, r2.depth], [0, 1, 2]);
      const list = await b.comments.listComments('2506.10001');
      assert.deepEqual(list.map((c) => [c.id, c.parentId, c.username, c.body]), [
        [c1.id, null, 'ada', 'First!'], [r1.id, c1.id, 'bob', 'A reply'], [r2.id, r1.id, 'ada', 'A reply to the reply'],
      ]);
      assert.deepEqual(await b.comments.listComments('2506.10002'), []);
      assert.deepEqual(await b.comments.getComment(c1.id), list[0]);
      assert.equal(await b.comments.getComment(999_999), null);
    });

    test('a reply needs a live parent on the same paper and a depth within the limit; the paper must exist', async () => {
      const c1 = await add('2506.10001', ada, 'top');
      const other = await add('2506.10002', ada, 'elsewhere');
      const r = (parentId: number | null, paperId = '2506.10001', maxDepth = 8) => b.comments.addComment({ paperId, parentId, userId: bob, body: 'x', now: NOW, maxDepth });
      assert.equal(await r(other.id), 'no_parent');
      assert.equal(await r(999_999), 'no_parent');
      assert.equal(await r(null, '9999.99999'), 'no_paper');
      assert.equal(await r(c1.id, '2506.10001', 0), 'too_deep');
      await b.comments.deleteComment(c1.id, NOW);
      assert.equal(await r(c1.id), 'no_parent', 'no replies to a deleted comment');
    });

    test('bodies are kept byte for byte, hostile or odd', async () => {
      const body = '<script>alert("x")</script>\n**bold** [link](javascript:alert(1)) \u202e\u0000 emoji 🧪 \r\n' + 'x'.repeat(5000);
      const c = await add('2506.10001', ada, body);
      assert.equal((await b.comments.getComment(c.id))!.body, body);
    });

    test('an edit replaces the body and marks the time; a deleted comment cannot be edited', async () => {
      const c = await add('2506.10001', ada, 'typo');
      const e = await b.comments.editComment(c.id, 'fixed', later(5));
      assert.equal(e?.body, 'fixed');
      assert.equal(e?.editedAt, later(5).toISOString());
      await b.comments.deleteComment(c.id, later(6));
      assert.equal(await b.comments.editComment(c.id, 'again', later(7)), null);
    });

    test('a deleted comment keeps its row (body cleared) so replies keep their parent', async () => {
      const c = await add('2506.10001', ada, 'will go');
      const r = await add('2506.10001', bob, 'stays', c.id);
      const d = await b.comments.deleteComment(c.id, later(1));
      assert.equal(d?.body, '');
      assert.equal(d?.deletedAt, later(1).toISOString());
      assert.equal(await b.comments.deleteComment(c.id, later(2)), null, 'deleting twice changes nothing');
      const list = await b.comments.listComments('2506.10001');
      assert.deepEqual(list.map((x) => x.id), [c.id, r.id]);
      assert.equal(list[1].parentId, c.id);
    });

    test('hiding records who and why, keeps the body, and is reversible', async () => {
      const c = await add('2506.10001', ada, 'spam spam');
      const h = await b.comments.setHidden(c.id, { byUserId: mod, reason: 'spam' }, later(1));
      assert.deepEqual(h?.hidden, { at: later(1).toISOString(), by: 'mod', reason: 'spam' });
      assert.equal(h?.body, 'spam spam');
      const u = await b.comments.setHidden(c.id, null, later(2));
      assert.equal(u?.hidden, null);
      assert.equal(await b.comments.setHidden(999_999, null, NOW), null);
    });

    test("a deleted account's comments stay, without an author", async () => {
      const c = await add('2506.10001', bob, 'my take');
      await b.accounts.deleteUser(bob);
      const after = await b.comments.getComment(c.id);
      assert.equal(after?.userId, null);
      assert.equal(after?.username, null);
      assert.equal(after?.body, 'my take');
      assert.equal(await shown('2506.10001'), 4, 'still counted');
    });

    test('counts: imported + visible local comments, through hiding, deleting, re-importing and listing later', async () => {
      assert.equal(await shown('2506.10001'), 3, 'imported only');
      const c1 = await add('2506.10001', ada, 'one');
      const c2 = await add('2506.10001', bob, 'two');
      assert.equal(await shown('2506.10001'), 5);
      assert.equal(await b.comments.countVisible('2506.10001'), 2);
      await b.comments.setHidden(c1.id, { byUserId: mod, reason: 'r' }, NOW);
      assert.equal(await shown('2506.10001'), 4);
      await b.comments.deleteComment(c1.id, NOW);
      assert.equal(await shown('2506.10001'), 4, 'a hidden comment deleted later is not taken off twice');
      await b.comments.setHidden(c1.id, null, NOW);
      assert.equal(await shown('2506.10001'), 4, 'unhiding a deleted comment does not bring it back');
      await b.comments.deleteComment(c2.id, NOW);
      assert.equal(await shown('2506.10001'), 3);
      await add('2506.10001', ada, 'three');
      await b.store.upsertRecords([record(paper('2506.10001'), day('2025-06-02', 10))]);
      assert.equal(await shown('2506.10001'), 11, 're-import overwrites the imported part only');
      const list = await b.store.listDaily({ from: '2025-06-02', to: '2025-06-02', sort: 'upvotes', limit: 5, offset: 0 });
      assert.equal(list.items.find((i) => i.paper.id === '2506.10001')!.entry.numComments, 11);
      // A paper never listed shows its local comments; listed later, the entry starts with them.
      await add('2506.10002', ada, 'early');
      assert.equal(await shown('2506.10002'), 1);
      await b.store.upsertRecords([record(paper('2506.10002'), day('2025-06-03', 2))]);
      assert.equal(await shown('2506.10002'), 3);
    });

    test("a user's comments, newest first, without deleted ones", async () => {
      const a1 = await add('2506.10001', ada, 'a1');
      const a2 = await add('2506.10002', ada, 'a2');
      const a3 = await add('2506.10001', ada, 'a3');
      await add('2506.10001', bob, 'b1');
      await b.comments.deleteComment(a3.id, NOW);
      const r = await b.comments.userComments(ada, 10, 0);
      assert.deepEqual(r.comments.map((c) => c.id), [a2.id, a1.id]);
      assert.equal(r.total, 2);
    });
  });
}
