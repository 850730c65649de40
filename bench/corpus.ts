/**
 * A deterministic synthetic corpus for benchmarks: N papers in the arXiv
 * metadata snapshot JSON Lines shape (the Kaggle shape), or the same papers
 * in memory as PaperRecords for benchmarks that skip parsing.
 *
 * Goals: realistic lengths (titles 8–15 words, abstracts 150–250 words,
 * 1–15 authors, 1–3 categories, ids and publication dates in order over the
 * years) and realistic vocabulary, repeatable from a seed. The vocabulary is
 * built at run time from the real titles and abstracts in
 * ../shared/data/hf-daily-papers when that folder exists (nothing of it is
 * written into the project); otherwise from a Zipf distribution over a
 * synthetic vocabulary. Non-goals: meaningful text, realistic duplicates or
 * version updates (import benchmarks measure first imports).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blankPaper, type PaperRecord } from '../src/domain/paper.js';

/** Bump when the generator's output changes, so cached corpora (bench/out/papers-N-vK.jsonl) are regenerated. */
export const CORPUS_VERSION = 2;

/** One line of the arXiv metadata snapshot. */
export interface SnapshotPaper {
  id: string;
  submitter: string;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: { version: string; created: string }[];
  update_date: string;
  authors_parsed: [string, string, string][];
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Vocabulary {
  /** Where the words came from: "hf-daily-papers (N files)" or "zipf (synthetic)". */
  source: string;
  /** The distinct words. */
  words: string[];
  /** A sampling table of indexes into `words`: an index drawn uniformly follows the corpus's word frequencies. */
  table: Uint32Array;
  firstNames: string[];
  lastNames: string[];
}

/** The repository root (where package.json is), from bench/ or dist/bench/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return dir;
}

/** Where real Daily Papers JSON may be found: $PAPERBOY_BENCH_DATA or ../shared/data/hf-daily-papers beside the repo. */
export function realDataDir(): string {
  return process.env.PAPERBOY_BENCH_DATA ?? join(repoRoot(), '..', 'shared', 'data', 'hf-daily-papers');
}

const WORD = /[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]/g;

interface HfItem { paper?: { title?: unknown; summary?: unknown; authors?: { name?: unknown }[] } }

function realVocabulary(dir: string): Vocabulary | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return null;
  }
  if (files.length === 0) return null;
  const table: number[] = [];
  const index = new Map<string, number>();
  const first = new Set<string>(), last = new Set<string>();
  for (const f of files) {
    let items: HfItem[];
    try {
      items = JSON.parse(readFileSync(join(dir, f), 'utf8')) as HfItem[];
    } catch {
      continue;
    }
    if (!Array.isArray(items)) continue;
    for (const it of items) {
      const text = `${typeof it.paper?.title === 'string' ? it.paper.title : ''} ${typeof it.paper?.summary === 'string' ? it.paper.summary : ''}`;
      for (const m of text.matchAll(WORD)) {
        const w = m[0].length > 1 && m[0] !== m[0].toUpperCase() ? m[0].toLowerCase() : m[0];
        let k = index.get(w);
        if (k === undefined) index.set(w, k = index.size);
        table.push(k);
      }
      for (const a of it.paper?.authors ?? []) {
        const parts = typeof a.name === 'string' ? a.name.trim().split(/\s+/) : [];
        if (parts.length < 2 || parts.some((p) => !/^\p{L}[\p{L}.'-]*$/u.test(p))) continue;
        first.add(parts[0]);
        last.add(parts[parts.length - 1]);
      }
    }
  }
  if (table.length < 1000) return null;
  return {
    source: `hf-daily-papers (${files.length} files, ${table.length.toLocaleString('en-US')} words, ${index.size.toLocaleString('en-US')} distinct)`,
    words: [...index.keys()], table: Uint32Array.from(table), firstNames: [...first], lastNames: [...last],
  };
}

/**
 * Zipf's law fallback: word of rank r has weight 1/r^s over `size` synthetic
 * words. s = 1.07 is typical of English text (sane range 0.9–1.2); 30 000
 * words is about the vocabulary of a year of ML abstracts.
 */
function zipfVocabulary(seed: number, size = 30_000, s = 1.07, tableSize = 1 << 20): Vocabulary {
  const rnd = prng(seed ^ 0x5eed);
  const syll = ['ka', 'ro', 'mi', 'ten', 'sa', 'lu', 'ver', 'no', 'di', 'pha', 'ge', 'tri', 'on', 'al', 'qui', 'mo', 'ze', 'bri', 'an', 'lex'];
  const make = (n: number) => Array.from({ length: n }, () => syll[Math.floor(rnd() * syll.length)]).join('');
  const words = new Set<string>();
  while (words.size < size) words.add(make(1 + Math.floor(rnd() * 3) + (words.size < 100 ? 0 : 1)));
  const list = [...words];
  const weights = list.map((_, r) => 1 / (r + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const table: number[] = [];
  list.forEach((_, r) => {
    const k = Math.max(1, Math.round((weights[r] / total) * tableSize));
    for (let i = 0; i < k; i++) table.push(r);
  });
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return {
    source: `zipf (synthetic, ${size} words, s=${s})`, words: list, table: Uint32Array.from(table),
    firstNames: Array.from({ length: 500 }, () => cap(make(2))), lastNames: Array.from({ length: 2000 }, () => cap(make(3))),
  };
}

let cached: Vocabulary | null = null;

/** The vocabulary (real words when the data folder exists), built once per process. */
export function loadVocabulary(seed = 1): Vocabulary {
  cached ??= realVocabulary(realDataDir()) ?? zipfVocabulary(seed);
  return cached;
}

/** Categories with rough shares of arXiv submissions (cs.LG and cs.CV lead, as on arXiv today). */
const CATEGORIES: [string, number][] = [
  ['cs.LG', 14], ['cs.CV', 12], ['cs.CL', 9], ['cs.AI', 8], ['stat.ML', 5], ['cs.RO', 3], ['cs.CR', 3], ['eess.IV', 2],
  ['math.OC', 3], ['math.PR', 2], ['math.AG', 1], ['quant-ph', 5], ['hep-th', 4], ['hep-ph', 4], ['cond-mat.mtrl-sci', 3],
  ['astro-ph.GA', 3], ['astro-ph.CO', 2], ['gr-qc', 2], ['physics.optics', 2], ['q-bio.NC', 1], ['econ.EM', 1], ['cs.IR', 2],
];
const CAT_TABLE = CATEGORIES.flatMap(([c, w]) => Array<string>(w).fill(c));
const LICENSES = [
  'http://arxiv.org/licenses/nonexclusive-distrib/1.0/', 'http://creativecommons.org/licenses/by/4.0/',
  'http://creativecommons.org/licenses/by-nc-sa/4.0/', null,
];

export interface CorpusOptions {
  seed?: number;
  vocabulary?: Vocabulary;
}

/** Months (year, month) the ids are spread over, enough to number `n` papers. */
function monthsFor(n: number): { y: number; m: number }[] {
  // Old-style ids (before 2015) have 4-digit sequence numbers; use only 5-digit months when n is large.
  const all: { y: number; m: number }[] = [];
  for (let y = 2007; y <= 2025; y++) for (let m = 1; m <= 12; m++) if (y > 2007 || m >= 4) all.push({ y, m });
  if (Math.ceil(n / all.length) <= 9999) return all;
  const recent = all.filter((x) => x.y >= 2015);
  if (Math.ceil(n / recent.length) > 99_999) throw new Error(`corpus: ${n} papers is more than the id space 2015–2025 holds`);
  return recent;
}

/** The snapshot's version date format: "Mon, 2 Apr 2007 19:18:42 GMT" (day not zero-padded). */
function snapshotDate(d: Date): string {
  return d.toUTCString().replace(/, 0(\d) /, ', $1 ');
}

/** Yields `n` synthetic papers in snapshot shape, ids ascending, dates in order. Same seed, same papers. */
export function* snapshotPapers(n: number, opts: CorpusOptions = {}): Generator<SnapshotPaper> {
  const rnd = prng(opts.seed ?? 42);
  const v = opts.vocabulary ?? loadVocabulary();
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const { words, table } = v;
  const word = () => words[table[Math.floor(rnd() * table.length)]];
  const cap = (w: string) => (w.length > 0 ? w[0].toUpperCase() + w.slice(1) : w);
  const months = monthsFor(n);
  const perMonth = Math.ceil(n / months.length);
  for (let i = 0; i < n; i++) {
    const month = months[Math.floor(i / perMonth)];
    const seq = (i % perMonth) + 1;
    const yymm = `${String(month.y % 100).padStart(2, '0')}${String(month.m).padStart(2, '0')}`;
    const id = `${yymm}.${String(seq).padStart(month.y >= 2015 ? 5 : 4, '0')}`;
    // Within a month, papers are numbered in submission order: the day grows with the sequence number.
    const day = 1 + Math.floor(((seq - 1) / perMonth) * 28);
    const created = new Date(Date.UTC(month.y, month.m - 1, day, int(0, 23), int(0, 59), int(0, 59)));
    const versions = [{ version: 'v1', created: snapshotDate(created) }];
    let updated = created;
    if (rnd() < 0.35) {
      updated = new Date(created.getTime() + int(2, 200) * 86_400_000);
      versions.push({ version: 'v2', created: snapshotDate(updated) });
    }
    // Plain loops and string concatenation: this runs ~200 times per paper (Array.from is 3× slower here).
    const nTitle = int(8, 15);
    const colonAt = rnd() < 0.25 ? int(1, 3) : -1;
    let title = cap(word());
    for (let k = 1; k < nTitle; k++) {
      title += (k - 1 === colonAt ? ': ' : ' ') + (rnd() < 0.6 ? cap(word()) : word());
    }
    let abstract = ' ';
    const target = int(150, 250);
    for (let count = 0; count < target;) {
      const len = Math.min(int(12, 30), target - count);
      abstract += ' ' + cap(word());
      for (let k = 1; k < len; k++) abstract += ' ' + word();
      abstract += '.';
      count += len;
    }
    // Authors: 1 + an exponential draw of mean 3.3, capped at 15: median 3–4 like arXiv, ~1.4% at the cap.
    const nAuthors = Math.min(15, 1 + Math.floor(-Math.log(1 - rnd()) * 3.3));
    const people = Array.from({ length: nAuthors }, () => [pick(v.lastNames), pick(v.firstNames)] as const);
    const names = people.map(([l, f]) => `${f} ${l}`);
    const authors = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
    const cats = new Set<string>([pick(CAT_TABLE)]);
    const nCats = int(1, 3);
    while (cats.size < nCats) cats.add(pick(CAT_TABLE));
    yield {
      id,
      submitter: names[0],
      authors,
      title,
      comments: rnd() < 0.55 ? `${int(4, 40)} pages, ${int(1, 12)} figures` : null,
      'journal-ref': rnd() < 0.1 ? `Phys.Rev.D ${int(50, 110)}:${int(1000, 9999)},${month.y}` : null,
      doi: rnd() < 0.15 ? `10.${int(1000, 9999)}/${word().replace(/[^A-Za-z0-9]/g, '')}.${month.y}.${int(1, 99999)}` : null,
      'report-no': rnd() < 0.03 ? `REP-${month.y}-${int(1, 999)}` : null,
      categories: [...cats].join(' '),
      license: pick(LICENSES),
      abstract: `${abstract}\n`,
      versions,
      update_date: updated.toISOString().slice(0, 10),
      authors_parsed: people.map(([l, f]) => [l, f, ''] as [string, string, string]),
    };
  }
}

/** The same synthetic papers as PaperRecords (no parsing), for store and search benchmarks. */
export function* paperRecords(n: number, opts: CorpusOptions = {}): Generator<PaperRecord> {
  for (const s of snapshotPapers(n, opts)) {
    const cats = s.categories.split(' ');
    const versions = s.versions.map((x) => ({ version: Number(x.version.slice(1)), date: new Date(x.created).toISOString() }));
    yield {
      paper: {
        ...blankPaper(s.id, 'snapshot'),
        arxivId: s.id,
        version: versions[versions.length - 1].version,
        versions,
        title: s.title,
        abstract: s.abstract.trim(),
        authors: s.authors_parsed.map(([l, f]) => ({ name: `${f} ${l}`, affiliations: [] })),
        authorCount: s.authors_parsed.length,
        categories: cats,
        primaryCategory: cats[0],
        publishedAt: versions[0].date,
        updatedAt: versions[versions.length - 1].date,
        comments: s.comments,
        journalRef: s['journal-ref'],
        doi: s.doi,
        reportNo: s['report-no'],
        license: s.license,
        submitter: s.submitter,
      },
      daily: null,
      org: null,
    };
  }
}
