/**
 * The OrganizationStore conformance suite: names unique without case,
 * edits, the listing with counts, members and follows once each (both go
 * with a deleted user), linking papers (and what the Store and the change
 * feed then say), and organizations the community keeps surviving the
 * deletion of the papers that named them.
 * `describeOrganizationStore(name, open)` runs it on one backend.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/store/backend.js';
import { paper, record } from '../helpers/papers.js';

export interface OpenedOrganizationBackend {
  backend: Backend;
  close(): Promise<void>;
}

const NOW = new Date('2025-06-02T12:00:00.000Z');

export function describeOrganizationStore(name: string, open: () => Promise<OpenedOrganizationBackend>): void {
  describe(`OrganizationStore conformance: ${name}`, () => {
    let opened: OpenedOrganizationBackend;
    let b: Backend;
    let ada: number, bob: number;
    beforeEach(async () => {
      opened = await open();
      b = opened.backend;
      ada = (await b.accounts.createUser({ username: 'ada', email: 'ada@example.org', passwordHash: 'h', now: NOW })).id;
      bob = (await b.accounts.createUser({ username: 'bob', email: 'bob@example.org', passwordHash: 'h', now: NOW })).id;
      await b.store.upsertRecords([
        record(paper('2506.70001', { organization: 'imported' }), { day: '2025-06-02', submittedAt: null, submittedBy: null, upvotes: 3, numComments: 0 },
          { name: 'imported', fullname: 'Imported Org', avatarUrl: null }),
        record(paper('2506.70002'), { day: '2025-06-02', submittedAt: null, submittedBy: null, upvotes: 1, numComments: 0 }),
      ]);
    });
    afterEach(async () => {
      await opened.close();
    });

    test('created once per name in any case; edited; listed by name with counts', async () => {
      assert.equal(await b.organizations.createOrganization({ name: 'OpenLab', fullname: 'Open <Lab>', avatarUrl: 'https://example.org/a.png' }), 'created');
      assert.equal(await b.organizations.createOrganization({ name: 'openlab', fullname: null, avatarUrl: null }), 'taken');
      assert.equal(await b.organizations.createOrganization({ name: 'Imported', fullname: null, avatarUrl: null }), 'taken', 'an imported organization counts');
      assert.deepEqual(await b.store.getOrganization('openlab'), { name: 'OpenLab', fullname: 'Open <Lab>', avatarUrl: 'https://example.org/a.png' });
      assert.deepEqual(await b.organizations.updateOrganization('OpenLab', { fullname: 'Open Lab', avatarUrl: null }), { name: 'OpenLab', fullname: 'Open Lab', avatarUrl: null });
      assert.equal(await b.organizations.updateOrganization('nolab', { fullname: 'x', avatarUrl: null }), null);
      await b.organizations.addMember('OpenLab', ada, NOW);
      await b.organizations.follow(bob, 'imported', NOW);
      const list = await b.organizations.listOrganizations(10, 0);
      assert.equal(list.total, 2);
      assert.deepEqual(list.items.map((o) => [o.name, o.papers, o.members, o.followers]), [['imported', 1, 0, 1], ['OpenLab', 0, 1, 0]]);
      assert.deepEqual((await b.organizations.listOrganizations(1, 1)).items.map((o) => o.name), ['OpenLab']);
    });

    test('members once each, of existing organizations only; a deleted user leaves', async () => {
      await b.organizations.createOrganization({ name: 'lab', fullname: null, avatarUrl: null });
      assert.equal(await b.organizations.addMember('lab', ada, NOW), true);
      assert.equal(await b.organizations.addMember('lab', ada, NOW), true, 'idempotent');
      assert.equal(await b.organizations.addMember('lab', bob, NOW), true);
      assert.equal(await b.organizations.addMember('nolab', ada, NOW), false);
      assert.equal(await b.organizations.addMember('lab', 999_999, NOW), false);
      assert.deepEqual((await b.organizations.members('lab')).map((m) => [m.username, m.since]), [['ada', NOW.toISOString()], ['bob', NOW.toISOString()]]);
      assert.deepEqual(await b.organizations.membershipsOf(ada), ['lab']);
      assert.equal(await b.organizations.removeMember('lab', bob), true);
      assert.equal(await b.organizations.removeMember('lab', bob), false);
      await b.accounts.deleteUser(ada);
      assert.deepEqual(await b.organizations.members('lab'), []);
    });

    test('follows once each; unfollow; a deleted user\'s follows go', async () => {
      await b.organizations.createOrganization({ name: 'lab', fullname: null, avatarUrl: null });
      assert.equal(await b.organizations.follow(ada, 'lab', NOW), true);
      assert.equal(await b.organizations.follow(ada, 'lab', NOW), true);
      assert.equal(await b.organizations.follow(ada, 'imported', NOW), true);
      assert.equal(await b.organizations.follow(ada, 'nolab', NOW), false);
      assert.deepEqual(await b.organizations.followedBy(ada), ['imported', 'lab']);
      assert.equal(await b.organizations.follows(ada, 'lab'), true);
      assert.equal(await b.organizations.follows(bob, 'lab'), false);
      assert.equal(await b.organizations.unfollow(ada, 'lab'), true);
      assert.equal(await b.organizations.unfollow(ada, 'lab'), false);
      assert.deepEqual(await b.organizations.followedBy(ada), ['imported']);
      await b.accounts.deleteUser(ada);
      assert.equal((await b.organizations.listOrganizations(10, 0)).items.find((o) => o.name === 'imported')?.followers, 0);
    });

    test('linking a paper sets its organization (the lists filter by it, the change feed records it); unlinking clears it', async () => {
      await b.organizations.createOrganization({ name: 'lab', fullname: 'The Lab', avatarUrl: null });
      const head = await b.changes.head();
      assert.equal(await b.organizations.linkPaper('2506.70002', 'lab'), 'linked');
      assert.equal(await b.organizations.linkPaper('2506.79999', 'lab'), 'no_paper');
      assert.equal(await b.organizations.linkPaper('2506.70002', 'nolab'), 'no_org');
      const d = await b.store.getPaper('2506.70002');
      assert.equal(d?.paper.organization, 'lab');
      assert.equal(d?.org?.fullname, 'The Lab');
      assert.deepEqual((await b.store.listDaily({ from: '2025-06-01', to: '2025-06-30', sort: 'upvotes', limit: 10, offset: 0, organization: 'lab' })).items.map((it) => it.paper.id), ['2506.70002']);
      assert.ok((await b.changes.head()) > head, 'the change feed saw the paper change');
      assert.equal(await b.organizations.linkPaper('2506.70002', null), 'linked');
      assert.equal((await b.store.getPaper('2506.70002'))?.paper.organization, null);
    });

    test('an organization with members or followers outlives the deletion of the papers that named it', async () => {
      await b.organizations.follow(ada, 'imported', NOW);
      await b.store.deletePapers(['2506.70001']);
      assert.ok(await b.store.getOrganization('imported'), 'kept: it has a follower');
      await b.organizations.unfollow(ada, 'imported');
      await b.store.upsertRecords([record(paper('2506.70003', { organization: 'gone' }), null, { name: 'gone', fullname: null, avatarUrl: null })]);
      await b.store.deletePapers(['2506.70003']);
      assert.equal(await b.store.getOrganization('gone'), null, 'an organization only its papers knew goes with them');
    });
  });
}
