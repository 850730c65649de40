/**
 * The vector index at scale: N generated papers (bench/corpus.ts) through
 * the corpus model and the quantized-scan index, beside exact float search.
 *
 *   node --import tsx bench/vector-bench.ts [papers=1000000] [--queries 200]
 *   node --import tsx bench/vector-bench.ts --real     # cells on real text (see measureReal)
 *   npm run bench -- vectors --sizes 100000
 *   node --import tsx bench/vector-bench.ts --stored bench/out/search-1000000.db.idx/vectors [--queries 100]
 *
 * Reports: model training time (TRAIN_MAX_PAPERS papers spread over the
 * corpus, as `paperboy index --vectors` samples them), embedding papers/s,
 * ANN build time (quantizer + k-means cells + adding every paper), bytes per
 * paper (the index's typed arrays, and the heap + buffers it added), and
 * per query top-10 p50/p95 of the exact float scan and of the index at
 * several re-rank depths with its recall@10 against the exact scan. Queries are the
 * demo set's everyday sentences and titles of other generated papers.
 * Non-goals: relevance (bench/eval-search.ts), the lexical engine
 * (bench/lexical-engine-bench.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { paperRecords } from './corpus.js';
import { CorpusEmbedder, TRAIN_MAX_PAPERS } from '../src/search/embed/corpus-embedder.js';
import { paperText } from '../src/search/embed/embedder.js';
import { VectorIndex } from '../src/search/vectors/vector-index.js';
import type { BenchOptions, BenchResult } from './run.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function measure(n: number, nQueries: number, log: (s: string) => void): Promise<BenchResult> {
  const dim = 128;
  const stride = Math.max(1, Math.ceil(n / TRAIN_MAX_PAPERS));
  const sample: { title: string; abstract: string }[] = [];
  const queryTitles: string[] = [];
  let t0 = performance.now();
  let i = 0;
  for (const r of paperRecords(n)) {
    if (i % stride === 0) sample.push({ title: r.paper.title, abstract: r.paper.abstract });
    if (i % Math.max(1, Math.floor(n / nQueries)) === 7) queryTitles.push(r.paper.title);
    i++;
  }
  const genMs = performance.now() - t0;
  log(`[vectors] generated ${n} papers in ${(genMs / 1000).toFixed(1)} s (not timed below); training on ${sample.length}`);
  t0 = performance.now();
  let cpu = process.cpuUsage();
  const model = CorpusEmbedder.train(sample);
  const trainMs = performance.now() - t0;
  const trainCpuMs = process.cpuUsage(cpu).user / 1000;
  log(`[vectors] trained ${model.id} in ${(trainMs / 1000).toFixed(1)} s`);

  // Embed every paper (timed without the generator: papers are produced in batches first).
  const floats = new Float32Array(n * dim);
  let embedMs = 0;
  let embedCpuMs = 0;
  let done = 0;
  let batch: string[] = [];
  const flush = () => {
    const t = performance.now();
    const c = process.cpuUsage();
    for (const text of batch) floats.set(model.embedOne(text, 'document'), (done++) * dim);
    embedMs += performance.now() - t;
    embedCpuMs += process.cpuUsage(c).user / 1000;
    batch = [];
  };
  for (const r of paperRecords(n)) {
    batch.push(paperText(r.paper));
    if (batch.length === 10_000) {
      flush();
      if (done % 100_000 === 0) log(`[vectors] embedded ${done}`);
    }
  }
  flush();
  const vec = (j: number) => floats.subarray(j * dim, (j + 1) * dim);

  // ANN build: quantizer and cells from the same sample share, then every paper added.
  const memBefore = memory();
  t0 = performance.now();
  cpu = process.cpuUsage();
  const trainVectors: Float32Array[] = [];
  for (let j = 0; j < n; j += stride) trainVectors.push(vec(j));
  const index = VectorIndex.train(trainVectors, dim);
  const trainIvfMs = performance.now() - t0;
  for (let j = 0; j < n; j++) index.add({ key: j, publishedAt: null, categories: ['cs.LG'], organization: null }, vec(j));
  const buildMs = performance.now() - t0;
  const buildCpuMs = process.cpuUsage(cpu).user / 1000;
  const memAfter = memory();
  log(`[vectors] ANN built in ${(buildMs / 1000).toFixed(1)} s`);

  const demo = JSON.parse(readFileSync(join(ROOT, 'bench', 'demo-queries.json'), 'utf8')) as { queries: { q: string }[] };
  const texts = [...demo.queries.map((q) => q.q), ...queryTitles].slice(0, nQueries);
  const queries = texts.map((t) => model.embedOne(t, 'query')).filter((q) => q.some((x) => x !== 0));

  // Exact float scan.
  const exactMs: number[] = [];
  const exactCpu: number[] = [];
  const truth: Set<number>[] = [];
  for (const q of queries) {
    const t = performance.now();
    const c0 = process.cpuUsage();
    const top: [number, number][] = [];
    let min = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const o = j * dim;
      for (let c = 0; c < dim; c++) s += floats[o + c] * q[c];
      if (top.length < 10 || s > min) {
        top.push([s, j]);
        top.sort((a, b) => b[0] - a[0]);
        if (top.length > 10) top.pop();
        min = top[top.length - 1][0];
      }
    }
    exactMs.push(performance.now() - t);
    exactCpu.push(process.cpuUsage(c0).user / 1000);
    truth.push(new Set(top.map(([, j]) => j)));
  }
  const rows: (string | number)[][] = [['exact float scan', n, '', (pct(exactMs, 0.5)).toFixed(2), pct(exactMs, 0.95).toFixed(2),
    pct(exactCpu, 0.5).toFixed(2), pct(exactCpu, 0.95).toFixed(2), '1.000']];
  const defaultRerank = index.rerankFor(10);
  for (const r of [100, defaultRerank, defaultRerank * 3]) {
    index.rerankOverride = r;
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let found = 0;
    queries.forEach((q, qi) => {
      const t = performance.now();
      const c0 = process.cpuUsage();
      const hits = index.search(q, 10);
      cpuMs.push(process.cpuUsage(c0).user / 1000);
      ms.push(performance.now() - t);
      for (const h of hits) if (truth[qi].has(h.key)) found++;
    });
    rows.push([`PQ scan + 8-bit re-rank of ${r}${r === defaultRerank ? ' (default)' : ''}`, n, r,
      pct(ms, 0.5).toFixed(2), pct(ms, 0.95).toFixed(2), pct(cpuMs, 0.5).toFixed(2), pct(cpuMs, 0.95).toFixed(2), (found / (queries.length * 10)).toFixed(3)]);
  }
  index.rerankOverride = null;
  const embedQueryMs: number[] = texts.map((t) => { const s = performance.now(); model.embedOne(t, 'query'); return performance.now() - s; });
  return {
    title: `Vector index: ${n.toLocaleString('en-US')} generated papers, ${dim}-d corpus model, top 10`,
    columns: ['search', 'papers', 're-ranked', 'p50 ms', 'p95 ms', 'CPU p50 ms', 'CPU p95 ms', 'recall@10 vs exact'],
    rows,
    notes: [
      'CPU ms: the query\'s own CPU time (process.cpuUsage), what an idle core would take; wall ms grow with the machine\'s load.',
      `model: trained on ${sample.length.toLocaleString('en-US')} papers in ${(trainMs / 1000).toFixed(1)} s wall, ${(trainCpuMs / 1000).toFixed(1)} s CPU; ${(model.serialize().length / 1e6).toFixed(1)} MB`,
      `embedding: ${Math.round(n / (embedMs / 1000)).toLocaleString('en-US')} papers/s wall, ${Math.round(n / (embedCpuMs / 1000)).toLocaleString('en-US')} per CPU-second (one thread, generator excluded); a query embeds in p50 ${pct(embedQueryMs, 0.5).toFixed(2)} ms`,
      `ANN build: ${(buildMs / 1000).toFixed(1)} s wall, ${(buildCpuMs / 1000).toFixed(1)} s CPU (8-bit quantizer + PQ codebooks ${(trainIvfMs / 1000).toFixed(1)} s, coding every paper ${((buildMs - trainIvfMs) / 1000).toFixed(1)} s)`,
      `bytes per paper: ${index.bytesPerPaper()} in typed arrays; ${Math.round((memAfter - memBefore) / n)} measured (heap + buffers added by the index, key map included)`,
      `${queries.length} queries (${Math.min(demo.queries.length, nQueries)} demo sentences, the rest generated titles); generation ${(genMs / 1000).toFixed(0)} s not counted`,
    ],
  };
}

/**
 * The index `paperboy index` built (`--stored DIR`, e.g.
 * bench/out/search-1000000.db.idx/vectors, the api-search bench's database):
 * its vectors, dequantized from their 8-bit codes, are the float reference;
 * the exact float scan and the index's search are timed (wall and CPU) with
 * recall@10 against it. Embedding papers/s and coding papers into the index
 * are timed on 20,000 generated papers and scaled. For a corpus too large to
 * regenerate and re-embed on a loaded machine.
 */
export async function measureStored(dir: string, nQueries: number, log: (s: string) => void): Promise<BenchResult> {
  const { readManifest, decodeIndex } = await import('../src/search/vectors/vector-file.js');
  const m = readManifest(dir);
  if (!m?.modelFile) throw new Error(`${dir}: no vector index with a corpus model`);
  const model = CorpusEmbedder.deserialize(readFileSync(join(dir, m.modelFile)));
  const memBefore = memory();
  const index = decodeIndex(readFileSync(join(dir, m.vectorsFile)));
  const memAfter = memory();
  const dim = index.dim;
  const slots = [...index.entries()];
  const n = slots.length;
  log(`[vectors] ${n} papers loaded from ${dir}`);
  const floats = new Float32Array(n * dim);
  slots.forEach(({ key }, j) => floats.set(index.vectorOf(key)!, j * dim));
  const keyAt = Int32Array.from(slots, (s) => s.key);
  // Embedding and coding speed on generated papers.
  const sample = [...paperRecords(20_000)].map((r) => paperText(r.paper));
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const vs = sample.map((t) => model.embedOne(t, 'document'));
  const embedWall = performance.now() - t0, embedCpu = process.cpuUsage(c0).user / 1000;
  t0 = performance.now();
  c0 = process.cpuUsage();
  const scratch = VectorIndex.train(vs.slice(0, 10_000), dim);
  const trainWall = performance.now() - t0, trainCpu = process.cpuUsage(c0).user / 1000;
  t0 = performance.now();
  c0 = process.cpuUsage();
  vs.forEach((v, j) => scratch.add({ key: j, publishedAt: null, categories: ['cs.LG'], organization: null }, v));
  const codeWall = performance.now() - t0, codeCpu = process.cpuUsage(c0).user / 1000;

  const demo = JSON.parse(readFileSync(join(ROOT, 'bench', 'demo-queries.json'), 'utf8')) as { queries: { q: string }[] };
  const texts = [...demo.queries.map((q) => q.q), ...[...paperRecords(nQueries * 50)].filter((_, i) => i % 50 === 7).map((r) => r.paper.title)].slice(0, nQueries);
  const queries = texts.map((t) => model.embedOne(t, 'query')).filter((q) => q.some((x) => x !== 0));
  const exactMs: number[] = [], exactCpu: number[] = [];
  const truth: Set<number>[] = [];
  for (const q of queries) {
    const t = performance.now();
    const c = process.cpuUsage();
    const top: [number, number][] = [];
    let min = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const o = j * dim;
      for (let d = 0; d < dim; d++) s += floats[o + d] * q[d];
      if (top.length < 10 || s > min) {
        top.push([s, keyAt[j]]);
        top.sort((a, b) => b[0] - a[0]);
        if (top.length > 10) top.pop();
        min = top[top.length - 1][0];
      }
    }
    exactCpu.push(process.cpuUsage(c).user / 1000);
    exactMs.push(performance.now() - t);
    truth.push(new Set(top.map(([, key]) => key)));
  }
  log(`[vectors] exact scans done`);
  const rows: (string | number)[][] = [['exact float scan', n, '', pct(exactMs, 0.5).toFixed(2), pct(exactMs, 0.95).toFixed(2), pct(exactCpu, 0.5).toFixed(2), pct(exactCpu, 0.95).toFixed(2), '1.000']];
  const def = index.rerankFor(10);
  for (const r of [100, def, def * 3]) {
    index.rerankOverride = r;
    const ms: number[] = [], cpu: number[] = [];
    let found = 0;
    queries.forEach((q, qi) => {
      const t = performance.now();
      const c = process.cpuUsage();
      const hits = index.search(q, 10);
      cpu.push(process.cpuUsage(c).user / 1000);
      ms.push(performance.now() - t);
      for (const h of hits) if (truth[qi].has(h.key)) found++;
    });
    rows.push([`PQ scan + 8-bit re-rank of ${r}${r === def ? ' (default)' : ''}`, n, r, pct(ms, 0.5).toFixed(2), pct(ms, 0.95).toFixed(2),
      pct(cpu, 0.5).toFixed(2), pct(cpu, 0.95).toFixed(2), (found / (queries.length * 10)).toFixed(3)]);
  }
  index.rerankOverride = null;
  const perPaper = (ms: number) => ms / sample.length;
  return {
    title: `Vector index as built by paperboy index: ${n.toLocaleString('en-US')} papers (${m.model.id}), top 10`,
    columns: ['search', 'papers', 're-ranked', 'p50 ms', 'p95 ms', 'CPU p50 ms', 'CPU p95 ms', 'recall@10 vs exact'],
    rows,
    notes: [
      'The float reference is the stored vectors dequantized from their 8-bit codes. CPU ms: the query\'s own CPU time (process.cpuUsage), what an idle core would take; wall ms grow with the machine\'s load.',
      `embedding: ${Math.round(sample.length / (embedCpu / 1000)).toLocaleString('en-US')} papers per CPU-second (${Math.round(sample.length / (embedWall / 1000)).toLocaleString('en-US')}/s wall) on ${sample.length.toLocaleString('en-US')} generated papers`,
      `ANN build: quantizers (8-bit scale + PQ codebooks, 10,000-paper sample) ${(trainCpu / 1000).toFixed(1)} s CPU (${(trainWall / 1000).toFixed(1)} s wall); coding ${(perPaper(codeCpu) * 1000).toFixed(1)} µs CPU a paper (${(perPaper(codeWall) * 1000).toFixed(1)} µs wall) → ${(perPaper(codeCpu) * n / 1000).toFixed(0)} s CPU for ${n.toLocaleString('en-US')} papers`,
      `bytes per paper: ${index.bytesPerPaper()} in typed arrays; ${Math.round((memAfter - memBefore) / n)} measured (heap + buffers added by loading the index, key map included)`,
      `${queries.length} queries (demo sentences, then titles of generated papers)`,
    ],
  };
}

/**
 * The same index over real text (`--real`): the 5,841 Daily Papers embedded
 * by a model trained on them, queried with the eval's texts (ai_summary
 * sentences, keyword triples, topics), at several re-rank depths.
 * Generated papers are words drawn independently, with no topics; this
 * shows the index on text that has them.
 */
export async function measureReal(log: (s: string) => void): Promise<BenchResult> {
  const { loadDailyPapers, dailyPaperSets } = await import('./eval-sets.js');
  const { realDataDir } = await import('./corpus.js');
  const corpus = loadDailyPapers(realDataDir());
  const texts = corpus.records.map((r) => ({ title: r.paper.title, abstract: r.paper.abstract }));
  const model = CorpusEmbedder.train(texts);
  const vectors = texts.map((t) => model.embedOne(paperText(t), 'document'));
  const index = VectorIndex.train(vectors, model.dim);
  vectors.forEach((v, j) => index.add({ key: j, publishedAt: null, categories: [], organization: null }, v));
  const queries = dailyPaperSets(corpus, 300, 11).map((q) => model.embedOne(q.text, 'query')).filter((q) => q.some((x) => x !== 0));
  log(`[vectors] real: ${vectors.length} papers, ${queries.length} queries`);
  const truth = queries.map((q) => new Set(vectors.map((v, j) => [v.reduce((s, x, c) => s + x * q[c], 0), j] as [number, number])
    .sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, j]) => j)));
  const rows: (string | number)[][] = [];
  for (const r of [20, 50, 100, index.rerankFor(10)]) {
    index.rerankOverride = r;
    let found = 0;
    queries.forEach((q, qi) => { for (const h of index.search(q, 10)) if (truth[qi].has(h.key)) found++; });
    rows.push([`PQ scan + 8-bit re-rank of ${r}${r === index.rerankFor(10) && r !== 20 ? '' : ''}`, vectors.length, r, (found / (queries.length * 10)).toFixed(3)]);
  }
  index.rerankOverride = null;
  return {
    title: `Vector index over real text: ${vectors.length.toLocaleString('en-US')} Daily Papers, top 10`,
    columns: ['search', 'papers', 're-ranked', 'recall@10 vs exact'],
    rows,
  };
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const i = opts.args.indexOf('--sizes');
  const n = i >= 0 ? Number(opts.args[i + 1].split(',')[0]) : opts.quick ? 50_000 : 1_000_000;
  return measure(n, 200, opts.log);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./run.js');
  const args = process.argv.slice(2);
  const si = args.indexOf('--stored');
  if (si >= 0) {
    const qi2 = args.indexOf('--queries');
    process.stdout.write(formatTable(await measureStored(args[si + 1], qi2 >= 0 ? Number(args[qi2 + 1]) : 100, (s) => process.stderr.write(s + '\n'))));
    process.exit(0);
  }
  if (args.includes('--real')) {
    process.stdout.write(formatTable(await measureReal((s) => process.stderr.write(s + '\n'))));
    process.exit(0);
  }
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const qi = args.indexOf('--queries');
  const result = await measure(n, qi >= 0 ? Number(args[qi + 1]) : 200, (s) => process.stderr.write(s + '\n'));
  process.stdout.write(formatTable(result));
}
