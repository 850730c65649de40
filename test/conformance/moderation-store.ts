/**
 * The ModerationStore conformance suite: one open report per user per
 * comment, none on a deleted comment; the queue ordered by how often a
 * comment was reported; resolving closes a comment's open reports (a later
 * report opens it again); the log keeps actor, author and paper, outlives
 * the actor's account, and lists newest first; reports of papers work the
 * same way (one open per user, none of a missing paper, most reported
 * first, resolving closes them); paper actions are logged without a comment.
 * `describeModerationStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import type { Comment } from '../../src/store/comment-store.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedModerationBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');
const later = (m: number) => new Date(NOW.getTime() + m * 60_000);

export function describeModerationStore(name: string, open: () => Promise<OpenedModerationBackend>): void {
  describe(`ModerationStore conformance: ${name}`, () => {
    let opened: OpenedModerationBackend;
    let b: Backend;
    let ada: number, bob: number, cy: number, mod: number;
    let c1: Comment, c2: Comment;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      const mk = async (u: string) => (await b.accounts.createUser({ username: u, email: `${u}@example.org`, passwordHash: 'h', now: NOW })).id;
      [ada, bob, cy, mod] = [await mk('ada'), await mk('bob'), await mk('cy'), await mk('mod')];
      await b.store.upsertRecords([record(paper('2506.40001'))]);
      c1 = await b.comments.addComment({ paperId: '2506.40001', parentId: null, userId: ada, body: 'one', now: NOW, maxDepth: 8 }) as Comment;
      c2 = await b.comments.addComment({ paperId: '2506.40001', parentId: null, userId: ada, body: 'two', now: NOW, maxDepth: 8 }) as Comment;
    });
    afterEach(async () => {
      await opened.close();
    });

    test('one open report per user per comment; none on a deleted comment', async () => {
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'spam', now: NOW }), true);
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'spam again', now: later(1) }), false);
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: cy, reason: 'rude', now: later(2) }), true);
      await b.comments.deleteComment(c2.id, NOW);
      assert.equal(await b.moderation.report({ commentId: c2.id, reporterId: bob, reason: 'x', now: NOW }), false);
      assert.equal(await b.moderation.report({ commentId: 999_999, reporterId: bob, reason: 'x', now: NOW }), false);
      const q = await b.moderation.openReports(10);
      assert.equal(q.length, 1);
      assert.equal(q[0].count, 2);
      assert.equal(q[0].paperId, '2506.40001');
      assert.deepEqual(q[0].reasons.map((r) => [r.by, r.reason]), [['bob', 'spam'], ['cy', 'rude']]);
      assert.equal(await b.moderation.countOpenReports(), 1);
    });

    test('the queue puts the most reported first; resolving closes a comment\'s reports, a new report reopens it', async () => {
      await b.moderation.report({ commentId: c2.id, reporterId: bob, reason: 'a', now: NOW });
      await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'b', now: later(1) });
      await b.moderation.report({ commentId: c1.id, reporterId: cy, reason: 'c', now: later(2) });
      assert.deepEqual((await b.moderation.openReports(10)).map((r) => r.commentId), [c1.id, c2.id]);
      assert.equal(await b.moderation.resolveReports(c1.id, mod, 'dismissed', later(3)), 2);
      assert.equal(await b.moderation.resolveReports(c1.id, mod, 'dismissed', later(3)), 0);
      assert.deepEqual((await b.moderation.openReports(10)).map((r) => r.commentId), [c2.id]);
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'again', now: later(4) }), true, 'a closed report does not block a new one');
      assert.equal(await b.moderation.countOpenReports(), 2);
    });

    test('the log keeps who did what to whose comment on which paper, newest first, after the actor is gone', async () => {
      await b.moderation.log({ actorId: mod, action: 'hide_comment', commentId: c1.id, reason: 'spam', now: NOW });
      await b.moderation.log({ actorId: mod, action: 'unhide_comment', commentId: c1.id, reason: '', now: later(5) });
      const { entries, total } = await b.moderation.listLog(10, 0);
      assert.equal(total, 2);
      assert.deepEqual(entries.map((e) => [e.action, e.actor, e.author, e.paperId, e.commentId, e.reason]), [
        ['unhide_comment', 'mod', 'ada', '2506.40001', c1.id, ''],
        ['hide_comment', 'mod', 'ada', '2506.40001', c1.id, 'spam'],
      ]);
      await b.accounts.deleteUser(mod);
      await b.accounts.deleteUser(ada);
      const after = await b.moderation.listLog(1, 1);
      assert.equal(after.entries[0].actor, null, 'the actor\'s account is gone, the entry stays');
      assert.equal(after.entries[0].author, 'ada', 'the author as they were named at the time');
      assert.equal(after.total, 2);
    });

    test('papers: one open report per user, none of a missing paper; most reported first; resolving closes them', async () => {
      await b.store.upsertRecords([record(paper('2506.40002'))]);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40002', reporterId: bob, reason: 'not a paper', now: NOW }), true);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40002', reporterId: bob, reason: 'again', now: later(1) }), false);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.99999', reporterId: bob, reason: 'x', now: NOW }), false);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40001', reporterId: cy, reason: 'spam', now: later(2) }), true);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40002', reporterId: cy, reason: 'duplicate', now: later(3) }), true);
      const q = await b.moderation.openPaperReports(10);
      assert.deepEqual(q.map((r) => [r.paperId, r.count]), [['2506.40002', 2], ['2506.40001', 1]]);
      assert.deepEqual(q[0].reasons.map((r) => [r.by, r.reason]), [['bob', 'not a paper'], ['cy', 'duplicate']]);
      assert.equal(q[0].firstAt, NOW.toISOString());
      assert.equal(await b.moderation.countOpenPaperReports(), 2);
      assert.equal(await b.moderation.countOpenReports(), 0, 'comment reports are counted apart');
      assert.equal(await b.moderation.resolvePaperReports('2506.40002', mod, 'dismissed', later(4)), 2);
      assert.equal(await b.moderation.resolvePaperReports('2506.40002', mod, 'dismissed', later(4)), 0);
      assert.deepEqual((await b.moderation.openPaperReports(10)).map((r) => r.paperId), ['2506.40001']);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40002', reporterId: bob, reason: 'still bad', now: later(5) }), true, 'a closed report does not block a new one');
      await b.accounts.deleteUser(bob);
      assert.equal((await b.moderation.openPaperReports(10)).find((r) => r.paperId === '2506.40002')?.reasons[0].by, null);
    });

    test('paper actions are logged with their detail and no comment, among the comment actions', async () => {
      await b.moderation.log({ actorId: mod, action: 'hide_comment', commentId: c1.id, reason: 'spam', now: NOW });
      await b.moderation.logPaper({ actorId: mod, action: 'move_entry', paperId: '2506.40001', reason: 'wrong day', detail: '2025-06-02 → 2025-06-03', now: later(1) });
      await b.moderation.logPaper({ actorId: mod, action: 'hide_paper', paperId: '2506.40001', reason: 'spam', detail: 'Paper 2506.40001', now: later(2) });
      await b.moderation.logPaper({ actorId: mod, action: 'unhide_paper', paperId: 'gone-paper', reason: '', detail: '', now: later(3) });
      const { entries, total } = await b.moderation.listLog(10, 0);
      assert.equal(total, 4);
      assert.deepEqual(entries.map((e) => [e.action, e.commentId, e.paperId, e.author, e.reason, e.detail]), [
        ['unhide_paper', null, 'gone-paper', null, '', ''],
        ['hide_paper', null, '2506.40001', null, 'spam', 'Paper 2506.40001'],
        ['move_entry', null, '2506.40001', null, 'wrong day', '2025-06-02 → 2025-06-03'],
        ['hide_comment', c1.id, '2506.40001', 'ada', 'spam', ''],
      ]);
      assert.equal(entries[0].actor, 'mod');
    });

    test('a dismissal is undone: the reports it closed are open again, a reporter who reported anew keeps one; never after a hide', async () => {
      await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'spam', now: NOW });
      await b.moderation.report({ commentId: c1.id, reporterId: cy, reason: 'rude', now: NOW });
      assert.equal(await b.moderation.reopenReports(c1.id), 0, 'nothing dismissed yet');
      assert.equal(await b.moderation.resolveReports(c1.id, mod, 'dismissed', later(1)), 2);
      assert.equal(await b.moderation.countOpenReports(), 0);
      assert.equal(await b.moderation.reopenReports(c1.id), 2);
      assert.deepEqual((await b.moderation.openReports(10)).map((r) => [r.commentId, r.count]), [[c1.id, 2]]);
      assert.equal(await b.moderation.reopenReports(c1.id), 0, 'open already');
      // Dismissed again; bob reports anew; undoing the dismissal reopens cy's report only.
      assert.equal(await b.moderation.resolveReports(c1.id, mod, 'dismissed', later(2)), 2);
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: 'still spam', now: later(3) }), true);
      assert.equal(await b.moderation.reopenReports(c1.id), 1);
      assert.deepEqual((await b.moderation.openReports(10))[0].reasons.map((r) => [r.by, r.reason]), [['cy', 'rude'], ['bob', 'still spam']]);
      // Closed by hiding the comment: no dismissal to undo.
      assert.equal(await b.moderation.resolveReports(c1.id, mod, 'hidden', later(4)), 2);
      assert.equal(await b.moderation.reopenReports(c1.id), 0);
      // Papers alike.
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40001', reporterId: bob, reason: 'off topic', now: NOW }), true);
      assert.equal(await b.moderation.resolvePaperReports('2506.40001', mod, 'dismissed', later(1)), 1);
      assert.equal(await b.moderation.reopenPaperReports('2506.40001'), 1);
      assert.deepEqual((await b.moderation.openPaperReports(10)).map((r) => [r.paperId, r.count]), [['2506.40001', 1]]);
      assert.equal(await b.moderation.reopenPaperReports('2506.40001'), 0);
      assert.equal(await b.moderation.reopenPaperReports('no-such-paper'), 0);
    });

    test('bans and their lifting are logged with the user\'s name, no paper and no comment', async () => {
      await b.moderation.logPaper({ actorId: mod, action: 'hide_paper', paperId: '2506.40001', reason: 'spam', detail: 'Paper 2506.40001', now: NOW });
      await b.moderation.logUser({ actorId: mod, action: 'ban_user', username: 'bob', reason: 'spam <b>bot</b>', now: later(1) });
      await b.moderation.logUser({ actorId: mod, action: 'unban_user', username: 'bob', reason: '', now: later(2) });
      const { entries, total } = await b.moderation.listLog(10, 0);
      assert.equal(total, 3);
      assert.deepEqual(entries.map((e) => [e.action, e.commentId, e.paperId, e.author, e.reason, e.actor]), [
        ['unban_user', null, null, 'bob', '', 'mod'],
        ['ban_user', null, null, 'bob', 'spam <b>bot</b>', 'mod'],
        ['hide_paper', null, '2506.40001', null, 'spam', 'mod'],
      ]);
      // The entry outlives the banned account, still naming it.
      await b.accounts.deleteUser(bob);
      assert.equal((await b.moderation.listLog(10, 0)).entries[1].author, 'bob');
    });

    test('reasons and details are kept as written, NUL and all (PostgreSQL\'s text refuses U+0000: stored escaped)', async () => {
      const odd = 'spam\u0000 <b>\u202e\uE000 \uE0000 \'; DROP TABLE users; --';
      assert.equal(await b.moderation.report({ commentId: c1.id, reporterId: bob, reason: odd, now: NOW }), true);
      assert.deepEqual((await b.moderation.openReports(10))[0].reasons.map((r) => r.reason), [odd]);
      assert.equal(await b.moderation.reportPaper({ paperId: '2506.40001', reporterId: bob, reason: odd, now: NOW }), true);
      assert.deepEqual((await b.moderation.openPaperReports(10))[0].reasons.map((r) => r.reason), [odd]);
      await b.moderation.log({ actorId: mod, action: 'hide_comment', commentId: c1.id, reason: odd, now: NOW });
      await b.moderation.logPaper({ actorId: mod, action: 'hide_paper', paperId: '2506.40001', reason: odd, detail: `${odd} detail`, now: later(1) });
      const { entries } = await b.moderation.listLog(10, 0);
      assert.deepEqual(entries.map((e) => [e.reason, e.detail]), [[odd, `${odd} detail`], [odd, '']]);
      const hidden = await b.comments.setHidden(c2.id, { byUserId: mod, reason: odd }, later(2));
      assert.equal(hidden?.hidden?.reason, odd);
    });
  });
}
