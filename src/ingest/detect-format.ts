/**
 * Tells which source format a file is from its first bytes, for
 * `paperboy import` without `--format`.
 *
 * Goals: decide from at most the first 64 KiB: XML with a root <feed> → the
 * arXiv API Atom; <OAI-PMH> → OAI-PMH; a JSON array → HF daily_papers; a
 * JSON object whose first line is a whole snapshot record → snapshot JSONL;
 * an object with "papers" → the seed listing. Otherwise null, and the caller
 * names the formats. Compressed files are decoded before their head gets
 * here (decompress.ts).
 */

export const SOURCE_FORMATS = ['atom', 'oai', 'snapshot', 'hf-daily', 'seed'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** What each format is, for help texts and error messages. */
export const FORMAT_DESCRIPTIONS: Record<SourceFormat, string> = {
  atom: 'arXiv API Atom XML, export.arxiv.org/api/query',
  oai: 'arXiv OAI-PMH ListRecords/GetRecord XML, metadataPrefix arXiv or arXivRaw',
  snapshot: 'arXiv metadata snapshot JSON Lines, Kaggle shape',
  'hf-daily': 'Hugging Face daily_papers API JSON',
  seed: 'the seed listing JSON, {"papers": [...]}',
};

/** How many leading bytes detection needs. */
export const DETECT_BYTES = 64 * 1024;

export function isSourceFormat(s: string): s is SourceFormat {
  return (SOURCE_FORMATS as readonly string[]).includes(s);
}

/** "atom (arXiv API Atom XML …), oai (…), …" */
export function describeFormats(): string {
  return SOURCE_FORMATS.map((f) => `${f} (${FORMAT_DESCRIPTIONS[f]})`).join(', ');
}

/** The root element name of an XML head, skipping the declaration, comments, doctype and processing instructions. */
function xmlRoot(head: string): string | null {
  const s = head.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>]*>/gi, '');
  const m = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(s);
  return m ? m[2] : null;
}

/** The format of a file from its first bytes (decoded as UTF-8), or null when it is none of them. */
export function detectFormat(head: string): SourceFormat | null {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('<')) {
    const root = xmlRoot(s);
    if (root === 'feed') return 'atom';
    if (root === 'OAI-PMH') return 'oai';
    return null;
  }
  if (s.startsWith('[')) return 'hf-daily';
  if (s.startsWith('{')) {
    const nl = s.indexOf('\n');
    const firstLine = nl < 0 ? s : s.slice(0, nl);
    try {
      const o = JSON.parse(firstLine) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        if ('id' in o && ('versions' in o || 'authors_parsed' in o || 'categories' in o || 'abstract' in o)) return 'snapshot';
        if ('papers' in o) return 'seed';
        if ('paper' in o) return 'hf-daily';
      }
    } catch {
      // The first line is not a whole JSON value: a pretty-printed document, or a very long first record.
    }
    if (/^\{\s*"id"\s*:/.test(firstLine) && /"(?:authors_parsed|update_date|versions)"\s*:/.test(firstLine)) return 'snapshot';
    if (/"papers"\s*:\s*\[/.test(s)) return 'seed';
    if (/^\{\s*"paper"\s*:/.test(s)) return 'hf-daily';
  }
  return null;
}
