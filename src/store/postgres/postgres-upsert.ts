/**
 * Bulk upsert of a batch of parsed records into PostgreSQL, with SQLite's
 * merge semantics (test/conformance/store.ts decides): a record for a stored
 * paper — same id, or the same title across a local and an arXiv id — is
 * merged through domain/merge.ts; a local paper takes the arXiv id when it
 * arrives; a daily entry keeps its submitter when the new one has none;
 * outcomes are per record, in order, as if the records were written one by one.
 *
 * How (what PostgreSQL is good at): the batch's stored state is read in one
 * statement (by id or title hash), every record is merged in memory in order,
 * and the result is written with one multi-row statement per table —
 * `INSERT … SELECT FROM unnest($1::text[], …)` for new papers,
 * `UPDATE … FROM unnest(…)` for changed ones, `INSERT … ON CONFLICT DO UPDATE`
 * for daily entries and organizations — so a 1,000-record batch is about ten
 * round trips, not thousands. New papers get their keys from the papers
 * sequence in one call once their number is known.
 *
 * Why arrays and not COPY or JSON (measured on bulk imports of 100k papers,
 * bench/import-bench.ts): `COPY papers FROM STDIN` (pg-copy-streams) took
 * ~10% less server CPU for the papers but ~12% more client CPU to escape the
 * rows, and the client is the busier half; one `json_to_recordset($1)`
 * parameter cost more on both sides. What did pay: no sequential scan in the
 * lookup (below), no TOAST for a paper's row and no per-row key check on its
 * categories (migration 15), each title keyed and hashed once, the importer
 * parsing the next batch while this one is written (ingest/importer.ts).
 *
 * Non-goals: concurrency control (the caller holds PAPER_WRITE_LOCK in the
 * batch's transaction).
 */
import type pg from 'pg';
import type { Organization, Paper, PaperRecord } from '../../domain/paper.js';
import { titleHash, titleKey } from '../../domain/paper.js';
import { mergePaper, samePaper } from '../../domain/merge.js';
import type { UpsertOutcome } from '../store.js';
import { authorNames, PAPER_COLUMNS, PAPER_SELECT, rowToPaper, tsvectorSql, type DailyRow, type PaperRow } from './postgres-rows.js';

/** One paper touched by the batch: its stored state and what the batch made of it. */
interface Work {
  /** Stored key; negative placeholders for new papers until the sequence hands out keys. */
  pk: number;
  /** The id it was stored under (daily entries are read by it), null for a new paper. */
  storedId: string | null;
  paper: Paper;
  isNew: boolean;
  dirty: boolean;
  categoriesChanged: boolean;
  /** titleHash(paper.title), kept current as merges change the title. */
  hash: number;
  /** Position in the batch's list of works (stored papers by key, then new ones as met): ties between title matches go by it. */
  order: number;
}

type DailyState = Omit<DailyRow, 'paper_id'>;

function sameDaily(a: DailyState | undefined, b: DailyState): boolean {
  return !!a && a.submitted_at === b.submitted_at && a.submitter_user === b.submitter_user &&
    a.submitter_fullname === b.submitter_fullname && a.submitter_avatar === b.submitter_avatar &&
    a.upvotes === b.upvotes && a.num_comments === b.num_comments;
}

/**
 * `inlineVectors`: compute each written paper's search vector in this transaction (full-text search
 * answers, PAPERBOY_SEARCH=fts5); otherwise a new or re-texted paper's vector is left NULL for the
 * background fill (it costs ~3× the rest of a paper's write: measured, see bench/import-bench.ts).
 */
export async function upsertBatch(c: pg.PoolClient, records: PaperRecord[], inlineVectors: boolean): Promise<UpsertOutcome[]> {
  if (records.length === 0) return [];
  // Each title's key and hash once per batch: NFKD and a Unicode regex are a few µs a title, and a
  // record needs them for the lookup, the match and the write (computed six times each, they were ~4%
  // of the client's CPU in an import).
  const titles = new Map<string, { key: string; hash: number }>();
  const title = (t: string) => {
    let v = titles.get(t);
    if (!v) titles.set(t, v = { key: titleKey(t), hash: titleHash(t) });
    return v;
  };
  // 1. The stored papers the batch may touch, and their daily entries.
  const ids = [...new Set(records.map((r) => r.paper.id))];
  const hashes = [...new Set(records.filter((r) => title(r.paper.title).key).map((r) => title(r.paper.title).hash))];
  // Two statements, each an index probe per value. Not `id = ANY(…) OR title_hash = ANY(…)`, nor even
  // `title_hash = ANY(…)` alone: during a bulk import title_hash has no statistics yet (autovacuum's
  // ANALYZE lags behind), the planner takes 1,000 hashes for the whole table and scans it sequentially —
  // measured 25 ms per 1,000-record batch at 100k papers (a third of the batch's server time), growing
  // with the table. A LATERAL subquery kept apart by OFFSET 0 is looked up once per hash, by the index,
  // whatever the statistics say; `id` is unique, so the planner always probes its index.
  // No JIT in this transaction: the same missing statistics put the lookup's estimated cost over
  // jit_above_cost, and compiling it took 100 ms per batch (measured at 100k papers) for a 2 ms query.
  await c.query("SELECT set_config('jit', 'off', true)");
  const found = new Map<number, PaperRow>();
  for (const r of (await c.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM papers WHERE id = ANY($1::text[])`, [ids])).rows) found.set(r.pk, r);
  if (hashes.length) {
    const byHash = await c.query<PaperRow>(`SELECT p.* FROM unnest($1::bigint[]) AS h(v)
      CROSS JOIN LATERAL (SELECT ${PAPER_SELECT} FROM papers WHERE title_hash = h.v OFFSET 0) AS p`, [hashes]);
    for (const r of byHash.rows) found.set(r.pk, r);
  }
  const works: Work[] = [...found.values()].sort((a, b) => a.pk - b.pk)
    .map((r, i) => ({ pk: r.pk, storedId: r.id, paper: rowToPaper(r), isNew: false, dirty: false, categoriesChanged: false,
      hash: title(r.title).hash, order: i }));
  const byId = new Map(works.map((w) => [w.paper.id, w]));
  // Works by title hash (a map, not a scan of every work per record: that was quadratic in the batch).
  const byHash = new Map<number, Work[]>();
  const hashIn = (w: Work) => {
    const list = byHash.get(w.hash);
    if (list) list.push(w);
    else byHash.set(w.hash, [w]);
  };
  for (const w of works) hashIn(w);
  const dailyStored = new Map<string, DailyState>();
  const storedIds = works.map((w) => w.storedId!);
  if (storedIds.length && records.some((r) => r.daily)) {
    const rows = (await c.query<DailyRow>(`SELECT paper_id, day, submitted_at, submitter_user, submitter_fullname, submitter_avatar,
      upvotes, num_comments FROM daily_entries WHERE paper_id = ANY($1::text[])`, [storedIds])).rows;
    const workOfId = new Map(works.map((w) => [w.storedId!, w]));
    for (const r of rows) {
      const { paper_id, ...state } = r;
      dailyStored.set(`${workOfId.get(paper_id)!.pk}\u0000${r.day}`, state);
    }
  }

  // 2. Merge every record in order, in memory.
  const find = (p: Paper): Work | undefined => {
    const same = byId.get(p.id);
    if (same) return same;
    const { key, hash } = title(p.title);
    if (!key) return undefined;
    // As SQLite: an arXiv record matches a local paper of that title; a record without an arXiv id
    // matches any paper of that title, arXiv papers first.
    const candidates = (byHash.get(hash) ?? []).filter((w) => (p.arxivId ? w.paper.arxivId === null : true))
      .sort((a, b) => a.order - b.order);
    if (!p.arxivId) candidates.sort((a, b) => Number(a.paper.arxivId === null) - Number(b.paper.arxivId === null));
    return candidates.find((w) => title(w.paper.title).key === key);
  };
  const orgs = new Map<string, Organization>();
  const daily = new Map<string, { work: Work; state: DailyState }>();
  let nextPlaceholder = -1;
  const outcomes: UpsertOutcome[] = [];
  for (const rec of records) {
    if (rec.org) {
      const o = orgs.get(rec.org.name);
      orgs.set(rec.org.name, o
        ? { name: o.name, fullname: rec.org.fullname ?? o.fullname, avatarUrl: rec.org.avatarUrl ?? o.avatarUrl }
        : { ...rec.org });
    }
    let work = find(rec.paper);
    let outcome: UpsertOutcome;
    if (!work) {
      work = { pk: nextPlaceholder--, storedId: null, paper: rec.paper, isNew: true, dirty: true, categoriesChanged: true,
        hash: title(rec.paper.title).hash, order: works.length };
      works.push(work);
      hashIn(work);
      byId.set(rec.paper.id, work);
      outcome = 'added';
    } else {
      const existing = work.paper;
      const merged = mergePaper(existing, rec.paper);
      if (existing.arxivId === null && rec.paper.arxivId) merged.id = rec.paper.arxivId;
      if (samePaper(existing, merged)) {
        outcome = 'unchanged';
      } else {
        if (merged.id !== existing.id) {
          byId.delete(existing.id);
          byId.set(merged.id, work);
        }
        if (JSON.stringify(existing.categories) !== JSON.stringify(merged.categories)) work.categoriesChanged = true;
        const newHash = title(merged.title).hash;
        if (newHash !== work.hash) {
          const list = byHash.get(work.hash)!;
          list.splice(list.indexOf(work), 1);
          work.hash = newHash;
          hashIn(work);
        }
        work.paper = merged;
        work.dirty = true;
        outcome = work.isNew ? 'added' : 'updated';
      }
    }
    if (rec.daily) {
      const d = rec.daily;
      const key = `${work.pk}\u0000${d.day}`;
      const before = daily.get(key)?.state ?? dailyStored.get(key);
      const after: DailyState = {
        day: d.day,
        submitted_at: d.submittedAt ?? before?.submitted_at ?? null,
        submitter_user: d.submittedBy?.user ?? before?.submitter_user ?? null,
        submitter_fullname: d.submittedBy?.fullname ?? before?.submitter_fullname ?? null,
        submitter_avatar: d.submittedBy?.avatarUrl ?? before?.submitter_avatar ?? null,
        upvotes: d.upvotes,
        num_comments: d.numComments,
      };
      if (!sameDaily(before, after)) {
        daily.set(key, { work, state: after });
        if (outcome === 'unchanged') outcome = 'updated';
      }
    }
    outcomes.push(outcome);
  }

  // 3. Keys for the new papers, in one call.
  const fresh = works.filter((w) => w.isNew);
  if (fresh.length) {
    const keys = (await c.query<{ k: number }>("SELECT nextval('papers_pk_seq') AS k FROM generate_series(1, $1)", [fresh.length])).rows;
    fresh.forEach((w, i) => { w.pk = keys[i].k; });
  }

  // 4. One statement per table.
  if (orgs.size) {
    const list = [...orgs.values()];
    await c.query(`INSERT INTO organizations (name, fullname, avatar_url)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
      ON CONFLICT (name) DO UPDATE SET fullname = COALESCE(excluded.fullname, organizations.fullname),
        avatar_url = COALESCE(excluded.avatar_url, organizations.avatar_url)`,
    [list.map((o) => o.name), list.map((o) => o.fullname), list.map((o) => o.avatarUrl)]);
  }
  const changed = works.filter((w) => w.dirty && !w.isNew);
  if (changed.length) await writePapers(c, changed, 'update', inlineVectors);
  if (fresh.length) await writePapers(c, fresh, 'insert', inlineVectors);
  const recat = works.filter((w) => w.categoriesChanged);
  if (recat.length) {
    const old = recat.filter((w) => !w.isNew).map((w) => w.pk);
    if (old.length) await c.query('DELETE FROM paper_categories WHERE paper_pk = ANY($1::bigint[])', [old]);
    const pks: number[] = [], cats: string[] = [];
    for (const w of recat) for (const cat of new Set(w.paper.categories)) { pks.push(w.pk); cats.push(cat); }
    if (pks.length) {
      await c.query(`INSERT INTO paper_categories (paper_pk, category) SELECT * FROM unnest($1::bigint[], $2::text[])
  `, [pks, cats]);
    }
  }
  if (daily.size) {
    const rows = [...daily.values()];
    const col = <K extends keyof DailyState>(k: K) => rows.map((r) => r.state[k]);
    await c.query(`INSERT INTO daily_entries (paper_id, day, submitted_at, submitter_user, submitter_fullname, submitter_avatar,
        upvotes, num_comments)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[])
      ON CONFLICT (paper_id, day) DO UPDATE SET submitted_at = excluded.submitted_at, submitter_user = excluded.submitter_user,
        submitter_fullname = excluded.submitter_fullname, submitter_avatar = excluded.submitter_avatar,
        upvotes = excluded.upvotes, num_comments = excluded.num_comments`,
    [rows.map((r) => r.work.paper.id), col('day'), col('submitted_at'), col('submitter_user'), col('submitter_fullname'),
      col('submitter_avatar'), col('upvotes'), col('num_comments')]);
  }
  return outcomes;
}

/** Inserts or updates papers with one statement: one array per column, unnested. */
async function writePapers(c: pg.PoolClient, works: Work[], mode: 'insert' | 'update', inlineVectors: boolean): Promise<void> {
  const params: unknown[] = [works.map((w) => w.pk)];
  const casts = ['$1::bigint[]'];
  for (const [name, type, value] of PAPER_COLUMNS) {
    params.push(works.map(name === 'title_hash' ? (w) => w.hash : (w) => value(w.paper)));
    casts.push(`$${params.length}::${type}[]`);
  }
  // Author names only where the vector is computed here: otherwise they would be built, sent and parsed for nothing.
  if (inlineVectors) {
    params.push(works.map((w) => authorNames(w.paper)));
    casts.push(`$${params.length}::text[]`);
  }
  const names = PAPER_COLUMNS.map(([n]) => n);
  const source = `unnest(${casts.join(', ')}) AS v(pk, ${names.join(', ')}${inlineVectors ? ', author_names' : ''})`;
  // Without inline vectors: NULL for a new paper or changed text (the background fill computes it), kept otherwise.
  const tsv = inlineVectors ? tsvectorSql('v.title', 'v.author_names', 'v.abstract')
    : mode === 'insert' ? 'NULL::tsvector'
      : 'CASE WHEN papers.title = v.title AND papers.authors = v.authors AND papers.abstract = v.abstract THEN papers.search_tsv END';
  if (mode === 'insert') {
    await c.query(`INSERT INTO papers (pk, ${names.join(', ')}, search_tsv)
      SELECT v.pk, ${names.map((n) => 'v.' + n).join(', ')}, ${tsv} FROM ${source}`, params);
  } else {
    // Ids first is not needed: no two papers of one batch trade ids (a local paper takes an arXiv id no paper has).
    await c.query(`UPDATE papers SET ${names.map((n) => `${n} = v.${n}`).join(', ')}, search_tsv = ${tsv}
      FROM ${source} WHERE papers.pk = v.pk`, params);
  }
}
