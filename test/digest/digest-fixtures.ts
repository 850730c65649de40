/**
 * Test helper: a small corpus for digests (two days of a daily list with
 * known categories, organizations, upvotes and one hostile title) and
 * subscribers in every state.
 */
import { paper, record } from '../helpers/papers.js';
import type { Store } from '../../src/store/store.js';
import type { Frequency, Subscription, SubscriptionStatus, SubscriptionStore, Topics } from '../../src/store/subscription-store.js';
import { emptyTopics } from '../../src/digest/topics.js';

/** A Monday, its ISO week, and an empty day. */
export const DAY = '2025-06-02';
export const DAY2 = '2025-06-03';
export const WEEK = '2025-W23';
export const EMPTY_DAY = '2025-06-10';

export const HOSTILE_TITLE = 'Breaking <script>alert("x")</script> & "quotes"';

export async function seedDigestCorpus(store: Store): Promise<void> {
  const recs = [];
  for (let i = 1; i <= 12; i++) {
    const id = `2506.0${String(i).padStart(4, '0')}`;
    const vision = i % 3 === 0;
    recs.push(record(
      paper(id, {
        title: i === 12 ? HOSTILE_TITLE : `Paper number ${i} about ${vision ? 'image diffusion' : 'language models'}`,
        abstract: `Abstract of paper ${i}. ${'We study things carefully and report results. '.repeat(12)}`,
        authors: i === 5 ? [] : [{ name: `Ada Lovelace ${i}`, affiliations: [] }, { name: 'Alan Turing', affiliations: [] }],
        authorCount: i === 5 ? 42 : 2,
        categories: vision ? ['cs.CV'] : ['cs.CL', 'cs.LG'],
        primaryCategory: vision ? 'cs.CV' : 'cs.CL',
        organization: i % 4 === 0 ? 'DeepThought' : null,
      }),
      { day: DAY, submittedAt: `${DAY}T0${i % 9}:00:00.000Z`, submittedBy: null, upvotes: i === 12 ? 500 : i * 3, numComments: 0 },
      i % 4 === 0 ? { name: 'DeepThought', fullname: 'Deep Thought Labs', avatarUrl: null } : null,
    ));
  }
  for (let i = 1; i <= 3; i++) {
    recs.push(record(paper(`2506.1000${i}`, { title: `Tuesday paper ${i}`, abstract: 'Short.', categories: ['stat.ML'] }),
      { day: DAY2, submittedAt: `${DAY2}T06:00:00.000Z`, submittedBy: null, upvotes: i, numComments: 1 }));
  }
  await store.upsertRecords(recs);
}

/** Creates a subscription directly in a given state (bypassing double opt-in). */
export async function addSubscriber(
  subs: SubscriptionStore, email: string, frequency: Frequency = 'daily', status: SubscriptionStatus = 'active',
  topics: Topics = emptyTopics(), now = new Date('2025-06-01T00:00:00Z'),
): Promise<Subscription> {
  const s = await subs.createSubscription({ email, frequency, topics, now });
  return (await subs.updateSubscription(s.id, { status, confirmedAt: status === 'pending' ? null : now.toISOString() }, now))!;
}
