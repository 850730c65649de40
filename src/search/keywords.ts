/**
 * Keywords of a paper from the corpus: its most distinctive terms and
 * phrases, for papers whose source gave none (the Hub's `ai_keywords` come
 * from a language model; arXiv and other sources have none). Shown as tags,
 * served as `ai_keywords` (docs/API.md says they are extracted).
 *
 * Candidates are the runs of words of the title and abstract between stop
 * words and punctuation ("Prolonged RL training can uncover novel reasoning
 * strategies" → "prolonged rl training", "novel reasoning strategies"), and
 * every 1–MAX_WORDS-word sequence inside a run. Each is scored by how often
 * the paper uses it (a title use counts TITLE_USES) times how rare its words
 * are in the corpus (mean idf from the lexical engine's document
 * frequencies), with a bonus per extra word: a repeated phrase of rare words
 * is what a paper is about. The best are taken greedily, skipping one that
 * is part of (or contains) a phrase already taken, or shares half its words
 * with those taken.
 *
 * Measured against the Hub's own ai_keywords (bench/eval-notes.ts); the
 * constants' comments carry the figures that chose them.
 *
 * Non-goals: part-of-speech tagging, keywords not written in the paper
 * (abstractive ones), languages other than English.
 */
import { tokenize, type Token } from '../domain/tokenize.js';

/** How many keywords a paper gets at most (the Hub's lists hold 5–12, median ≈ 9). */
export const KEYWORDS_MAX = 8;
/** Longest phrase, in words. */
export const MAX_WORDS = 4;
/**
 * A phrase's uses in the title count this many times. Exact F1 against the
 * Hub's keywords on the dev half (bench/eval-notes.ts): 1 → 0.156, 2 →
 * 0.151, 3 → 0.147 (with bonus 0.5): the title's words already repeat in the
 * abstract. Sane range 1–4.
 */
export const TITLE_USES = 1;
/**
 * Score bonus per word beyond the first (×(1 + bonus·(n − 1))): "reward
 * model" says more than "reward" and "model" apart. Exact F1 on the dev
 * half: 0.25 → 0.115, 0.5 → 0.151, 0.75 → 0.164, 1 → 0.165 (1 lowers the
 * overlapping F1 from 0.373 to 0.356: longer phrases of prose). Sane range 0.5–1.
 */
export const PHRASE_BONUS = 0.75;
/**
 * A single word must be at least this rare (idf) to be a keyword on its own:
 * common words stand only inside phrases. 2 and 3.5 score alike on the dev
 * half (0.164 / 0.163); 2 keeps topical words such as "video". Sane range 1–4.
 */
export const MIN_SINGLE_IDF = 2;

/**
 * Words that never start, end or stand as a keyword: English function words
 * and the verbs and adjectives of abstracts' prose ("we propose a novel…").
 */
const STOP = new Set(`a about above across after again against all almost along also although always am among an and another any
are around as at be became because been before being below between both but by can cannot could did do does doing done down
during each either else enough especially etc even ever every few for from further had has have having he her here hers him his
how however i if in into is it its itself just least less like made make makes making many may me might more most much must my
neither no nor not now of off often on once one only onto or other others otherwise our ours out over own per perhaps rather
same several she should since so some such than that the their theirs them then there thereby therefore these they this those
though through throughout thus to too toward towards under until up upon us use used uses using very via was we well were what
when where whether which while who whom whose why will with within without would yet you your
propose proposes proposed present presents presented introduce introduces introduced show shows shown showed demonstrate
demonstrates demonstrated achieve achieves achieved achieving improve improves improved improving outperform outperforms
outperforming enable enables enabling enabled leverage leverages leveraging allow allows allowing provide provides providing
provided develop develops developed design designed study studies studied investigate investigates explore explores explored
address addresses addressing find finds found remain remains remaining require requires required obtain obtains yields yield
new novel recent recently existing various different significant significantly substantially effective effectively efficient
efficiently key main first second third extensive comprehensive simple strong state art based approach approaches method methods
paper work results result experiments experimental extensive furthermore moreover specifically particular particularly
notably respectively despite due given including include includes across able high higher low lower large larger small better
best consistently competitive superior promising challenging challenge challenges crucial important critical wide
widely often typically generally code available publicly release released github project page https http www com et al`.split(/\s+/));

/** Document frequencies for the words of one paper: folded word → papers that contain its stem. */
export interface CorpusStats {
  docs: number;
  /** By stem. */
  df: Map<string, number>;
}

interface Candidate {
  stems: string[];
  uses: number;
  firstAt: number;
  /** Where it is written (the abstract's spelling preferred): the surface form is read from there only for keywords taken. */
  text: string;
  toks: Token[];
  inTitle: boolean;
}

/**
 * A paper's title and abstract tokenized once, for keywordWords,
 * extractKeywords and extractTldr together (paper-notes.ts): each would
 * otherwise tokenize them again (three times the abstract, three times the
 * title, per paper whose notes are extracted).
 */
export interface PaperTokens {
  title: Token[];
  abstract: Token[];
}

export function paperTokens(title: string, abstract: string): PaperTokens {
  return { title: tokenize(title), abstract: tokenize(abstract) };
}

/** What a regular expression's \s matches (ECMAScript WhiteSpace and LineTerminator). */
export function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13) || ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 ||
    ch === 0x2029 || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff;
}

/** /^\d+$/: one or more ASCII digits. */
export function allDigits(w: string): boolean {
  if (w.length === 0) return false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Token runs between stop words, numbers and punctuation (`tokens`: tokenize(text), when made already). */
function runs(text: string, tokens: Token[] = tokenize(text)): Token[][] {
  const out: Token[][] = [];
  let run: Token[] = [];
  let prevEnd = 0;
  for (const t of tokens) {
    // Punctuation other than spaces, hyphens and slashes between two words ends a phrase (/[^\s\-/]/ on the gap,
    // read in place).
    let breaks = false;
    for (let c = prevEnd; c < t.start && !breaks; c++) {
      const ch = text.charCodeAt(c);
      breaks = ch !== 45 && ch !== 47 && !isSpace(ch);
    }
    prevEnd = t.end;
    if (breaks && run.length) { out.push(run); run = []; }
    if (STOP.has(t.folded) || allDigits(t.folded) || t.folded.length < 2) {
      if (run.length) { out.push(run); run = []; }
      continue;
    }
    run.push(t);
  }
  if (run.length) out.push(run);
  return out;
}

/**
 * A phrase as written: in the title, Title-Cased words lowered ("Reward
 * Model Ensembles" → "reward model ensembles"); in the abstract, a
 * capitalised word lowered only at a sentence's start. Acronyms and
 * mixed-case names ("RL", "ProRL", "GPT") stay as written.
 */
function surfaceOf(text: string, toks: Token[], inTitle: boolean): string {
  const s = text.slice(toks[0].start, toks[toks.length - 1].end).replace(/\s+/g, ' ');
  const lowerCapitalised = (w: string) => (/^[A-Z][a-z]+$/.test(w) ? w.toLowerCase() : w);
  if (inTitle) return s.replace(/[A-Za-z]+/g, lowerCapitalised);
  const before = text.slice(0, toks[0].start).trimEnd();
  const sentenceStart = before === '' || /[.!?:]$/.test(before);
  return sentenceStart ? s.replace(/^[A-Za-z]+/, lowerCapitalised) : s;
}

/** Every candidate phrase of the paper (stems joined by a space as the key). */
export function candidatePhrases(title: string, abstract: string, tokens?: PaperTokens): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  let at = 0;
  for (const [text, weight, inTitle, toks] of [[title, TITLE_USES, true, tokens?.title], [abstract, 1, false, tokens?.abstract]] as const) {
    for (const run of runs(text, toks)) {
      for (let i = 0; i < run.length; i++) {
        let key = '';
        for (let n = 1; n <= MAX_WORDS && i + n <= run.length; n++) {
          key = n === 1 ? run[i].stem : `${key} ${run[i + n - 1].stem}`;
          const e = out.get(key);
          if (e) {
            e.uses += weight;
            // The abstract's spelling beats the title's capitals.
            if (e.inTitle && !inTitle) { e.text = text; e.toks = run.slice(i, i + n); e.inTitle = false; }
          } else {
            out.set(key, { stems: run.slice(i, i + n).map((t) => t.stem), uses: weight, firstAt: at, text, toks: run.slice(i, i + n), inTitle });
          }
          at++;
        }
      }
    }
  }
  return out;
}

/** The stems whose document frequencies extractKeywords needs, each with one folded surface form. */
export function keywordWords(title: string, abstract: string, tokens: PaperTokens = paperTokens(title, abstract)): Map<string, string> {
  const out = new Map<string, string>();
  // The title's tokens, then the abstract's: a line break between them separates as any break does.
  for (const toks of [tokens.title, tokens.abstract]) for (const t of toks) if (!STOP.has(t.folded) && !out.has(t.stem)) out.set(t.stem, t.folded);
  return out;
}

/** Up to `max` keywords of a paper, best first, as written in it. */
export function extractKeywords(title: string, abstract: string, stats: CorpusStats, max = KEYWORDS_MAX, tokens?: PaperTokens): string[] {
  const idfs = new Map<string, number>();
  const idf = (stem: string) => {
    let v = idfs.get(stem);
    if (v === undefined) idfs.set(stem, (v = Math.log((stats.docs + 1) / ((stats.df.get(stem) ?? 0) + 1))));
    return v;
  };
  const scored: { c: Candidate; score: number }[] = [];
  for (const c of candidatePhrases(title, abstract, tokens).values()) {
    let sum = 0;
    for (const st of c.stems) sum += idf(st);
    const mean = sum / c.stems.length;
    if (c.stems.length === 1 && mean < MIN_SINGLE_IDF) continue;
    // A phrase used once, outside the title, is a phrase of prose, unless its words are rare.
    const score = (1 + Math.log(c.uses)) * mean * (1 + PHRASE_BONUS * (c.stems.length - 1));
    scored.push({ c, score });
  }
  scored.sort((a, b) => b.score - a.score || a.c.firstAt - b.c.firstAt);
  const taken: Candidate[] = [];
  const contains = (big: string[], small: string[]) => {
    for (let i = 0; i + small.length <= big.length; i++) if (small.every((s, j) => big[i + j] === s)) return true;
    return false;
  };
  for (const { c } of scored) {
    if (taken.length >= max) break;
    if (taken.some((t) => contains(t.stems, c.stems) || contains(c.stems, t.stems))) continue;
    // Half its words in phrases already taken ("read long" beside "long documents"): a fragment, not a new topic.
    // Exact / overlapping F1 on the dev half: 0.164 / 0.373 without this rule, 0.167 / 0.385 with it.
    if (c.stems.length > 1 && c.stems.filter((s) => taken.some((t) => t.stems.includes(s))).length * 2 >= c.stems.length) continue;
    taken.push(c);
  }
  return taken.map((c) => surfaceOf(c.text, c.toks, c.inTitle));
}
