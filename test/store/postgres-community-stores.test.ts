/**
 * The account, vote, comment, moderation, reading-list, curation,
 * organization, authorship and subscription-link conformance suites
 * on a real PostgreSQL server (test/helpers/postgres-server.ts; a fresh
 * database per test), through the Backend as the app opens it.
 */
import { openBackend } from '../../src/store/open-backend.js';
import type { Backend } from '../../src/store/backend.js';
import { describeAccountStore } from '../conformance/account-store.js';
import { describeVoteStore } from '../conformance/vote-store.js';
import { describeCommentStore } from '../conformance/comment-store.js';
import { describeModerationStore } from '../conformance/moderation-store.js';
import { describeReadingListStore } from '../conformance/reading-list-store.js';
import { describeCurationStore } from '../conformance/curation-store.js';
import { describeOrganizationStore } from '../conformance/organization-store.js';
import { describeAuthorshipStore } from '../conformance/authorship-store.js';
import { describeSubscriptionLinks } from '../conformance/subscription-links.js';
import { freshDatabase, requirePostgres } from '../helpers/postgres-server.js';

async function openFresh(): Promise<{ backend: Backend; close(): Promise<void> }> {
  const backend = await openBackend(await freshDatabase());
  return { backend, close: () => backend.close() };
}

if (requirePostgres()) {
  describeAccountStore('postgres', async () => {
    const url = await freshDatabase();
    let backend = await openBackend(url);
    return {
      accounts: backend.accounts,
      async reopen() {
        await backend.close();
        backend = await openBackend(url);
        return backend.accounts;
      },
      close: () => backend.close(),
    };
  });
  describeVoteStore('postgres', openFresh);
  describeCommentStore('postgres', openFresh);
  describeModerationStore('postgres', openFresh);
  describeReadingListStore('postgres', openFresh);
  describeCurationStore('postgres', openFresh);
  describeOrganizationStore('postgres', openFresh);
  describeAuthorshipStore('postgres', openFresh);
  describeSubscriptionLinks('postgres', openFresh);
}
