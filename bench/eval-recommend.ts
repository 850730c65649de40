/**
 * `npm run eval:recommend`: "For you" measured offline — nDCG@10 and
 * recall@10 on held-out votes, paperboy's recommender beside
 * arxiv-sanity-lite's per-user linear SVM over TF-IDF and beside popularity
 * alone (the day's most upvoted papers).
 *
 *   npm run eval:recommend                     # test halves (what the README shows)
 *   npm run eval:recommend -- --split dev      # the halves settings were chosen on
 *   npm run eval:recommend -- --data DIR --windows 400
 *
 * Two kinds of users, built from ../shared/data/hf-daily-papers/ (read at
 * run time, never copied into the project):
 *
 *   people     real behaviour: each Hub user who submitted or co-authored at
 *              least MIN_PAPERS papers of the daily lists (the two curators
 *              who post nearly everything left out); their papers are what
 *              they "liked".
 *   simulated  upvotes drawn for 300 seeded users, each interested in the
 *              ai_keywords of a few related papers: a paper's chance of an
 *              upvote grows with the keywords it shares with the interest and
 *              with the paper's own (log) upvotes on the Hub — people vote on
 *              topics and on what everyone reads. ai_keywords are the Hub's
 *              words, not features of either model.
 *
 * Each user's likes are split in time: the first TRAIN_SHARE train, the rest
 * are held out. For each day holding a held-out like, the "For you" question
 * is asked as the site asks it: rank the papers of the last RECENT_DAYS
 * daily lists up to that day, knowing the training likes, with the papers of
 * the REFERENCE_DAYS before it as the reference corpus; the held-out likes in
 * that window are the relevant ones. Users fall in the dev or test half by a
 * hash of their name; settings were chosen on dev.
 * Non-goals: latency (the site caches each user's list).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { realDataDir, prng } from './corpus.js';
import { dataDirExists, scoreRanking, splitOf, type Split } from './eval-sets.js';
import { PAPERBOY_RECOMMENDER, recommend, TermCache, type Candidate, type RecommenderOptions } from '../src/recommend/recommender.js';
import { ARXIV_SANITY_TFIDF } from '../src/recommend/text-features.js';
import { FOR_YOU_DAYS as RECENT_DAYS } from '../src/web/community/for-you.js';
import { REFERENCE_DAYS } from '../src/recommend/user-picks.js';

/** A user needs this many liked papers to have both training and held-out likes. */
const MIN_PAPERS = 6;
/** Share of a user's likes (oldest first) the model knows. */
const TRAIN_SHARE = 0.6;
/** Curators who submit nearly every paper: their submissions are not a taste. */
const CURATORS = new Set(['akhaliq', 'taesiri']);
const SIMULATED_USERS = 300;

interface EvalPaper extends Candidate {
  day: string;
  keywords: string[];
  /** Hub users who submitted or co-authored it. */
  people: string[];
  /** Hub username → the author name they appear under. */
  authorNames: Map<string, string>;
}

interface EvalUser {
  name: string;
  likes: EvalPaper[];
}

interface Window {
  user: string;
  day: string;
  liked: EvalPaper[];
  candidates: EvalPaper[];
  reference: EvalPaper[];
  relevant: Map<string, number>;
}

interface RawItem {
  paper?: {
    id?: string; title?: string; summary?: string; upvotes?: number; ai_keywords?: string[];
    authors?: { name?: string; user?: { user?: string } }[];
  };
  submittedBy?: { name?: string } | null;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Every paper of the daily lists, on the first day it was listed. */
function loadPapers(dir: string): EvalPaper[] {
  const byId = new Map<string, EvalPaper>();
  for (const f of readdirSync(dir).filter((x) => /^\d{4}-\d{2}-\d{2}\.json$/.test(x)).sort()) {
    const day = f.slice(0, 10);
    for (const it of JSON.parse(readFileSync(join(dir, f), 'utf8')) as RawItem[]) {
      const p = it.paper;
      if (!p?.id || byId.has(p.id)) continue;
      const people = new Set<string>();
      const authorNames = new Map<string, string>();
      for (const a of p.authors ?? []) {
        if (!a.user?.user) continue;
        people.add(a.user.user);
        if (a.name) authorNames.set(a.user.user, a.name);
      }
      const sub = it.submittedBy?.name;
      if (sub && !CURATORS.has(sub)) people.add(sub);
      byId.set(p.id, {
        id: p.id, title: p.title ?? '', abstract: p.summary ?? '', authors: (p.authors ?? []).map((a) => a.name ?? '').filter(Boolean),
        upvotes: p.upvotes ?? 0, day, keywords: (p.ai_keywords ?? []).map((k) => k.toLowerCase()), people: [...people], authorNames,
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * People and their papers. A person's own name is taken off the author list
 * of their papers (the copies they see get an id of their own): "papers
 * with my name on them" would be an easy, useless answer; co-authors stay,
 * as people do follow the groups they work with.
 */
function realUsers(papers: EvalPaper[]): EvalUser[] {
  const likes = new Map<string, EvalPaper[]>();
  for (const p of papers) {
    for (const u of p.people) {
      const own = p.authorNames.get(u);
      const seen = own ? { ...p, id: `${p.id}~${u}`, authors: p.authors.filter((a) => a !== own) } : p;
      (likes.get(u) ?? likes.set(u, []).get(u)!).push(seen);
    }
  }
  return [...likes].filter(([, l]) => l.length >= MIN_PAPERS).map(([name, l]) => ({ name, likes: l }));
}

/** A user's view of a list of papers: their own papers as they see them (realUsers' copies). */
function asSeenBy(list: EvalPaper[], own: Map<string, EvalPaper>): EvalPaper[] {
  return list.map((p) => own.get(p.id) ?? p);
}

function simulatedUsers(papers: EvalPaper[], seed: number): EvalUser[] {
  const rand = prng(seed);
  const logUp = papers.map((p) => Math.log1p(p.upvotes));
  const mean = logUp.reduce((a, b) => a + b, 0) / logUp.length;
  const sd = Math.sqrt(logUp.reduce((a, b) => a + (b - mean) ** 2, 0) / logUp.length) || 1;
  const withKw = papers.filter((p) => p.keywords.length >= 3);
  const byKeyword = new Map<string, EvalPaper[]>();
  for (const p of withKw) for (const k of p.keywords) (byKeyword.get(k) ?? byKeyword.set(k, []).get(k)!).push(p);
  const users: EvalUser[] = [];
  for (let u = 0; u < SIMULATED_USERS; u++) {
    // An interest: an anchor paper's keywords and those of two papers sharing a keyword with it.
    const anchor = withKw[Math.floor(rand() * withKw.length)];
    const interest = new Set(anchor.keywords);
    for (let j = 0; j < 2; j++) {
      const k = anchor.keywords[Math.floor(rand() * anchor.keywords.length)];
      const near = byKeyword.get(k) ?? [];
      for (const kw of near[Math.floor(rand() * near.length)]?.keywords ?? []) interest.add(kw);
    }
    const likes: EvalPaper[] = [];
    papers.forEach((p, i) => {
      const overlap = p.keywords.filter((k) => interest.has(k)).length;
      // P(upvote) = sigmoid(-6 + 2.5·shared keywords + 0.8·z(log upvotes)): a paper sharing two of the
      // user's keywords is a likely vote, a very popular one a possible vote, most papers no vote.
      const z = (logUp[i] - mean) / sd;
      const pr = 1 / (1 + Math.exp(-(-6 + 2.5 * overlap + 0.8 * z)));
      if (rand() < pr) likes.push(p);
    });
    if (likes.length >= MIN_PAPERS) users.push({ name: `sim-${seed}-${u}`, likes });
  }
  return users;
}

/** The "For you" questions of a user: one per day with a held-out like. */
function windowsOf(user: EvalUser, byDay: Map<string, EvalPaper[]>, days: string[]): Window[] {
  const k = Math.max(1, Math.floor(user.likes.length * TRAIN_SHARE));
  const liked = user.likes.slice(0, k);
  const splitDay = liked[liked.length - 1].day;
  const heldOut = user.likes.slice(k).filter((p) => p.day > splitDay);
  const out: Window[] = [];
  const own = new Map(user.likes.filter((p) => p.id.includes('~')).map((p) => [p.id.slice(0, p.id.indexOf('~')), p]));
  for (const day of [...new Set(heldOut.map((p) => p.day))]) {
    const inRange = (from: string) => asSeenBy(days.filter((d) => d > from && d <= day).flatMap((d) => byDay.get(d) ?? []), own);
    // The last RECENT_DAYS days that have lists, as the site counts them (a weekend has none).
    const at = days.indexOf(day);
    const candidates = inRange(days[Math.max(0, at - RECENT_DAYS)] ?? addDays(day, -RECENT_DAYS));
    const ids = new Set(candidates.map((p) => p.id));
    const relevant = new Map(heldOut.filter((p) => ids.has(p.id)).map((p) => [p.id, 1]));
    if (relevant.size === 0) continue;
    out.push({ user: user.name, day, liked, candidates, reference: inRange(addDays(day, -REFERENCE_DAYS)), relevant });
  }
  return out;
}

interface Row { population: string; method: string; users: number; windows: number; ndcg: number; recall: number; msPerWindow: number }

type Method = (w: Window) => string[];

function evaluate(population: string, windows: Window[], methods: Record<string, Method>): Row[] {
  return Object.entries(methods).map(([method, rank]) => {
    let ndcg = 0, recall = 0;
    const t0 = performance.now();
    for (const w of windows) {
      const s = scoreRanking(rank(w), w.relevant, 10);
      ndcg += s.ndcg;
      recall += s.recall;
    }
    const n = windows.length || 1;
    return { population, method, users: new Set(windows.map((w) => w.user)).size, windows: windows.length, ndcg: ndcg / n, recall: recall / n, msPerWindow: (performance.now() - t0) / n };
  });
}

function args(): { split: Split; data: string; windows: number; sweep: boolean } {
  const a = process.argv.slice(2);
  const val = (name: string) => {
    const i = a.indexOf(name);
    return i >= 0 ? a[i + 1] : undefined;
  };
  return { split: (val('--split') as Split) ?? 'test', data: val('--data') ?? realDataDir(), windows: Number(val('--windows') ?? 600), sweep: a.includes('--sweep') };
}

function main(): void {
  const o = args();
  if (!dataDirExists(o.data)) {
    console.log(`eval:recommend: no Daily Papers data at ${o.data} (set PAPERBOY_BENCH_DATA or --data); nothing measured.`);
    return;
  }
  const papers = loadPapers(o.data);
  const byDay = new Map<string, EvalPaper[]>();
  for (const p of papers) (byDay.get(p.day) ?? byDay.set(p.day, []).get(p.day)!).push(p);
  const days = [...byDay.keys()].sort();
  const cache = new TermCache(100_000);
  const model = (opts: RecommenderOptions): Method => (w) => recommend({ liked: w.liked, candidates: w.candidates, reference: w.reference }, opts, cache).map((r) => r.id);
  const sanity = { tfidf: ARXIV_SANITY_TFIDF, svmC: 0.1, popularityWeight: 0, popularityAffinity: 0, svmMaxIter: 10_000, svmTol: 1e-6 };
  const methods: Record<string, Method> = {
    'popularity (most upvoted)': (w) => [...w.candidates].sort((a, b) => b.upvotes - a.upvotes || (a.id < b.id ? -1 : 1)).map((p) => p.id),
    'linear SVM per user (arxiv-sanity-lite)': model(sanity),
    'paperboy': model(PAPERBOY_RECOMMENDER),
  };
  if (o.sweep) {
    // The settings PAPERBOY_RECOMMENDER's why-comments quote (dev half): features, solver, popularity.
    const solver = { svmMaxIter: 200, svmTol: 1e-3 };
    methods['SVM, solved to 1e-3'] = model({ ...sanity, ...solver });
    methods['paperboy without popularity'] = model({ ...PAPERBOY_RECOMMENDER, popularityWeight: 0, popularityAffinity: 0 });
    methods['paperboy, authors as whole names'] = model({ ...PAPERBOY_RECOMMENDER, tfidf: { ...PAPERBOY_RECOMMENDER.tfidf, authorTerms: true } });
    methods['paperboy, min_df 2, no cap'] = model({ ...PAPERBOY_RECOMMENDER, tfidf: { ...PAPERBOY_RECOMMENDER.tfidf, minDf: 2, maxFeatures: 0 } });
    methods['paperboy, affinity 2'] = model({ ...PAPERBOY_RECOMMENDER, popularityAffinity: 2 });
    methods['paperboy, fixed popularity 1'] = model({ ...PAPERBOY_RECOMMENDER, popularityWeight: 1, popularityAffinity: 0 });
  }
  const rows: Row[] = [];
  for (const [population, users] of [['people', realUsers(papers)], ['simulated', simulatedUsers(papers, 12)]] as const) {
    const mine = users.filter((u) => splitOf(u.name) === o.split);
    let windows = mine.flatMap((u) => windowsOf(u, byDay, days));
    if (windows.length > o.windows) {
      // A fixed sample (same every run): every window would take minutes on a loaded machine.
      const rand = prng(7);
      windows = windows.map((w) => ({ w, r: rand() })).sort((a, b) => a.r - b.r).slice(0, o.windows).map((x) => x.w);
    }
    rows.push(...evaluate(population, windows, methods));
  }
  console.log(`eval:recommend — ${o.split} half, ${papers.length.toLocaleString('en-US')} papers, For you = the last ${RECENT_DAYS} daily lists, reference = ${REFERENCE_DAYS} days`);
  console.log('| users | method | users | windows | nDCG@10 | recall@10 | ms/window |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.population} | ${r.method} | ${r.users} | ${r.windows} | ${r.ndcg.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.msPerWindow.toFixed(1)} |`);
  }
}

main();
