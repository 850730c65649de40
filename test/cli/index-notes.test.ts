/**
 * `paperboy index --notes` on a real database file: every paper's keywords
 * and TL;DR written to the notes file of the index folder (search/notes/), and
 * a second run that finds nothing left to write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerIndex } from '../../src/cli/index-command.js';
import { SqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { NotesFile, notesDir } from '../../src/search/notes/notes-file.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { topicPapers } from '../helpers/topic-papers.js';

test('index --notes writes every paper\'s notes once; run again it writes none', async () => {
  const { file, cleanup } = tempDbPath();
  try {
    const backend = new SqliteBackend(file);
    await backend.store.upsertRecords(topicPapers());
    const head = await backend.changes.head();
    await backend.close();

    const first = await runCommand(registerIndex, ['index', '--notes', '--no-progress', '--db', file]);
    assert.equal(first.exitCode, 0, first.out);
    assert.match(first.out, /extracted the keywords and TL;DRs of 20 papers into .*notes \(20 papers noted\)/);
    const notes = NotesFile.openExisting(notesDir(`${file}.idx`))!;
    assert.equal(notes.count(), 20);
    assert.equal(Number(notes.meta('cursor')), head);
    assert.ok(Number(notes.meta('built-docs')) >= 20);
    notes.close();

    const second = await runCommand(registerIndex, ['index', '--notes', '--no-progress', '--db', file]);
    assert.equal(second.exitCode, 0, second.out);
    assert.match(second.out, /of 0 papers into .*\(20 papers noted\)/);
  } finally {
    cleanup();
  }
});
