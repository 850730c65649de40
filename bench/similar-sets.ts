/**
 * A graded relevance set for "similar papers", built at run time from the
 * Daily Papers data (../shared/data/hf-daily-papers/, which stays outside
 * the project), for bench/eval-similar.ts.
 *
 * For a query paper q and any other paper c, the grade says how much a
 * reader of q would want c in q's "similar papers":
 *
 *   t = the ai_keywords q and c share (case-folded, spaces collapsed) that at
 *       most TOPIC_MAX_PAPERS papers carry: a shared "large language models"
 *       says little, a shared "reference policy resetting" says a lot;
 *   a = q and c share an author (names case-folded);
 *   o = q and c name the same organization.
 *
 *   grade 3  t ≥ 3, or t = 2 with a shared author (the same line of work)
 *   grade 2  t = 2, or t = 1 with a shared author
 *   grade 1  t = 1, or a shared author and the same organization (one team's
 *            follow-up work, usually on the same problem)
 *   grade 0  everything else
 *
 * The keywords are hidden from every method (the corpus is imported with
 * ai_keywords and ai_summary emptied, bench/eval-sets.ts loadDailyPapers);
 * authors and organizations are not text any method compares. The Hub data
 * carries no arXiv categories, so category overlap is not a signal here.
 *
 * Query papers: a seeded sample of the papers with at least MIN_RELEVANT
 * papers graded ≥ 1 and at least one graded ≥ 2, split in halves by a hash
 * of the id (dev: where weights were chosen; test: what is reported).
 * Non-goals: judging papers beyond these labels (a related paper without a
 * shared keyword counts as unrelated, which lowers every method alike).
 */
import type { EvalCorpus, Split } from './eval-sets.js';
import { splitOf } from './eval-sets.js';
import { prng } from './corpus.js';

/** A keyword phrase carried by more papers than this is too broad to make two papers similar. */
export const TOPIC_MAX_PAPERS = 60;
/** A query paper needs at least this many graded papers (else NDCG@20 measures one lucky hit). */
const MIN_RELEVANT = 3;

export interface SimilarQuery {
  id: string;
  split: Split;
  /** Paper id → grade 1–3. */
  relevant: Map<string, number>;
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** Graded similar-paper queries for `sample` papers (both halves together). */
export function similarSets(corpus: EvalCorpus, sample: number, seed: number): SimilarQuery[] {
  const byKeyword = new Map<string, string[]>();
  const byAuthor = new Map<string, string[]>();
  const orgOf = new Map<string, string | null>();
  const keywordsOf = new Map<string, Set<string>>();
  const authorsOf = new Map<string, Set<string>>();
  for (const r of corpus.records) {
    const id = r.paper.id;
    const kws = new Set((corpus.hidden.get(id)?.keywords ?? []).map(fold).filter((k) => k.length >= 3));
    keywordsOf.set(id, kws);
    for (const k of kws) (byKeyword.get(k) ?? byKeyword.set(k, []).get(k)!).push(id);
    const names = new Set(r.paper.authors.map((a) => fold(a.name)).filter((n) => n.length > 3));
    authorsOf.set(id, names);
    for (const n of names) (byAuthor.get(n) ?? byAuthor.set(n, []).get(n)!).push(id);
    orgOf.set(id, r.paper.organization ? fold(r.paper.organization) : null);
  }
  const gradesOf = (id: string): Map<string, number> => {
    const topical = new Map<string, number>();
    for (const k of keywordsOf.get(id)!) {
      const papers = byKeyword.get(k)!;
      if (papers.length > TOPIC_MAX_PAPERS) continue;
      for (const c of papers) if (c !== id) topical.set(c, (topical.get(c) ?? 0) + 1);
    }
    const coauthored = new Set<string>();
    for (const n of authorsOf.get(id)!) for (const c of byAuthor.get(n)!) if (c !== id) coauthored.add(c);
    const out = new Map<string, number>();
    for (const c of new Set([...topical.keys(), ...coauthored])) {
      const t = topical.get(c) ?? 0;
      const a = coauthored.has(c);
      const o = !!orgOf.get(id) && orgOf.get(id) === orgOf.get(c);
      const g = t >= 3 || (t === 2 && a) ? 3 : t === 2 || (t === 1 && a) ? 2 : t === 1 || (a && o) ? 1 : 0;
      if (g > 0) out.set(c, g);
    }
    return out;
  };
  const ids = corpus.records.map((r) => r.paper.id).sort();
  const rnd = prng(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const out: SimilarQuery[] = [];
  for (const id of ids) {
    if (out.length >= sample) break;
    const relevant = gradesOf(id);
    if (relevant.size < MIN_RELEVANT || ![...relevant.values()].some((g) => g >= 2)) continue;
    out.push({ id, split: splitOf(`similar:${id}`), relevant });
  }
  return out;
}
