/**
 * Turns a field's text into the folded tokens FTS5 would emit, fast enough
 * for bulk indexing (millions of abstracts).
 *
 * Goals: exactly the tokens of search/tokenize.ts (unicode61 with
 * remove_diacritics 2); an ASCII fast path without an object per token, and
 * tokenize.ts itself for any text holding a non-ASCII character. Stemming
 * is left to the caller (who caches stems per distinct token).
 * Non-goals: offsets (highlighting uses tokenize.ts).
 */
import { tokenize } from '../tokenize.js';

/** Calls `emit(folded, position)` for every token of `text`; returns the token count. */
export function forEachToken(text: string, emit: (folded: string, position: number) => void): number {
  const n = text.length;
  let pos = 0;
  let i = 0;
  // Fast path only when the whole field is ASCII (one scan; abstracts mostly are).
  for (let j = 0; j < n; j++) {
    if (text.charCodeAt(j) >= 128) {
      for (const t of tokenize(text)) emit(t.folded, pos++);
      return pos;
    }
  }
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90))) {
      i++;
      continue;
    }
    const start = i;
    let upper = false;
    do {
      if (c >= 65 && c <= 90) upper = true;
      c = ++i < n ? text.charCodeAt(i) : 0;
    } while ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90));
    const tok = text.slice(start, i);
    emit(upper ? tok.toLowerCase() : tok, pos++);
  }
  return pos;
}
