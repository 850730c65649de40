/**
 * The neural embedder on a tiny ONNX sentence model the test writes in the
 * library's folder layout (test/helpers/tiny-sentence-model.ts): the real
 * @huggingface/transformers pipeline and onnxruntime-node load and run it,
 * and every vector equals the one computed by hand from the token ids.
 * Then the model's place in the index: `paperboy index --vectors
 * --embed-model` embeds with it, the manifest names it, and another model
 * (other weights in the same folder) forces a rebuild instead of mixing
 * vectors; so does going back to the built-in corpus model.
 *
 * Needs the optional package @huggingface/transformers (a devDependency, so
 * `npm ci` installs it); without it the suite skips with the reason, and
 * PAPERBOY_REQUIRE_ALL=1 turns that into a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedModelError, NeuralEmbedder } from '../../../src/search/embed/neural-embedder.js';
import { IndexedVectorEngine } from '../../../src/search/vectors/vector-engine.js';
import { readManifest } from '../../../src/search/vectors/vector-file.js';
import { SqliteBackend } from '../../../src/store/sqlite/sqlite-backend.js';
import { registerIndex } from '../../../src/cli/index-command.js';
import { paperText } from '../../../src/search/embed/embedder.js';
import { expectedVector, writeTinySentenceModel } from '../../helpers/tiny-sentence-model.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { topicPapers } from '../../helpers/topic-papers.js';
import { runCommand } from '../../helpers/run-command.js';

let available: string | null = null;
try {
  await import('@huggingface/transformers');
} catch (err) {
  available = `@huggingface/transformers is not installed (${err instanceof Error ? err.message : String(err)})`;
}
if (available && process.env.PAPERBOY_REQUIRE_ALL === '1') throw new Error(`PAPERBOY_REQUIRE_ALL=1: ${available}`);
const skip: string | false = available ? `skipped: ${available}` : false;
if (available) console.log(`# neural embedder tests ${skip}`);

/** The vocabulary of the topic papers (so the tiny model knows their words) plus a few query words. */
function corpusWords(): string[] {
  const words = new Set<string>();
  for (const r of topicPapers()) for (const w of `${r.paper.title} ${r.paper.abstract}`.toLowerCase().match(/[a-z0-9]+/g) ?? []) words.add(w);
  return [...words];
}

function close(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${what}: coordinate ${i} is ${a[i]}, by hand ${b[i]}`);
}

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-model-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a sentence model in a local folder embeds through @huggingface/transformers: mean pooling, unit length, batches, the id', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = writeTinySentenceModel(join(dir, 'tiny-minilm'), corpusWords(), { hidden: 24, seed: 3 });
    const e = await NeuralEmbedder.load(model.dir);
    assert.equal(e.dim, 24);
    assert.match(e.id, /^onnx-tiny-minilm-24d-[0-9a-f]{12}$/);
    // 40 texts: three batches, padded to their longest text, in order; unknown words become [UNK].
    const texts = topicPapers().map((r) => paperText(r.paper));
    texts.push('Diffusion, alignment & robots!', 'zyzzyva quux', '');
    const vs = await e.embed(texts, 'document');
    assert.equal(vs.length, texts.length);
    texts.forEach((t, i) => {
      close(vs[i], expectedVector(model, t), `text ${i}`);
      assert.ok(Math.abs(Math.hypot(...vs[i]) - 1) < 1e-5, `text ${i} has unit length`);
    });
    // The same folder loads to the same id; a query without prompts embeds as a document.
    const again = await NeuralEmbedder.load(model.dir);
    assert.equal(again.id, e.id);
    close((await again.embed(['graph networks'], 'query'))[0], expectedVector(model, 'graph networks'), 'query');
  } finally {
    cleanup();
  }
});

test("Sentence-Transformers' files are honoured: CLS pooling from 1_Pooling, query/document prompts; both change the id", { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = writeTinySentenceModel(dir, [...corpusWords(), 'query', 'passage', ':'], { hidden: 8 });
    const plain = await NeuralEmbedder.load(dir);
    writeFileSync(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', document: 'passage: ' } }));
    const prompted = await NeuralEmbedder.load(dir);
    assert.notEqual(prompted.id, plain.id);
    close((await prompted.embed(['robot arms'], 'query'))[0], expectedVector(model, 'query: robot arms'), 'query prompt');
    close((await prompted.embed(['robot arms'], 'document'))[0], expectedVector(model, 'passage: robot arms'), 'document prompt');

    mkdirSync(join(dir, '1_Pooling'));
    writeFileSync(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    const cls = await NeuralEmbedder.load(dir);
    assert.notEqual(cls.id, prompted.id);
    // The tiny graph's first position is [CLS]'s own row, whatever follows it.
    const row = model.embeddings.slice(model.vocab.indexOf('[CLS]') * 8, model.vocab.indexOf('[CLS]') * 8 + 8);
    const n = Math.hypot(...row);
    close((await cls.embed(['diffusion models'], 'document'))[0], row.map((x) => x / n), 'CLS pooling');
  } finally {
    cleanup();
  }
});

test('a model folder that is missing or incomplete is a clear error naming what is missing', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(NeuralEmbedder.load(join(dir, 'nowhere')), (err: Error) => err instanceof EmbedModelError && /is not a folder/.test(err.message));
    writeTinySentenceModel(dir, ['words']);
    rmSync(join(dir, 'onnx'), { recursive: true });
    await assert.rejects(NeuralEmbedder.load(dir), (err: Error) => err instanceof EmbedModelError && /has no onnx\/model\.onnx/.test(err.message));
    writeTinySentenceModel(dir, ['words']);
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a protobuf');
    await assert.rejects(NeuralEmbedder.load(dir), (err: Error) => err instanceof EmbedModelError && /could not be loaded/.test(err.message));
  } finally {
    cleanup();
  }
});

test('index --vectors --embed-model embeds with the neural model; other weights, or the corpus model again, force a rebuild', { skip }, async () => {
  const { file, cleanup } = tempDbPath();
  const { dir, cleanup: cleanModel } = tempDir();
  try {
    const backend = new SqliteBackend(file);
    await backend.store.upsertRecords(topicPapers());
    await backend.close();
    const modelDir = join(dir, 'sentence-model');
    const a = writeTinySentenceModel(modelDir, corpusWords(), { seed: 1 });

    const { out, exitCode } = await runCommand(registerIndex, ['index', '--vectors', '--no-progress', '--db', file, '--embed-model', modelDir]);
    assert.equal(exitCode, 0);
    assert.match(out, /embedded 20 papers into .*\(model onnx-sentence-model-16d-/);
    const vdir = `${file}.idx/vectors`;
    const first = readManifest(vdir)!;
    assert.match(first.model.id, /^onnx-sentence-model-16d-/);
    assert.equal(first.model.dim, 16);
    assert.equal(first.modelFile, null, 'an external model keeps no model file in the index');
    assert.equal(first.papers, 20);

    // Reopened with the same model: used as is, and its vectors are the model's.
    const again = new SqliteBackend(file);
    const same = await IndexedVectorEngine.open(again.changes, again.indexDir, { embedder: await NeuralEmbedder.load(modelDir) });
    assert.equal(readManifest(vdir)!.generation, first.generation, 'not rebuilt');
    for await (const page of again.changes.scan()) {
      for (const p of page) {
        const want = expectedVector(a, paperText(p));
        const got = same.index.vectorOf(p.key)!;
        const cos = want.reduce((s, x, i) => s + x * got[i], 0) / Math.hypot(...got);
        assert.ok(cos > 0.99, `paper ${p.key}: stored vector is the model's (cosine ${cos})`);
      }
    }
    // The nearest paper to a paper's own text is that paper.
    const probe = topicPapers()[7].paper;
    const hits = await same.search(await same.embedQuery(paperText(probe)), 1, { categories: [], organizations: [] });
    const details = await again.store.getPaperDetailsByKeys([hits[0].key]);
    assert.equal(details.get(hits[0].key)?.paper.title, probe.title);
    await same.close();

    // Other weights in the same folder: another id, so the index is rebuilt with the new vectors.
    const b = writeTinySentenceModel(modelDir, corpusWords(), { seed: 2 });
    const other = await NeuralEmbedder.load(modelDir);
    assert.notEqual(other.id, first.model.id);
    const swapped = await IndexedVectorEngine.open(again.changes, again.indexDir, { embedder: other });
    const second = readManifest(vdir)!;
    assert.equal(second.model.id, other.id);
    assert.ok(second.generation > first.generation, 'rebuilt');
    for await (const page of again.changes.scan()) {
      for (const p of page) {
        const want = expectedVector(b, paperText(p));
        const got = swapped.index.vectorOf(p.key)!;
        const cos = want.reduce((s, x, i) => s + x * got[i], 0) / Math.hypot(...got);
        assert.ok(cos > 0.99, `paper ${p.key}: the new model's vector (cosine ${cos})`);
      }
    }
    await swapped.close();

    // Back to the built-in corpus model (no --embed-model): rebuilt into its 128 dimensions.
    const corpus = await IndexedVectorEngine.open(again.changes, again.indexDir);
    const third = readManifest(vdir)!;
    assert.match(third.model.id, /^lsa-/);
    assert.equal(third.model.dim, 128);
    assert.equal(corpus.index.size, 20);
    await corpus.close();
    await again.close();
  } finally {
    cleanup();
    cleanModel();
  }
});
