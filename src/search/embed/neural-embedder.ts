/**
 * The optional neural embedder: an ONNX sentence model (all-MiniLM-L6-v2,
 * bge-small-en-v1.5, …) in a local folder, run by `@huggingface/transformers`
 * (its feature-extraction pipeline on onnxruntime-node), chosen with
 * `--embed-model PATH` / `PAPERBOY_EMBED_MODEL`.
 *
 * The folder has the library's layout: config.json, tokenizer.json (+
 * tokenizer_config.json) and onnx/model.onnx (or onnx/model_quantized.onnx),
 * as `huggingface-cli download Xenova/all-MiniLM-L6-v2` or an Optimum export
 * writes it. Nothing is ever downloaded: remote models are switched off
 * before the pipeline is made, and a missing file is an error naming it.
 * Sentence-Transformers' own files, when present, are honoured:
 * 1_Pooling/config.json picks CLS or mean pooling (bge uses CLS, MiniLM
 * mean; mean when absent) and config_sentence_transformers.json's
 * `prompts.query` / `prompts.document` prefix queries and papers (e5's
 * "query: " / "passage: "). Vectors are normalized (cosine = dot product).
 *
 * The id names the folder and hashes its files (model, tokenizer, config,
 * pooling and prompts), so a changed or swapped model is a new id and the
 * vector index rebuilds instead of mixing two spaces (vectors/vector-engine.ts).
 *
 * `@huggingface/transformers` is an optional peer dependency (≈ 475 MB with
 * onnxruntime): imported only when a model is configured, with an error
 * saying how to install it when it is absent.
 *
 * Non-goals: downloading models, GPUs, training or fine-tuning.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Embedder, EmbedKind } from './embedder.js';

/**
 * Texts per inference call. Batches pad to their longest text, so larger
 * batches waste work on padding; 16 keeps a 2-core machine busy without a
 * long wait for one call. Sane range 4–64.
 */
const BATCH = 16;

/** What the pipeline returns: a [texts, dim] tensor. */
interface Tensor {
  dims: number[];
  data: Float32Array;
}
type Extractor = (texts: string[], opts: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<Tensor>;

export class EmbedModelError extends Error {}

/** A file of the model folder that must be there. */
function need(dir: string, file: string): string {
  const p = join(dir, file);
  if (!existsSync(p)) throw new EmbedModelError(`the embedding model folder ${dir} has no ${file} (expected config.json, tokenizer.json and onnx/model.onnx, as the model's ONNX export has them)`);
  return p;
}

function readJson(p: string): Record<string, unknown> | null {
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EmbedModelError(`${p} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function hashFile(h: ReturnType<typeof createHash>, p: string): Promise<void> {
  for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
}

export class NeuralEmbedder implements Embedder {
  private constructor(
    readonly id: string,
    readonly dim: number,
    private readonly extract: Extractor,
    private readonly pooling: 'mean' | 'cls',
    private readonly prompts: Record<EmbedKind, string>,
    /** The model folder (for messages). */
    readonly dir: string,
  ) {}

  /** Loads the model in `path`; throws EmbedModelError with what to do when it cannot. */
  static async load(path: string): Promise<NeuralEmbedder> {
    const dir = resolve(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EmbedModelError(`--embed-model / PAPERBOY_EMBED_MODEL: ${dir} is not a folder`);
    const config = need(dir, 'config.json');
    const tokenizer = need(dir, 'tokenizer.json');
    const fp32 = join(dir, 'onnx', 'model.onnx');
    const q8 = join(dir, 'onnx', 'model_quantized.onnx');
    const onnx = existsSync(fp32) ? fp32 : existsSync(q8) ? q8 : need(dir, 'onnx/model.onnx');
    const poolingConfig = readJson(join(dir, '1_Pooling', 'config.json'));
    const pooling = poolingConfig?.pooling_mode_cls_token === true ? 'cls' : 'mean';
    const st = readJson(join(dir, 'config_sentence_transformers.json'));
    const p = (st?.prompts ?? {}) as Record<string, unknown>;
    const prompts = { query: typeof p.query === 'string' ? p.query : '', document: typeof p.document === 'string' ? p.document : '' };

    let lib: typeof import('@huggingface/transformers');
    try {
      lib = await import('@huggingface/transformers');
    } catch (err) {
      throw new EmbedModelError('the neural embedder needs the optional package @huggingface/transformers: run `npm install @huggingface/transformers` ' +
        `beside paperboy (set ONNXRUNTIME_NODE_INSTALL=skip with npm < 11: its install script would fetch GPU libraries) — ${err instanceof Error ? err.message : String(err)}`);
    }
    // Only this folder, never the Hub.
    lib.env.allowRemoteModels = false;
    lib.env.allowLocalModels = true;
    let extract: Extractor;
    try {
      const pipe = await lib.pipeline('feature-extraction', dir, { local_files_only: true, dtype: onnx === fp32 ? 'fp32' : 'q8' });
      extract = (texts, opts) => pipe(texts, opts) as unknown as Promise<Tensor>;
    } catch (err) {
      throw new EmbedModelError(`the embedding model in ${dir} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    const probe = await extract(['paperboy'], { pooling, normalize: true });
    const dim = probe.dims[probe.dims.length - 1];
    if (probe.dims.length !== 2 || !(dim > 0)) throw new EmbedModelError(`the model in ${dir} gives outputs of shape [${probe.dims.join(', ')}], not one vector per text`);

    const h = createHash('sha256');
    for (const f of [config, tokenizer, onnx]) await hashFile(h, f);
    h.update(JSON.stringify({ pooling, prompts }));
    const id = `onnx-${basename(dir).replace(/[^A-Za-z0-9._-]/g, '_')}-${dim}d-${h.digest('hex').slice(0, 12)}`;
    return new NeuralEmbedder(id, dim, extract, pooling, prompts, dir);
  }

  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const prefix = this.prompts[kind];
    for (let s = 0; s < texts.length; s += BATCH) {
      const batch = texts.slice(s, s + BATCH).map((t) => prefix + t);
      const t = await this.extract(batch, { pooling: this.pooling, normalize: true });
      for (let i = 0; i < batch.length; i++) out.push(Float32Array.from(t.data.subarray(i * this.dim, (i + 1) * this.dim)));
    }
    return out;
  }
}
