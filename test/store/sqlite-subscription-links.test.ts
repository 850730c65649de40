/** The subscription-link conformance suite on a real SQLite file, through the Backend as the app opens it. */
import { openBackend } from '../../src/store/open-backend.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { describeSubscriptionLinks } from '../conformance/subscription-links.js';

describeSubscriptionLinks('sqlite', async () => {
  const { file, cleanup } = tempDbPath();
  const backend = await openBackend(file);
  return {
    backend,
    async close() {
      await backend.close();
      cleanup();
    },
  };
});
