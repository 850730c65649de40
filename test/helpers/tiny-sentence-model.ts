/**
 * A tiny sentence model in the layout @huggingface/transformers loads from a
 * folder (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx), written by the tests: no model can be downloaded here.
 *
 * The graph is BERT-shaped at its edges — inputs `input_ids` and
 * `attention_mask` (int64, [batch, sequence]), output `last_hidden_state`
 * (float, [batch, sequence, hidden]) — and a bag of words inside: each
 * token's row of a seeded embedding table, times its attention mask
 * (Gather, Cast, Unsqueeze, Mul). So mean pooling plus normalization gives a
 * vector the test can compute by hand from the token ids.
 *
 * The ONNX file is protobuf written by a small encoder below (field numbers
 * from onnx.proto: ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto); the tokenizer is a WordPiece tokenizer.json as the
 * `tokenizers` library writes it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng as mulberry32 } from './prng.js';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

// ── protobuf wire format ────────────────────────────────────────────────
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint) => Buffer.from([...key(field, 0), ...varint(n)]);
function bytes(field: number, b: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...key(field, 2), ...varint(b.byteLength)]), b]);
}
const str = (field: number, s: string) => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));

const FLOAT = 1, INT64 = 7;
/** TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian). */
function tensor(name: string, dims: number[], type: number, raw: Uint8Array): Buffer {
  return Buffer.concat([...dims.map((d) => int(1, d)), int(2, type), str(8, name), bytes(9, raw)]);
}
/** ValueInfoProto with a tensor type whose dims are named (symbolic) or sized. */
function valueInfo(name: string, type: number, dims: (string | number)[]): Buffer {
  const shape = Buffer.concat(dims.map((d) => msg(1, typeof d === 'string' ? str(2, d) : int(1, d))));
  return Buffer.concat([str(1, name), msg(2, msg(1, int(1, type), msg(2, shape)))]);
}
/** NodeProto: inputs (1), outputs (2), name (3), op_type (4), attributes (5). */
function node(op: string, inputs: string[], outputs: string[], attrs: Buffer[] = []): Buffer {
  return Buffer.concat([...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_${outputs[0]}`), str(4, op), ...attrs.map((a) => msg(5, a))]);
}
/** AttributeProto of type INT (20 = 2): name (1), i (3). */
const intAttr = (name: string, i: number) => Buffer.concat([str(1, name), int(3, i), int(20, 2)]);

export interface TinySentenceModel {
  dir: string;
  vocab: string[];
  hidden: number;
  /** hidden floats per vocabulary entry, row-major. */
  embeddings: Float32Array;
}

/**
 * Writes the model folder to `dir` with these words in its vocabulary
 * (lower-case; anything else is [UNK]). `seed` picks the embedding table,
 * so two seeds make two models with other vectors.
 */
export function writeTinySentenceModel(dir: string, words: string[], opts: { hidden?: number; seed?: number } = {}): TinySentenceModel {
  const hidden = opts.hidden ?? 16;
  const vocab = [...SPECIAL, ...new Set(words.map((w) => w.toLowerCase()))];
  const rnd = mulberry32(opts.seed ?? 1);
  const embeddings = Float32Array.from({ length: vocab.length * hidden }, () => rnd() * 2 - 1);
  const axes = new BigInt64Array([2n]);

  const graph = Buffer.concat([
    msg(1, node('Gather', ['embeddings', 'input_ids'], ['token_vectors'], [intAttr('axis', 0)])),
    msg(1, node('Cast', ['attention_mask'], ['mask_float'], [intAttr('to', FLOAT)])),
    msg(1, node('Unsqueeze', ['mask_float', 'mask_axes'], ['mask_column'])),
    msg(1, node('Mul', ['token_vectors', 'mask_column'], ['last_hidden_state'])),
    str(2, 'tiny-bag-of-words'),
    msg(5, tensor('embeddings', [vocab.length, hidden], FLOAT, new Uint8Array(embeddings.buffer))),
    msg(5, tensor('mask_axes', [1], INT64, new Uint8Array(axes.buffer))),
    msg(11, valueInfo('input_ids', INT64, ['batch', 'sequence'])),
    msg(11, valueInfo('attention_mask', INT64, ['batch', 'sequence'])),
    msg(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', hidden])),
  ]);
  // ModelProto: ir_version (1), producer_name (2), graph (7), opset_import (8: domain 1, version 2).
  const model = Buffer.concat([int(1, 8), str(2, 'paperboy-test'), msg(7, graph), msg(8, str(1, ''), int(2, 13))]);

  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), model);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    model_type: 'bert', architectures: ['BertModel'], hidden_size: hidden, vocab_size: vocab.length,
    num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: hidden, max_position_embeddings: 512, type_vocab_size: 2,
  }, null, 1));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512,
    cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
  }, null, 1));
  const id = (t: string) => vocab.indexOf(t);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  }, null, 1));
  return { dir, vocab, hidden, embeddings };
}

/**
 * What the model must answer for `text` with mean pooling and normalization,
 * computed by hand: [CLS], the words (lower-cased, split on spaces and
 * punctuation; unknown → [UNK]), [SEP]; the mean of their rows; unit length.
 */
export function expectedVector(m: TinySentenceModel, text: string): Float32Array {
  const words = text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? [];
  const ids = [m.vocab.indexOf('[CLS]'), ...words.map((w) => (m.vocab.includes(w) ? m.vocab.indexOf(w) : m.vocab.indexOf('[UNK]'))), m.vocab.indexOf('[SEP]')];
  const out = new Float32Array(m.hidden);
  for (const t of ids) for (let c = 0; c < m.hidden; c++) out[c] += m.embeddings[t * m.hidden + c] / ids.length;
  let n = 0;
  for (const x of out) n += x * x;
  return out.map((x) => x / Math.sqrt(n));
}
