/**
 * Test helper: fills a Backend with rows in every table a copy must carry
 * (papers with categories, daily entries and organizations; job state;
 * subscriptions and outbox rows; users, sessions, mailed tokens, API tokens,
 * login back-off; votes; threaded comments, one deleted and one hidden;
 * reports and the moderation log; reading lists) through the public store
 * interfaces, so it runs on any backend (`papers` makes the papers table
 * large; the other tables stay small). Also leaves gaps: the newest comment
 * and user are deleted, so a copy must carry the id counters past them.
 */
import type { Backend } from '../../src/store/backend.js';
import { paper, record } from './papers.js';

export interface Populated {
  papers: string[];
  userIds: number[];
  /** Ids handed out and then deleted: the target must never hand them out again. */
  deletedCommentId: number;
  deletedUserId: number;
}

export async function populateEveryTable(b: Backend, opts: { papers?: number } = {}): Promise<Populated> {
  const now = new Date('2025-06-03T08:00:00Z');
  const n = opts.papers ?? 40;
  const ids: string[] = [];
  const records = [];
  for (let i = 0; i < n; i++) {
    const id = `2506.${String(10000 + i)}`;
    ids.push(id);
    records.push(record(
      paper(id, { title: `Sparse attention ${i} for long documents`, abstract: `Abstract ${i}: transformers, retrieval.`,
        categories: i % 2 ? ['cs.CL', 'cs.LG'] : ['cs.CV'], publishedAt: `2025-06-0${1 + (i % 3)}T00:00:00Z`,
        authors: [{ name: `Ada Author${i}`, affiliations: [] }] }),
      i % 4 === 3 ? null : { day: `2025-06-0${1 + (i % 3)}`, submittedAt: '2025-06-01T10:00:00Z',
        submittedBy: { user: 'akhaliq', fullname: 'AK', avatarUrl: null }, upvotes: i, numComments: 1 },
      i % 5 === 0 ? { name: `Lab${i % 3}`, fullname: `The Lab ${i % 3}`, avatarUrl: null } : null,
    ));
  }
  await b.store.upsertRecords(records);
  await b.store.setState('harvest:last:hf', '{"ok":true}');
  await b.store.setState('feed.lexical', '12345');

  const userIds: number[] = [];
  for (let i = 0; i < 6; i++) {
    const u = await b.accounts.createUser({ username: `user${i}`, email: `user${i}@example.org`, passwordHash: `scrypt$x$${i}`,
      role: i === 0 ? 'admin' : i === 1 ? 'moderator' : 'user', emailVerified: i % 2 === 0, now });
    userIds.push(u.id);
  }
  const gone = await b.accounts.createUser({ username: 'leaver', email: 'leaver@example.org', passwordHash: 'scrypt$x$y', now });
  await b.accounts.deleteUser(gone.id);
  const later = new Date(now.getTime() + 86_400_000 * 30);
  await b.accounts.createSession({ tokenHash: 'a'.repeat(64), userId: userIds[2], now, expiresAt: later });
  await b.accounts.createSession({ tokenHash: 'b'.repeat(64), userId: userIds[3], now, expiresAt: later });
  await b.accounts.createEmailToken({ tokenHash: 'c'.repeat(64), userId: userIds[4], purpose: 'verify', email: 'user4@example.org', now, expiresAt: later });
  await b.accounts.createApiToken({ userId: userIds[2], name: 'script', tokenHash: 'd'.repeat(64), prefix: 'pb_dddd', now });
  await b.accounts.setLoginThrottle('user5', { failures: 3, lockedUntil: later.toISOString() }, now);

  for (let u = 0; u < userIds.length; u++) {
    for (let p = 0; p < Math.min(n, 40); p += u + 2) await b.votes.setVote(userIds[u], ids[p], true, now);
  }

  const c1 = await b.comments.addComment({ paperId: ids[0], parentId: null, userId: userIds[2], body: 'Nice result.', now, maxDepth: 6 });
  if (typeof c1 === 'string') throw new Error(c1);
  const c2 = await b.comments.addComment({ paperId: ids[0], parentId: c1.id, userId: userIds[3], body: 'Agreed, **really**.', now, maxDepth: 6 });
  if (typeof c2 === 'string') throw new Error(c2);
  const c3 = await b.comments.addComment({ paperId: ids[1], parentId: null, userId: userIds[4], body: 'Spam spam.', now, maxDepth: 6 });
  if (typeof c3 === 'string') throw new Error(c3);
  const c4 = await b.comments.addComment({ paperId: ids[2], parentId: null, userId: userIds[4], body: 'Oops.', now, maxDepth: 6 });
  if (typeof c4 === 'string') throw new Error(c4);
  await b.comments.deleteComment(c4.id, now);
  await b.moderation.report({ commentId: c3.id, reporterId: userIds[2], reason: 'spam', now });
  await b.comments.setHidden(c3.id, { byUserId: userIds[1], reason: 'spam' }, now);
  await b.moderation.resolveReports(c3.id, userIds[1], 'hidden', now);
  await b.moderation.log({ actorId: userIds[1], action: 'hide_comment', commentId: c3.id, reason: 'spam', now });
  await b.moderation.report({ commentId: c1.id, reporterId: userIds[5], reason: 'rude?', now });
  // The newest comment is removed outright (its paper's comments go when a paper is deleted): an id gap at the top.
  const c5 = await b.comments.addComment({ paperId: ids[n - 1], parentId: null, userId: userIds[2], body: 'On a paper that goes.', now, maxDepth: 6 });
  if (typeof c5 === 'string') throw new Error(c5);
  await b.store.deletePapers([ids[n - 1]]);
  ids.pop();

  const list = await b.readingLists.createList({ ownerId: userIds[2], name: 'To read', slug: 'to-read', public: true, now });
  for (const id of ids.slice(0, 5)) await b.readingLists.addPaper(userIds[2], list.id, id, now, 1000);
  await b.readingLists.createList({ ownerId: userIds[3], name: 'Private', slug: 'private', public: false, now });

  // Curation (a hidden paper, a removed and a moved entry), a report of a paper, organizations, an authorship claim.
  await b.curation.hidePaper(ids[5], userIds[0], 'spam', now);
  await b.curation.removeEntry(ids[6], '2025-06-01', userIds[0], now);
  await b.curation.moveEntry(ids[8], '2025-06-03', '2025-06-02', userIds[0], now);
  await b.moderation.reportPaper({ paperId: ids[9], reporterId: userIds[3], reason: 'off topic', now });
  await b.moderation.logPaper({ actorId: userIds[0], action: 'hide_paper', paperId: ids[5], reason: 'spam', detail: 'Sparse attention 5', now });
  await b.organizations.createOrganization({ name: 'NewLab', fullname: 'New Lab', avatarUrl: null });
  await b.organizations.addMember('NewLab', userIds[2], now);
  await b.organizations.follow(userIds[3], 'NewLab', now);
  await b.authorship.claim({ paperId: ids[10], userId: userIds[2], authorName: 'Ada Author10', now });

  // Linked to an account (the copy must carry user_id).
  const s1 = await b.subscriptions.createSubscription({ email: 'reader@example.org', frequency: 'daily', topics: { categories: ['cs.CL'], keywords: [], organizations: [] }, now, userId: userIds[1] });
  await b.subscriptions.updateSubscription(s1.id, { status: 'active', confirmedAt: now.toISOString() }, now);
  const s2 = await b.subscriptions.createSubscription({ email: 'weekly@example.org', frequency: 'weekly', topics: { categories: [], keywords: ['attention'], organizations: [] }, now });
  await b.subscriptions.updateSubscription(s2.id, { status: 'active', confirmedAt: now.toISOString() }, now);
  await b.subscriptions.createSubscription({ email: 'pending@example.org', frequency: 'daily', topics: { categories: [], keywords: [], organizations: [] }, now });
  await b.subscriptions.enqueue('2025-06-02', 'daily', now);
  const [row] = await b.subscriptions.listToRender(1);
  await b.subscriptions.saveRendered([{ id: row.id, message: { subject: 'Digest', html: '<p>hi</p>', text: 'hi', headers: { 'List-Id': 'x' } }, reason: null }]);

  return { papers: ids, userIds, deletedCommentId: c5.id, deletedUserId: gone.id };
}
