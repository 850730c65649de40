/** The CurationStore conformance suite on a real SQLite file, through the Backend as the app opens it. */
import { openBackend } from '../../src/store/open-backend.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { describeCurationStore } from '../conformance/curation-store.js';

describeCurationStore('sqlite', async () => {
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
