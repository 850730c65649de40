/**
 * The search service: the one search layer every caller uses (pages, the
 * JSON API, feeds), above the lexical engine(s).
 *
 * It parses the query once (domain/query-parser.ts), validates and clamps
 * the request once (limits, dates, categories, organizations resolved to
 * their stored spelling), asks the configured engine for keys, loads the
 * hits with one batched Store call, highlights them, and returns the result
 * pages and API render. Filter-only requests (no words) are a store listing.
 * `similar()` (search/similar.ts) and the extracted paper notes
 * (search/paper-notes.ts) live here once, for every engine. Hybrid ranking (a vector
 * engine fused with the lexical one) goes here too.
 *
 * Non-goals: ranking inside an engine, rendering HTML/JSON (web/).
 */
import type { PaperDetail, Store } from '../store/store.js';
import type { LexicalEngine, LexicalFilters, LexicalHit, LexicalRequest, LexicalResult } from '../store/lexical-engine.js';
import { canonicalCategory, highlightTerms, parseQuery, type ParsedQuery } from '../domain/query-parser.js';
import { isDay } from '../domain/periods.js';
import { paperHighlighter, type HighlightedPaper } from './highlight.js';
import { SEARCH_LIMIT_MAX, SEARCH_QUERY_MAX, type SearchFilters, type SearchRequest } from './search-request.js';
import { FUSION_DEPTH, hybridSearch, needsLexical } from './hybrid.js';
import type { VectorEngine } from './vectors/vector-engine.js';
import { DfCounter, SimilarCache, similarPapers } from './similar.js';
import { PaperNoter, withPaperNotes } from './paper-notes.js';

/** Exact result counts stop here ("10,000+" beyond): counting walks every match. Default 10,000; sane range 1,000–100,000. */
export const COUNT_CAP = 10_000;
/** Characters of abstract around the best match on a result card (two to three lines on a desktop card). */
export const SNIPPET_CHARS = 280;

/** "Did you mean": words shorter than this are never corrected (too many neighbours). Default 4. */
const SUGGEST_MIN_CHARS = 4;
/**
 * "Did you mean": a correction must occur in at least this many papers, so a
 * one-off typo in one paper is not offered. Default 2 (works on the 45-paper
 * demo corpus); the most frequent candidate wins.
 */
const SUGGEST_MIN_DF = 2;
/** "Did you mean": equally frequent corrections whose spelling is looked up in papers' text, at most (each costs a search and a load of 3 papers). */
const SUGGEST_SPELLING_CHECKS = 6;
/** "Did you mean": papers whose text is read per checked spelling. */
const SUGGEST_SPELLING_PAPERS = 5;

/** A lexical request for one word (as a prefix or not), unfiltered, by relevance: the checks of "did you mean". */
function oneWord(word: string, prefix: boolean, limit: number, countCap: number): LexicalRequest {
  return {
    query: { include: [{ kind: 'term', tokens: [word], prefix }], exclude: [], authors: [], categories: [], organizations: [] },
    filters: { categories: [], organizations: [] }, sort: 'relevance', limit, offset: 0, countCap,
  };
}

/**
 * Which correction of a typo to check first, and prefer when the papers do not decide: a swapped
 * pair, then a letter left out (the correction inserts it), a wrong letter, a letter too many.
 * Chosen because it puts the intended word first for the misspellings tried on the demo corpus
 * ("transfromer", "langauge", "lerning", "robustnes", "reinforcemnt"); generation order had
 * offered "robustes" and "reinforcment" (same stems, so the same counts).
 */
function editPreference(typed: string, candidate: string): number {
  if (candidate.length > typed.length) return 1;
  if (candidate.length < typed.length) return 3;
  return [...candidate].sort().join('') === [...typed].sort().join('') ? 0 : 2;
}

/** Every string one edit (delete, transpose, replace, insert; letters a–z) away from `w`. */
export function editsOf(w: string): Set<string> {
  const out = new Set<string>();
  const abc = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i <= w.length; i++) {
    const a = w.slice(0, i), b = w.slice(i);
    if (b) out.add(a + b.slice(1));
    if (b.length > 1) out.add(a + b[1] + b[0] + b.slice(2));
    for (const c of abc) {
      if (b) out.add(a + c + b.slice(1));
      out.add(a + c + b);
    }
  }
  out.delete(w);
  return out;
}

/** One hit, loaded and highlighted. */
export interface FoundPaper {
  detail: PaperDetail;
  /** BM25 score; 0 for non-relevance sorts and filter-only listings. */
  score: number;
  /** Escaped HTML, matches in <mark>. */
  highlightedTitle: string;
  /** The whole abstract, escaped, matches in <mark>. */
  highlightedSummary: string;
  /** SNIPPET_CHARS of abstract around the best match, escaped, matches in <mark> (cut when first read). */
  readonly snippet: string;
}

/**
 * A FoundPaper as load() makes it: a class whose snippet getter is on the prototype (V8 keeps an object literal with a
 * getter, and what its closure reaches, alive until a full collection: highlight.ts's PaperHighlight).
 */
class LoadedHit implements FoundPaper {
  readonly highlightedTitle: string;
  readonly highlightedSummary: string;

  constructor(readonly detail: PaperDetail, readonly score: number, private readonly marked: HighlightedPaper) {
    this.highlightedTitle = marked.title;
    this.highlightedSummary = marked.summary;
  }

  get snippet(): string {
    return this.marked.snippet;
  }
}

export interface SearchResult {
  hits: FoundPaper[];
  /** Matching papers (exact, or a lower bound when `totalIsEstimate`). */
  total: number;
  totalIsEstimate: boolean;
  /** The words highlighted (folded tokens, a prefix as "token*"). */
  highlightTerms: string[];
  /**
   * The query with each word that matches no paper replaced by a common word
   * one edit away ("difusion models" → "diffusion models"); only when the
   * request counts (the search page) and such a word exists.
   */
  suggestion?: string;
  /** The engine stopped at its time budget: these are the best hits found in it. */
  partial?: boolean;
  /**
   * Changes the search index had not applied when it answered (it is being
   * built or catching up in the background, never on a request): papers
   * changed since may be missing. Absent when current.
   */
  indexBehind?: number;
}

/**
 * Searches waiting at once in this process beyond which a new one is
 * refused (SearchBusyError → 503 with Retry-After) instead of queueing
 * behind them: a search holds the single JavaScript thread for up to its
 * budget, so a long queue only turns into timeouts. Default 32 (≈ 3 s of the
 * slowest searches); sane range 8–256.
 */
export const MAX_SEARCHES_IN_FLIGHT = 32;

/** Too many searches are running in this process; try again in a second. */
export class SearchBusyError extends Error {
  constructor() {
    super('The search is busy right now; try again in a moment.');
    this.name = 'SearchBusyError';
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

function hasWords(q: ParsedQuery): boolean {
  return q.include.length > 0 || q.authors.length > 0;
}

/**
 * Which queries get any-word answers after the every-word ones: relevance
 * order, two or more words or phrases, and no author: (a name is a filter in
 * the user's mind: "diffusion author:hinton" must not list Hinton-less papers).
 * Other sorts list every-word matches (newest-first lists of papers sharing
 * one common word would be noise).
 *
 * ANY_WORD_RULE — how any-word matching ranks, chosen by measurement on the
 * 3,857 Daily Papers of 2025 (bench/search-quality.ts: 400 title and 400
 * keyword known-item queries, MRR@10 / recall@10 / share with no result):
 *   every-word only (before):        titles 0.995 / 1.000, keywords 0.895 / 0.960, 1.3% empty
 *   plain any-word BM25:             titles 0.995 / 1.000, keywords 0.837 / 0.938, 0% empty
 *   every-word first, then any-word: titles 0.995 / 1.000, keywords 0.900 / 0.970, 0% empty
 * Plain any-word BM25 lets a paper with one rare query word outrank one with
 * all of them; filling after the every-word matches keeps those on top and
 * answers what every-word left empty (sentences, reworded queries).
 * Minimum-should-match and coordination bonuses were not tried: both need
 * scoring changes in both engines and their exactness tests.
 */
function fillsWithAnyWord(q: ParsedQuery, sort: string): boolean {
  return sort === 'relevance' && q.include.length >= 2 && q.authors.length === 0;
}

/**
 * mode=auto (the default of the site and the API): a query that at least
 * this many papers match with every word is answered lexically; one with
 * fewer (a sentence, reworded words, a typo, a rare combination) is fused
 * with its meaning (hybrid.ts).
 *
 * Why not hybrid for every query: `npm run eval:search` (test halves,
 * nDCG@10 summary / keywords / topic / demo, load ≈ 22): lexical 0.973 /
 * 0.965 / 0.152 / 0.745, hybrid 1.000 / 0.969 / 0.153 / 0.748, auto (10)
 * 1.000 / 0.968 / 0.152 / 0.748 — hybrid is not measurably better on topic
 * queries (+0.001, noise is ±0.02) and equal on known items, where the gain
 * over lexical comes from sentences every-word matching leaves short;
 * auto keeps that gain. And hybrid costs a vector search on every query:
 * through /api/papers/search at 1M generated papers its p95 was 168–751 ms
 * for 1–3 word queries (the vector scan, under load) against the 10 ms
 * target, while auto asks the vector index only when the words are weak
 * evidence — common short queries (the slowest to fuse) stay lexical.
 * 10 is a first page of the eval's depth (nDCG@10), not tuned: a query
 * whose every-word matches fill it has enough lexical evidence to rank.
 * Sane range 5–50.
 */
export const WEAK_LEXICAL_EVIDENCE = 10;

/**
 * mode=auto: a query of at least this many words or phrases probes its
 * every-word matches with a top FUSION_DEPTH search instead of a count up to
 * WEAK_LEXICAL_EVIDENCE, and hybrid ranking reuses them (one every-word
 * search instead of two; a 30-word sentence at 1M: the count alone walked
 * ≈ 1–10 ms). Shorter queries — often with ≥ 10 every-word matches, then
 * answered lexically — keep the count, which stops at the tenth match.
 * Default 8; speed only (the same pages either way).
 */
export const PROBE_TOP_CLAUSES = 8;

export class SearchService {
  private inFlight = 0;
  /** Document frequencies remembered for similar() and the notes. */
  private readonly df: DfCounter;
  /** similar()'s remembered answers (similar.ts SIMILAR_TTL_MS). */
  private readonly similarCache = new SimilarCache();
  /** Extracted keywords and TL;DRs, filled into every paper this service loads. */
  readonly notes: PaperNoter;
  private readonly store: Store;
  /** The store as given: similar() scores its candidates' text without the notes, and fills the notes of the answer only. */
  private readonly raw: Store;

  /** `vectors` may arrive later (serve opens the vector index after it listens); until then every mode answers lexically. */
  constructor(store: Store, readonly engine: LexicalEngine, public vectors: VectorEngine | null = null) {
    this.df = new DfCounter(engine);
    this.notes = new PaperNoter(this.df);
    this.raw = store;
    this.store = withPaperNotes(store, this.notes);
  }

  async search(req: SearchRequest): Promise<SearchResult> {
    if (this.inFlight >= MAX_SEARCHES_IN_FLIGHT) throw new SearchBusyError();
    this.inFlight++;
    try {
      return await this.searchNow(req);
    } finally {
      this.inFlight--;
    }
  }

  private async searchNow(req: SearchRequest): Promise<SearchResult> {
    const text = [...(req.text ?? '')].slice(0, SEARCH_QUERY_MAX).join('');
    const parsed = parseQuery(text, { prefixLast: req.prefixLast ?? true });
    const terms = highlightTerms(parsed);
    const filters = await this.filters(req.filters ?? {}, parsed);
    const limit = clampInt(req.limit, 0, SEARCH_LIMIT_MAX);
    const offset = clampInt(req.offset, 0, Number.MAX_SAFE_INTEGER);
    const sort = req.sort === 'newest' || req.sort === 'upvotes' ? req.sort : 'relevance';
    const filtered = !!filters.from || !!filters.to || filters.categories.length > 0 || filters.organizations.length > 0;

    let hits: LexicalHit[];
    let total: number;
    let totalIsEstimate = false;
    let partial = false;
    if (hasWords(parsed)) {
      const countCap = req.count === false ? 0 : COUNT_CAP;
      const mode = req.mode ?? 'lexical';
      // The lexical ranking: every-word matches, then any-word fill (ANY_WORD_RULE), or the engine's own.
      const lexicalRank = (lim: number, off: number) => fillsWithAnyWord(parsed, sort)
        ? this.allThenAny(parsed, filters, lim, off, countCap)
        : this.engine.search({ query: parsed, filters, sort, limit: lim, offset: off, countCap });
      // Hybrid and semantic rank by relevance; other sorts, exact syntax and a missing vector index answer lexically.
      const fusable = this.vectors !== null && mode !== 'lexical' && sort === 'relevance' && !needsLexical(parsed);
      // auto: the meaning is asked only when few papers have every word (WEAK_LEXICAL_EVIDENCE). A long query asks for
      // its every-word top FUSION_DEPTH at once (PROBE_TOP_CLAUSES): when fewer than that many papers match, those are
      // all of them, and hybrid ranking reuses them as its first tier instead of searching again.
      const long = parsed.include.length >= PROBE_TOP_CLAUSES;
      const probe = fusable && mode === 'auto' ? await this.engine.search({
        query: parsed, filters, sort: 'relevance', limit: long ? FUSION_DEPTH : 0, offset: 0, countCap: WEAK_LEXICAL_EVIDENCE,
      }) : null;
      const fuse = fusable && (probe === null || probe.total < WEAK_LEXICAL_EVIDENCE);
      const everyWord = long && probe && !probe.totalIsEstimate && probe.total < WEAK_LEXICAL_EVIDENCE ? probe.hits : undefined;
      const res = fuse
        ? await hybridSearch(this.engine, this.vectors!, {
          query: parsed, text: parsed.include.flatMap((c) => c.tokens).join(' '), filters, limit, offset, countCap, mode: mode === 'semantic' ? 'semantic' : 'hybrid',
          ...(everyWord ? { everyWord } : {}),
        })
        : await lexicalRank(limit, offset);
      hits = res.hits;
      total = res.total;
      totalIsEstimate = res.totalIsEstimate;
      partial = res.partial ?? false;
    } else if (filtered) {
      const listed = await this.store.browsePapers(filters, sort, limit, offset);
      hits = listed.keys.map((key) => ({ key, score: 0 }));
      total = listed.total;
    } else {
      return { hits: [], total: 0, totalIsEstimate: false, highlightTerms: terms };
    }
    const suggestion = req.count !== false && hasWords(parsed) ? await this.suggest(text, parsed) : null;
    const behind = hasWords(parsed) ? (await this.engine.lag?.()) ?? 0 : 0;
    return {
      hits: await this.load(hits, terms), total, totalIsEstimate, highlightTerms: terms,
      ...(suggestion ? { suggestion } : {}), ...(partial ? { partial } : {}), ...(behind > 0 ? { indexBehind: behind } : {}),
    };
  }

  /** The newest papers, loaded like hits (what the Hub's search answers without a query). */
  async newest(limit: number, offset = 0): Promise<SearchResult> {
    const listed = await this.store.browsePapers({ categories: [], organizations: [] }, 'newest', clampInt(limit, 0, SEARCH_LIMIT_MAX), clampInt(offset, 0, Number.MAX_SAFE_INTEGER));
    return { hits: await this.load(listed.keys.map((key) => ({ key, score: 0 })), []), total: listed.total, totalIsEstimate: false, highlightTerms: [] };
  }

  /** "Did you mean": see SearchResult.suggestion. */
  private async suggest(text: string, parsed: ParsedQuery): Promise<string | null> {
    const clauses = parsed.include.filter((c): c is Extract<typeof c, { kind: 'term' }> => c.kind === 'term' && c.tokens.length === 1
      && c.tokens[0].length >= SUGGEST_MIN_CHARS && /^[a-z]+$/.test(c.tokens[0]));
    const words = [...new Set(clauses.map((c) => c.tokens[0]))];
    if (words.length === 0) return null;
    const { df } = await this.engine.documentFrequencies(words, 1);
    // The last word of a query is matched as a prefix (prefixLast: type-ahead), so every query's last
    // word — a one-word query's only one — was never corrected. It is when it matches nothing even as
    // a prefix ("lerning"; "learn" matches "learning" and is left alone).
    const prefixMatches = async (w: string) => (await this.engine.search(oneWord(w, true, 0, 1))).total > 0;
    let out = text;
    let changed = false;
    for (const [i, w] of words.entries()) {
      if (df[i] > 0) continue;
      if (clauses.some((c) => c.prefix && c.tokens[0] === w) && await prefixMatches(w)) continue;
      const candidates = [...editsOf(w)];
      const { df: cdf } = await this.engine.documentFrequencies(candidates, SUGGEST_MIN_DF * 1000);
      const top = Math.max(0, ...cdf);
      if (top < SUGGEST_MIN_DF) continue;
      const tied = candidates.filter((_c, j) => cdf[j] === top).sort((x, y) => editPreference(w, x) - editPreference(w, y));
      const best = await this.spelledAsPapersSpellIt(tied);
      const fixed = out.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${w}(?=$|[^\\p{L}\\p{N}])`, 'iu'), (_m, pre: string) => pre + best);
      if (fixed !== out) { out = fixed; changed = true; }
    }
    return changed ? out : null;
  }

  /**
   * Of equally frequent corrections — usually one word and misspellings of it that stem alike
   * ("reinforcement", "reinforcment": both match every paper with the stem "reinforc") — the one
   * the papers themselves write most often, looked up in the text of a few papers each matches;
   * among equals, the first of `tied` (ordered by editPreference).
   */
  private async spelledAsPapersSpellIt(tied: string[]): Promise<string> {
    if (tied.length === 1) return tied[0];
    let best = tied[0], bestSeen = -1;
    for (const c of tied.slice(0, SUGGEST_SPELLING_CHECKS)) {
      const { hits } = await this.engine.search(oneWord(c, false, SUGGEST_SPELLING_PAPERS, 0));
      const word = new RegExp(`(^|[^\\p{L}\\p{N}])${c}(?=$|[^\\p{L}\\p{N}])`, 'giu');
      let seen = 0;
      for (const d of (await this.store.getPaperDetailsByKeys(hits.map((h) => h.key))).values()) {
        seen += (`${d.paper.title} ${d.paper.abstract}`.match(word) ?? []).length;
      }
      if (seen > bestSeen) { best = c; bestSeen = seen; }
    }
    return best;
  }

  /**
   * Every-word matches first (BM25 among them), then papers matching only
   * some of the words (BM25 among those), so a query that repeats no
   * paper's exact words still gets ranked answers and a paper with all the
   * words is never below one with a few. See ANY_WORD_RULE for the choice.
   */
  private async allThenAny(query: ParsedQuery, filters: LexicalFilters, limit: number, offset: number, countCap: number): Promise<LexicalResult> {
    const end = offset + limit;
    // Every-word matches up to the page end, counted exactly when that is cheap (the pages after them need the number).
    const all = await this.engine.search({ query, filters, sort: 'relevance', limit: end, offset: 0, countCap: Math.max(countCap, end + 1) });
    const allTotal = all.total;
    let hits = all.hits.slice(offset, end);
    if (hits.length < limit && !all.totalIsEstimate) {
      // The page runs past the every-word matches: fill it from the any-word ranking, skipping those.
      const seen = new Set(all.hits.map((h) => h.key));
      const anyOffset = Math.max(0, offset - allTotal);
      const any = await this.engine.search({ query, mode: 'any', filters, sort: 'relevance', limit: allTotal + anyOffset + (limit - hits.length), offset: 0, countCap: 0 });
      hits = hits.concat(any.hits.filter((h) => !seen.has(h.key)).slice(anyOffset, anyOffset + limit - hits.length));
    }
    const partial = all.partial;
    if (countCap === 0) return { hits, total: Math.max(allTotal, offset + hits.length), totalIsEstimate: true, partial };
    // Every-word matches alone reach the count cap: the any-word count could only say "more" (and costs a walk of every posting).
    if (all.totalIsEstimate || allTotal >= countCap) return { hits, total: allTotal, totalIsEstimate: true, partial };
    const estimate = await this.estimateAny(query, filters, countCap);
    if (estimate !== null) return { hits, total: Math.max(estimate, allTotal, hits.length ? offset + hits.length : 0), totalIsEstimate: true, partial };
    const counted = await this.engine.search({ query, mode: 'any', filters, sort: 'relevance', limit: 0, offset: 0, countCap });
    return { hits, total: Math.max(counted.total, allTotal), totalIsEstimate: counted.totalIsEstimate, partial: partial || counted.partial };
  }

  /**
   * "About N papers" for an any-word query of plain words without filters:
   * N·(1 − Π(1 − dfᵢ/N)), the union size if the words occurred independently,
   * from the engine's document frequencies (dictionary lookups) instead of a
   * walk over every posting of every word (the exact count of "protein
   * structure prediction" at 1M papers touches ~200k postings). Null when
   * the query has phrases, prefixes, exclusions or filters: those are counted.
   */
  private async estimateAny(query: ParsedQuery, filters: LexicalFilters, cap: number): Promise<number | null> {
    const plain = query.include.every((c) => c.kind === 'term' && !c.prefix && c.tokens.length === 1);
    const filtered = !!filters.from || !!filters.to || filters.categories.length > 0 || filters.organizations.length > 0;
    if (!plain || filtered || query.exclude.length > 0) return null;
    const { docs, df } = await this.engine.documentFrequencies(query.include.map((c) => c.tokens[0]), cap);
    if (docs === 0) return 0;
    const missing = df.reduce((p, d) => p * (1 - Math.min(d, docs) / docs), 1);
    return Math.min(cap, Math.round(docs * (1 - missing)));
  }

  /** Papers like `paperId`, best first (search/similar.ts: TF-IDF cosine, with the vector index's cosine when there is one). */
  async similar(paperId: string, limit: number): Promise<PaperDetail[]> {
    const n = clampInt(limit, 0, 100);
    const found = await similarPapers({ store: this.raw, engine: this.engine, vectors: this.vectors, df: this.df, cache: this.similarCache }, paperId, n);
    await this.notes.fill(found.map((d) => d.paper));
    return found;
  }

  /** `store` with extracted keywords and TL;DRs filled into the papers it reads (search/paper-notes.ts). */
  withNotes(store: Store): Store {
    return withPaperNotes(store, this.notes);
  }

  /** Request filters and the query's category:/org: filters, all of which must hold; bad dates are dropped. */
  private async filters(f: SearchFilters, q: ParsedQuery): Promise<LexicalFilters> {
    const cats = [...(f.category ? [f.category] : []), ...q.categories].map((c) => c.trim()).filter(Boolean);
    const orgs = [...(f.organization ? [f.organization] : []), ...q.organizations].map((o) => o.trim()).filter(Boolean);
    const organizations: string[] = [];
    for (const o of new Set(orgs)) organizations.push((await this.store.getOrganization(o))?.name ?? o);
    return {
      from: f.from && isDay(f.from) ? f.from : undefined,
      to: f.to && isDay(f.to) ? f.to : undefined,
      categories: [...new Set(cats.map(canonicalCategory))],
      organizations: [...new Set(organizations)],
    };
  }

  /** The hits' papers in one batched read, in hit order, highlighted; hits whose paper is gone are skipped. */
  private async load(hits: LexicalHit[], terms: string[]): Promise<FoundPaper[]> {
    const details = await this.store.getPaperDetailsByKeys(hits.map((h) => h.key));
    const highlight = paperHighlighter(terms);
    const out: FoundPaper[] = [];
    for (const h of hits) {
      const detail = details.get(h.key);
      if (!detail) continue; // the index is ahead of the store (a paper deleted mid-query): skip, never fail
      // The snippet is cut when read (the search page does; the JSON API does not).
      out.push(new LoadedHit(detail, h.score, highlight(detail.paper.title, detail.paper.abstract, SNIPPET_CHARS)));
    }
    return out;
  }
}
