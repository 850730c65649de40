/**
 * The conformance suite of digest subscriptions linked to accounts
 * (SubscriptionStore.userId, linkVerifiedAddress, subscriptionsOfUser): a
 * subscription created for an account carries its id, a proven address
 * links its subscription in any case of the address (replacing another
 * link), an address without a subscription links nothing, a user's linked
 * subscriptions are listed oldest first, a link can be changed or cleared,
 * and deleting the account unlinks the subscription without deleting it
 * (nor its outbox rows).
 * `describeSubscriptionLinks(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import { emptyTopics } from '../../src/digest/topics.js';

export interface OpenedLinkBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');

export function describeSubscriptionLinks(name: string, open: () => Promise<OpenedLinkBackend>): void {
  describe(`Subscription links conformance: ${name}`, () => {
    let opened: OpenedLinkBackend;
    let b: Backend;
    let ada: number, bob: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      ada = (await b.accounts.createUser({ username: 'ada', email: 'Ada@Example.org', passwordHash: 'h', emailVerified: true, now: NOW })).id;
      bob = (await b.accounts.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: 'h', now: NOW })).id;
    });
    afterEach(async () => {
      await opened.close();
    });

    test('a subscription is created linked or not; the link is read back as a number', async () => {
      const linked = await b.subscriptions.createSubscription({ email: 'ada@example.org', frequency: 'daily', topics: emptyTopics(), now: NOW, userId: ada });
      assert.equal(linked.userId, ada);
      const plain = await b.subscriptions.createSubscription({ email: 'carol@example.org', frequency: 'weekly', topics: emptyTopics(), now: NOW });
      assert.equal(plain.userId, null);
      assert.equal((await b.subscriptions.getSubscription(linked.id))?.userId, ada);
      assert.equal((await b.subscriptions.findByEmail('ADA@example.org'))?.userId, ada);
    });

    test('a proven address links its subscription in any case, replacing another link; no subscription, no link', async () => {
      const sub = await b.subscriptions.createSubscription({ email: 'ada@example.org', frequency: 'daily', topics: emptyTopics(), now: NOW, userId: bob });
      const later = new Date(NOW.getTime() + 60_000);
      const linked = await b.subscriptions.linkVerifiedAddress(ada, 'ADA@EXAMPLE.ORG', later);
      assert.equal(linked?.id, sub.id);
      assert.equal(linked?.userId, ada);
      assert.equal(linked?.updatedAt, later.toISOString());
      assert.equal(await b.subscriptions.linkVerifiedAddress(ada, 'nobody@example.org', later), null);
      assert.deepEqual((await b.subscriptions.subscriptionsOfUser(ada)).map((s) => s.id), [sub.id]);
      assert.deepEqual(await b.subscriptions.subscriptionsOfUser(bob), []);
    });

    test('a user\'s subscriptions are listed oldest first; a link can be changed and cleared', async () => {
      const one = await b.subscriptions.createSubscription({ email: 'one@example.org', frequency: 'daily', topics: emptyTopics(), now: NOW, userId: ada });
      const two = await b.subscriptions.createSubscription({ email: 'two@example.org', frequency: 'weekly', topics: emptyTopics(), now: NOW, userId: ada });
      assert.deepEqual((await b.subscriptions.subscriptionsOfUser(ada)).map((s) => s.email), ['one@example.org', 'two@example.org']);
      assert.equal((await b.subscriptions.updateSubscription(one.id, { userId: bob }, NOW))?.userId, bob);
      assert.equal((await b.subscriptions.updateSubscription(two.id, { userId: null }, NOW))?.userId, null);
      assert.deepEqual(await b.subscriptions.subscriptionsOfUser(ada), []);
      assert.deepEqual((await b.subscriptions.subscriptionsOfUser(bob)).map((s) => s.id), [one.id]);
    });

    test('deleting the account unlinks its subscription; the subscription and its outbox rows stay', async () => {
      const sub = await b.subscriptions.createSubscription({ email: 'ada@example.org', frequency: 'daily', topics: emptyTopics(), now: NOW, userId: ada });
      await b.subscriptions.updateSubscription(sub.id, { status: 'active', confirmedAt: NOW.toISOString() }, NOW);
      assert.equal(await b.subscriptions.enqueue('2025-06-02', 'daily', NOW), 1);
      assert.equal(await b.accounts.deleteUser(ada), true);
      const after = await b.subscriptions.getSubscription(sub.id);
      assert.equal(after?.userId, null);
      assert.equal(after?.status, 'active');
      assert.equal((await b.subscriptions.listOutbox('2025-06-02')).length, 1);
    });
  });
}
