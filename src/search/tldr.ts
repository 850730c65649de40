/**
 * A one-sentence TL;DR of a paper, chosen from its abstract (extractive: the
 * sentence as the authors wrote it), for cards of papers whose source gave
 * no summary (the Hub's `ai_summary` is written by a language model; arXiv
 * has none). Served as `ai_summary` where that is missing (docs/API.md says
 * it is extracted).
 *
 * The abstract's opening sentence is usually background ("Large language
 * models have shown…"); the sentence that says what the paper does ("we
 * propose X, a…", "This paper presents…") shares the title's words. Each
 * sentence scores by the share of the title's words it uses, a bonus for
 * a contribution cue, and a small preference for early sentences; sentences
 * too short or too long to stand alone are passed over.
 *
 * Measured against the Hub's ai_summary (ROUGE-1, bench/eval-notes.ts,
 * beside the first sentence as the baseline); the constants' comments carry
 * the figures.
 *
 * Non-goals: writing new sentences (abstractive), more than one sentence.
 */
import { tokenize, type Token } from '../domain/tokenize.js';

/**
 * Bonus for a sentence that says what the paper contributes ("we propose",
 * "this paper introduces"). ROUGE-1 F1 against the Hub's ai_summary on the
 * dev half (bench/eval-notes.ts): 0.25 → 0.392, 0.5 → 0.393, 1 → 0.390
 * (the title's words already find most such sentences). Sane range 0–1.
 */
export const CUE_BONUS = 0.5;
/**
 * Score lost per sentence of distance from the start (later sentences are
 * results and details). Dev half: 0 → 0.392, 0.03 → 0.393, 0.08 → 0.396,
 * 0.12 → 0.393; the first sentence alone scores 0.282. Sane range 0–0.12.
 */
export const POSITION_PENALTY = 0.08;
/** Sentences with fewer words than this say too little to stand alone. */
const MIN_WORDS = 8;
/** Sentences with more words than this are cut to it (with "…"), so a card stays a card. */
export const MAX_WORDS = 60;

const CUE = /\b(we|this (paper|work|study|report)|here|our (method|approach|framework|model|work))\b[^.]{0,60}?\b(propose|present|introduce|develop|design|build|describe|release|show|demonstrate|find|construct|curate)/i;

/** Abbreviations after which a period does not end a sentence. */
const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|fig|figs|eq|eqs|sec|no|approx|resp|incl|al|Dr|Mr|Ms|Prof|St)\.|\b[A-Z]\.)$/i;

/** A sentence: its span [start, end) in the text as given, and its words with whitespace runs made one space. */
interface Sentence {
  start: number;
  end: number;
  text: string;
}

/**
 * The sentences of a text: split after . ! ? followed by whitespace and an
 * upper-case letter, digit or bracket, not after an abbreviation. Spans are
 * in the text as given (a split falls on the same characters whatever the
 * whitespace), so a caller's tokens of the whole text serve each sentence.
 */
function sentenceSpans(text: string): Sentence[] {
  const out: Sentence[] = [];
  const push = (a: number, b: number) => {
    const t = text.slice(a, b).replace(/\s+/g, ' ').trim();
    if (t) out.push({ start: a, end: b, text: t });
  };
  let start = 0;
  const re = /[.!?](?=\s+["'([]?[A-Z0-9])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The abbreviation test sees the words as one space apart ("et\nal." is "et al.").
    if (ABBREVIATIONS.test(text.slice(start, m.index + 1).replace(/\s+/g, ' '))) continue;
    push(start, m.index + 1);
    start = m.index + 1;
  }
  push(start, text.length);
  return out;
}

/** The sentences of a text (whitespace runs made one space; see sentenceSpans). */
export function sentences(text: string): string[] {
  return sentenceSpans(text).map((x) => x.text);
}

const CONTENT = (w: string) => w.length > 2 && !/^\d+$/.test(w);

/**
 * The abstract's sentence that best says what the paper is (null for an
 * empty abstract); `titleTokens` / `abstractTokens`: tokenize(title) /
 * tokenize(abstract), when made already (a sentence's words are then the
 * abstract's tokens inside its span instead of a second tokenization).
 */
export function extractTldr(title: string, abstract: string, titleTokens?: Token[], abstractTokens?: Token[]): string | null {
  const all = sentenceSpans(abstract);
  if (all.length === 0) return null;
  const titleStems = new Set((titleTokens ?? tokenize(title)).map((t) => t.stem).filter(CONTENT));
  let best = -1;
  let bestScore = -Infinity;
  let at = 0;
  all.forEach((s, i) => {
    let words: Token[];
    if (abstractTokens) {
      while (at < abstractTokens.length && abstractTokens[at].start < s.start) at++;
      const from = at;
      while (at < abstractTokens.length && abstractTokens[at].end <= s.end) at++;
      words = abstractTokens.slice(from, at);
    } else words = tokenize(s.text);
    if (words.length < MIN_WORDS && all.length > 1) return;
    const stems = new Set(words.map((t) => t.stem));
    const overlap = titleStems.size ? [...titleStems].filter((x) => stems.has(x)).length / titleStems.size : 0;
    const score = overlap + (CUE.test(s.text) ? CUE_BONUS : 0) - POSITION_PENALTY * i;
    if (score > bestScore) { bestScore = score; best = i; }
  });
  const chosen = all[best < 0 ? 0 : best].text;
  const words = chosen.split(' ');
  return words.length > MAX_WORDS ? `${words.slice(0, MAX_WORDS).join(' ')}…` : chosen;
}
