/**
 * `npm run eval:notes`: the extracted keywords and TL;DR against what the
 * Hugging Face Hub's model wrote for the same papers (`ai_keywords`,
 * `ai_summary` in ../shared/data/hf-daily-papers/, which stays outside the
 * project).
 *
 *   npm run eval:notes                      # test half (what the README shows)
 *   npm run eval:notes -- --split dev       # the half the constants were chosen on
 *
 * Keywords (src/search/keywords.ts): precision (share of ours the Hub also
 * lists), recall (share of the Hub's we found) and F1, averaged over papers;
 * "exact" compares Porter stems word by word ("Reward Models" = "reward
 * model"), "overlapping" also counts one phrase inside the other ("reward
 * model" ~ "reward model training"). Beside it, a baseline: the paper's
 * single words of highest TF-IDF.
 * TL;DR (src/search/tldr.ts): ROUGE-1 F1 (Porter stems) against ai_summary,
 * beside the first sentence of the abstract (the lead baseline) and the best
 * sentence any selector could pick (the extractive ceiling).
 *
 * Document frequencies come from the corpus itself (title + abstract of every
 * paper, the AI fields hidden), as the lexical engine counts them.
 * Non-goals: speed; judging keywords the Hub did not write (a good keyword
 * it lacks counts as wrong here, which lowers every method alike).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { tokenize } from '../src/domain/tokenize.js';
import { extractKeywords, KEYWORDS_MAX, type CorpusStats } from '../src/search/keywords.js';
import { extractTldr, sentences } from '../src/search/tldr.js';
import { realDataDir } from './corpus.js';
import { dataDirExists, loadDailyPapers, splitOf, type Split } from './eval-sets.js';

const stemsOf = (s: string) => tokenize(s).map((t) => t.stem);

function contains(big: string[], small: string[]): boolean {
  for (let i = 0; i + small.length <= big.length; i++) if (small.every((s, j) => big[i + j] === s)) return true;
  return false;
}

/** Precision, recall and F1 of `ours` against `theirs`, exact (stem-equal) or overlapping (one inside the other). */
export function keywordScores(ours: string[], theirs: string[], overlapping: boolean): { p: number; r: number; f: number } {
  const a = ours.map(stemsOf).filter((x) => x.length);
  const b = theirs.map(stemsOf).filter((x) => x.length);
  const same = (x: string[], y: string[]) => overlapping ? contains(x, y) || contains(y, x) : x.join(' ') === y.join(' ');
  const p = a.length ? a.filter((x) => b.some((y) => same(x, y))).length / a.length : 0;
  const r = b.length ? b.filter((y) => a.some((x) => same(x, y))).length / b.length : 0;
  return { p, r, f: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
}

/** ROUGE-1 F1 over Porter stems. */
export function rouge1(candidate: string, reference: string): number {
  const count = (s: string) => { const m = new Map<string, number>(); for (const w of stemsOf(s)) m.set(w, (m.get(w) ?? 0) + 1); return m; };
  const c = count(candidate), r = count(reference);
  let overlap = 0;
  for (const [w, n] of c) overlap += Math.min(n, r.get(w) ?? 0);
  const cn = [...c.values()].reduce((a, b) => a + b, 0), rn = [...r.values()].reduce((a, b) => a + b, 0);
  if (overlap === 0) return 0;
  const p = overlap / cn, rec = overlap / rn;
  return (2 * p * rec) / (p + rec);
}

function flag(args: string[], name: string, def: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
}

async function main(args: string[]): Promise<void> {
  const split = flag(args, '--split', 'test') as Split;
  const dir = flag(args, '--data', realDataDir());
  if (!dataDirExists(dir)) {
    process.stdout.write(`no Daily Papers data at ${dir} (pass --data DIR): nothing to evaluate\n`);
    return;
  }
  const started = performance.now();
  const corpus = loadDailyPapers(dir);
  const df = new Map<string, number>();
  for (const r of corpus.records) for (const s of new Set(stemsOf(`${r.paper.title}\n${r.paper.abstract}`))) df.set(s, (df.get(s) ?? 0) + 1);
  const stats: CorpusStats = { docs: corpus.records.length, df };
  const idf = (s: string) => Math.log((stats.docs + 1) / ((df.get(s) ?? 0) + 1));

  const kw = { ours: [0, 0, 0, 0, 0, 0], base: [0, 0, 0, 0, 0, 0], n: 0, count: 0 };
  const tl = { ours: 0, lead: 0, ceiling: 0, n: 0 };
  const add = (acc: number[], e: { p: number; r: number; f: number }, o: { p: number; r: number; f: number }) => {
    acc[0] += e.p; acc[1] += e.r; acc[2] += e.f; acc[3] += o.p; acc[4] += o.r; acc[5] += o.f;
  };
  for (const r of corpus.records) {
    if (splitOf(`notes:${r.paper.id}`) !== split) continue;
    const hidden = corpus.hidden.get(r.paper.id)!;
    const { title, abstract } = r.paper;
    if (hidden.keywords.length > 0) {
      const ours = extractKeywords(title, abstract, stats);
      // Baseline: the paper's single words of highest sublinear TF-IDF.
      const tf = new Map<string, { surface: string; n: number }>();
      for (const t of tokenize(`${title}\n${abstract}`)) {
        if (t.folded.length < 3 || /^\d+$/.test(t.folded)) continue;
        const e = tf.get(t.stem);
        if (e) e.n++; else tf.set(t.stem, { surface: t.folded, n: 1 });
      }
      const base = [...tf].map(([s, e]) => ({ w: e.surface, score: (1 + Math.log(e.n)) * idf(s) }))
        .sort((a, b) => b.score - a.score).slice(0, KEYWORDS_MAX).map((x) => x.w);
      add(kw.ours, keywordScores(ours, hidden.keywords, false), keywordScores(ours, hidden.keywords, true));
      add(kw.base, keywordScores(base, hidden.keywords, false), keywordScores(base, hidden.keywords, true));
      kw.n++;
      kw.count += ours.length;
    }
    if (hidden.summary) {
      const ours = extractTldr(title, abstract) ?? '';
      const all = sentences(abstract);
      tl.ours += rouge1(ours, hidden.summary);
      tl.lead += rouge1(all[0] ?? '', hidden.summary);
      tl.ceiling += Math.max(0, ...all.map((s) => rouge1(s, hidden.summary!)));
      tl.n++;
    }
  }
  const f = (x: number, n: number) => (x / Math.max(1, n)).toFixed(3);
  const row = (name: string, a: number[]) => `| ${name} | ${f(a[0], kw.n)} | ${f(a[1], kw.n)} | ${f(a[2], kw.n)} | ${f(a[3], kw.n)} | ${f(a[4], kw.n)} | ${f(a[5], kw.n)} |`;
  const out = [
    `Keywords against the Hub's ai_keywords (${kw.n} papers, ${(kw.count / Math.max(1, kw.n)).toFixed(1)} of ours each):`,
    '',
    '| method | exact P | exact R | exact F1 | overlapping P | overlapping R | overlapping F1 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('extracted keywords (keywords.ts)', kw.ours),
    row('baseline: top TF-IDF words', kw.base),
    '',
    `TL;DR against the Hub's ai_summary, ROUGE-1 F1 (${tl.n} papers):`,
    '',
    '| method | ROUGE-1 F1 |',
    '| --- | --- |',
    `| extracted TL;DR (tldr.ts) | ${f(tl.ours, tl.n)} |`,
    `| baseline: the abstract's first sentence | ${f(tl.lead, tl.n)} |`,
    `| ceiling: the best sentence of the abstract | ${f(tl.ceiling, tl.n)} |`,
    '',
    `split: ${split}; ${corpus.records.length} Daily Papers of ${dir}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
