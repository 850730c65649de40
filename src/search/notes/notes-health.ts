/**
 * The doctor line of the papers' notes computed ahead (`<db>.idx/notes/`,
 * notes-writer.ts), from the file's own counts: computed or not, a pass
 * finished or under way, how far behind the change feed.
 *
 * Non-goals: checking each row (a row of another text is never used), the
 * FTS5 engine (notes are computed when read there).
 */
import type { Backend, HealthCheck } from '../../store/backend.js';
import { NotesFile, notesDir } from './notes-file.js';

const n = (x: number) => x.toLocaleString('en-US');

export async function notesChecks(backend: Backend): Promise<HealthCheck[]> {
  if (!backend.indexDir) return [];
  const name = 'paper notes';
  const dir = notesDir(backend.indexDir);
  let file: NotesFile | null;
  try {
    file = NotesFile.openExisting(dir);
  } catch (err) {
    return [{ level: 'warn', name, message: `${dir}/notes.db cannot be read (${err instanceof Error ? err.message : String(err)}): delete the folder; paperboy serve or paperboy index --notes writes it again` }];
  }
  const papers = await backend.changes.size();
  const later = 'pages compute keywords and TL;DRs when they show a paper until then';
  if (!file) {
    return [{ level: papers === 0 ? 'ok' : 'warn', name, message: papers === 0 ? 'not computed yet (no papers)'
      : `keywords and TL;DRs not computed ahead yet for ${n(papers)} papers: paperboy serve computes them in the background, paperboy index --notes now; ${later}` }];
  }
  try {
    const rows = file.count();
    const built = file.meta('built-docs');
    const cursor = Number(file.meta('cursor') ?? 0);
    if (built === null) {
      return [{ level: 'warn', name, message: `a first pass stopped part-way (${n(rows)} of ${n(papers)} papers): paperboy serve or paperboy index --notes finishes it; ${later}` }];
    }
    const lag = (await backend.changes.head()) - cursor;
    const what = `${n(rows)} papers noted, keywords scored on a corpus of ${n(Number(built))}`;
    return [{ level: 'ok', name, message: lag > 0 ? `${what}; ${n(lag)} changes since, noted when serve runs` : `${what}, current with the database` }];
  } finally {
    file.close();
  }
}
