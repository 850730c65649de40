/** Highlighting: escaped text, <mark> on the words the index matched (by stem or prefix), snippets around the best match. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlightHtml, highlightPaper, snippetHtml } from '../../src/search/highlight.js';
import { tokenize, type Token } from '../../src/domain/tokenize.js';
import { escapeHtml } from '../../src/html/html.js';
import { rng } from '../helpers/prng.js';

test('marks every word with the same stem, whatever its inflection or case', () => {
  assert.equal(highlightHtml('Modeling models: a Model', ['models']),
    '<mark>Modeling</mark> <mark>models</mark>: a <mark>Model</mark>');
});

test('a prefix term marks the words whose index term starts with it', () => {
  // "diffing" is stored as "dif" (porter undoubles the f), so FTS5's diff* does not match it either.
  assert.equal(highlightHtml('Diffusion differs from diffing; dif', ['diff*']),
    '<mark>Diffusion</mark> <mark>differs</mark> from diffing; dif');
});

test('hostile titles are escaped and marks sit on the right words', () => {
  const title = `<script>alert("x")</script> & Tom's "models" <b>bold</b>`;
  assert.equal(highlightHtml(title, ['script', 'models', 'b']),
    '&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &amp; Tom&#39;s &quot;<mark>models</mark>&quot; ' +
    '&lt;<mark>b</mark>&gt;bold&lt;/<mark>b</mark>&gt;');
  assert.equal(highlightHtml(title, []), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&#39;s &quot;models&quot; &lt;b&gt;bold&lt;/b&gt;');
  // Terms that look like markup are only words to match, never output.
  assert.equal(highlightHtml('a <mark> tag', ['<mark>']), 'a &lt;<mark>mark</mark>&gt; tag');
});

test('diacritics and case fold the way the index folds them', () => {
  assert.equal(highlightHtml('Oscar Mañas and MANAS', ['manas']), 'Oscar <mark>Mañas</mark> and <mark>MANAS</mark>');
});

test('snippet: short text is returned whole, highlighted', () => {
  assert.equal(snippetHtml('We train models.', ['model']), 'We train <mark>models</mark>.');
});

test('snippet: a window around the best match, cut between words, with ellipses', () => {
  const text = 'Filler words go here. '.repeat(30) + 'We propose a diffusion model for video generation & <editing>. ' + 'Trailing text follows. '.repeat(30);
  const s = snippetHtml(text, ['diffusion', 'video'], 160);
  assert.ok(s.startsWith('…') && s.endsWith('…'), s);
  assert.match(s, /<mark>diffusion<\/mark> model for <mark>video<\/mark> generation &amp; &lt;editing&gt;\./);
  const visible = s.replace(/<\/?mark>/g, '').replace(/&[a-z]+;/g, '_');
  assert.ok(visible.length <= 160 + 2, `about maxChars long (${visible.length})`);
  // Cuts fall between words: the text after the leading ellipsis starts a word.
  assert.match(s, /^…[A-Za-z]/);
});

test('snippet: prefers the window with the most distinct terms', () => {
  const text = 'alpha alpha alpha alpha. ' + 'x '.repeat(200) + 'alpha beta gamma together. ' + 'y '.repeat(200);
  const s = snippetHtml(text, ['alpha', 'beta', 'gamma'], 80);
  assert.match(s, /<mark>alpha<\/mark> <mark>beta<\/mark> <mark>gamma<\/mark> together/);
});

test('snippet: without a match, the start of the text', () => {
  const text = 'Start of the abstract. ' + 'More words. '.repeat(50);
  const s = snippetHtml(text, ['absent'], 60);
  assert.ok(s.startsWith('Start of the abstract.') && s.endsWith('…'), s);
  assert.ok(!s.includes('<mark>'));
});

test('highlightPaper (one tokenization of the abstract) gives what highlightHtml and snippetHtml give', () => {
  const texts = [
    '', 'Models', 'Diffusion Models for <Video> & "Audio" — Müller’s naïve approach: modeling, modelled, MODELS.',
    `${'Reinforcement learning from human feedback trains reward models. '.repeat(8)}Łukasz and Mañas diffuse ideas; 3D point-clouds (v2).`,
    'Ω-nets: graph neural networks über alles, in 日本語 text and emoji 🤖 between words.',
  ];
  const termSets = [[], ['models'], ['diff*', 'reward'], ['graph', 'neural', 'network'], ['manas', 'lukasz', '3d'], ['日本語']];
  for (const title of texts) {
    for (const abstract of texts) {
      for (const terms of termSets) {
        for (const chars of [40, 280]) {
          const marked = highlightPaper(title, abstract, terms, chars);
          const got = { title: marked.title, summary: marked.summary, snippet: marked.snippet };
          assert.deepEqual(got, {
            title: highlightHtml(title, terms), summary: highlightHtml(abstract, terms), snippet: snippetHtml(abstract, terms, chars),
          }, `${JSON.stringify(title)} / ${JSON.stringify(abstract)} / ${terms.join(',')}`);
        }
      }
    }
  }
});

/** Marks made from every token of the text, each stemmed (what highlightHtml did before it stemmed only the words that can match). */
function referenceMarks(text: string, terms: string[]): string {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of terms) {
    const toks = tokenize(raw.endsWith('*') ? raw.slice(0, -1) : raw);
    toks.forEach((t, i) => (raw.endsWith('*') && i === toks.length - 1 ? prefixes.push(t.stem) : exact.add(t.stem)));
  }
  let out = '';
  let pos = 0;
  for (const t of tokenize(text)) {
    if (!exact.has(t.stem) && !prefixes.some((p) => t.stem.startsWith(p))) continue;
    out += escapeHtml(text.slice(pos, t.start)) + '<mark>' + escapeHtml(text.slice(t.start, t.end)) + '</mark>';
    pos = t.end;
  }
  return out + escapeHtml(text.slice(pos));
}

test('marks equal those made from every token stemmed (2,000 texts of inflected, accented and non-Latin words, prefixes too)', () => {
  const words = ['model', 'models', 'Modeling', 'modelled', 'relational', 'relate', 'hopping', 'hope', 'happy', 'happiness', 'sized',
    'size', 'Ægir', 'ægis', 'über', 'Über', 'naïve', 'naive', 'Łukasz', 'lukasz', 'diffusion', 'diffing', 'dif', '日本語', 'emoji🤖', '3D', 'v2',
    'generalization', 'general', 'generative', 'ies', 'sses', 'abs', 'agreed', 'feed', 'x\u0301y', '<b>', 'Tom\'s', '&'];
  const r = rng(23);
  const pick = () => words[Math.floor(r() * words.length)];
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: 1 + Math.floor(r() * 40) }, () => pick() + (r() < 0.2 ? ', ' : ' ')).join('');
    const terms = Array.from({ length: Math.floor(r() * 4) }, () => pick() + (r() < 0.25 ? '*' : '')).map((t) => (t.length > 2 || !t.endsWith('*') ? t : t.slice(0, -1)));
    assert.equal(highlightHtml(text, terms), referenceMarks(text, terms), `${terms.join(',')} / ${text}`);
    const marked = highlightPaper(text, text, terms, 280);
    assert.equal(marked.title, referenceMarks(text, terms));
    assert.equal(marked.summary, referenceMarks(text, terms));
  }
});

/** The snippet window chosen hit by hit against every other hit (the quadratic search snippetHtml replaced): the reference. */
function referenceSnippet(text: string, terms: string[], maxChars: number): string {
  const stems = new Set(terms.flatMap((t) => tokenize(t).map((x) => x.stem)));
  const tokens = tokenize(text);
  const isHit = (t: Token) => stems.has(t.stem);
  const render = (from: number, to: number) => {
    let out = '';
    let pos = from;
    for (const t of tokens) {
      if (t.start < from || t.end > to || !isHit(t)) continue;
      out += escapeHtml(text.slice(pos, t.start)) + '<mark>' + escapeHtml(text.slice(t.start, t.end)) + '</mark>';
      pos = t.end;
    }
    return out + escapeHtml(text.slice(pos, to));
  };
  const limit = Math.max(20, Math.floor(maxChars));
  if (text.length <= limit) return render(0, text.length);
  const hits = tokens.filter(isHit);
  let bestStart = 0;
  let bestScore = -1;
  for (const h of hits) {
    const start = Math.max(0, h.start - 40);
    const inside = hits.filter((x) => x.start >= start && x.end <= start + limit);
    const score = new Set(inside.map((x) => x.stem)).size * 1000 + inside.length;
    if (score > bestScore) { bestScore = score; bestStart = start; }
  }
  let start = bestStart;
  if (start > 0) start = tokens.find((t) => t.start >= start)?.start ?? start;
  let end = Math.min(text.length, start + limit);
  if (end < text.length) {
    let lastEnd = -1;
    for (const t of tokens) {
      if (t.start < start) continue;
      if (t.end > end) break;
      lastEnd = t.end;
    }
    if (lastEnd > start) end = lastEnd;
  }
  if (end === text.length && start > 0) {
    const first = tokens.find((t) => t.start >= Math.max(0, text.length - limit));
    if (first && first.start < start) start = first.start;
  }
  return (start > 0 ? '…' : '') + render(start, end).trim() + (end < text.length ? '…' : '');
}

test('snippet: the window is the one a search of every window against every match picks (30-word queries, 1,000 texts)', () => {
  const words = ('we propose a simple and effective method for training large language models to reason step by step using ' +
    'reinforcement learning from verifiable rewards on mathematical problems and code generation tasks of the').split(' ');
  const r = rng(17);
  for (let i = 0; i < 1000; i++) {
    const text = Array.from({ length: 20 + Math.floor(r() * 200) }, () => words[Math.floor(r() * words.length)] + (r() < 0.1 ? '.' : '')).join(' ');
    const terms = Array.from({ length: 1 + Math.floor(r() * 30) }, () => words[Math.floor(r() * words.length)]);
    for (const chars of [40, 280]) assert.equal(snippetHtml(text, terms, chars), referenceSnippet(text, terms, chars), `${terms.join(' ')} / ${text}`);
  }
});
