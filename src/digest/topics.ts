/**
 * Subscriber topics: parsing what people type, and matching a paper.
 *
 * Wire form (JSON API and the manage form's hidden state): an array of
 * strings, each `category:cs.CL`, `org:ByteDance` or `keyword:diffusion`; a
 * bare string is a category when it looks like one ("cs.CL", "stat.ML") and a
 * keyword otherwise. Goals: forgiving input, one normalised shape stored.
 * Non-goals: ranking (select.ts decides what a match is worth).
 */
import type { Organization, Paper } from '../domain/paper.js';
import type { Topics } from '../store/subscription-store.js';

/** At most this many topics per subscriber (keeps forms and matching small). */
export const MAX_TOPICS = 20;
/** Longest accepted topic, in characters. */
export const MAX_TOPIC_LENGTH = 80;

const CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;
const ARCHIVES = new Set(['cs', 'math', 'stat', 'physics', 'eess', 'econ', 'q-bio', 'q-fin', 'astro-ph', 'cond-mat',
  'gr-qc', 'hep-ex', 'hep-lat', 'hep-ph', 'hep-th', 'math-ph', 'nlin', 'nucl-ex', 'nucl-th', 'quant-ph']);

export function emptyTopics(): Topics {
  return { categories: [], keywords: [], organizations: [] };
}

export function hasTopics(t: Topics): boolean {
  return t.categories.length + t.keywords.length + t.organizations.length > 0;
}

function looksLikeCategory(s: string): boolean {
  return CATEGORY.test(s) && ARCHIVES.has(s.split('.')[0]) && (s.includes('.') || ARCHIVES.has(s));
}

export class TopicError extends Error {}

/** Parses the wire form; throws TopicError with a message naming the bad entry. */
export function parseTopicList(list: readonly string[]): Topics {
  const t = emptyTopics();
  if (list.length > MAX_TOPICS) throw new TopicError(`topics: at most ${MAX_TOPICS} topics, got ${list.length}`);
  for (const rawItem of list) {
    const item = rawItem.replace(/\s+/g, ' ').trim();
    if (!item) continue;
    if (item.length > MAX_TOPIC_LENGTH) throw new TopicError(`topics: "${item.slice(0, 20)}…" is longer than ${MAX_TOPIC_LENGTH} characters`);
    const m = /^(category|cat|org|organization|keyword|kw):\s*(.+)$/i.exec(item);
    const kind = m ? m[1].toLowerCase() : looksLikeCategory(item) ? 'category' : 'keyword';
    const value = m ? m[2].trim() : item;
    if (kind === 'category' || kind === 'cat') {
      if (!CATEGORY.test(value)) throw new TopicError(`topics: "${value}" is not an arXiv category such as cs.CL or stat.ML`);
      t.categories.push(value);
    } else if (kind === 'org' || kind === 'organization') {
      t.organizations.push(value);
    } else {
      t.keywords.push(value.toLowerCase());
    }
  }
  return dedupe(t);
}

/** Parses the three comma-separated fields of the HTML forms. */
export function parseTopicFields(f: { categories?: string; keywords?: string; organizations?: string }): Topics {
  const split = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return parseTopicList([
    ...split(f.categories).map((c) => `category:${c}`),
    ...split(f.keywords).map((k) => `keyword:${k}`),
    ...split(f.organizations).map((o) => `org:${o}`),
  ]);
}

/** The wire form of stored topics. */
export function formatTopicList(t: Topics): string[] {
  return [...t.categories.map((c) => `category:${c}`), ...t.organizations.map((o) => `org:${o}`), ...t.keywords.map((k) => `keyword:${k}`)];
}

function dedupe(t: Topics): Topics {
  const uniq = (xs: string[]) => [...new Map(xs.map((x) => [x.toLowerCase(), x])).values()];
  const out = { categories: uniq(t.categories), keywords: uniq(t.keywords), organizations: uniq(t.organizations) };
  if (out.categories.length + out.keywords.length + out.organizations.length > MAX_TOPICS) {
    throw new TopicError(`topics: at most ${MAX_TOPICS} topics`);
  }
  return out;
}

/** True when the paper is in one of the categories ("cs" matches every cs.*). */
export function matchesCategory(p: Paper, categories: readonly string[]): boolean {
  const mine = p.categories.map((c) => c.toLowerCase());
  return categories.some((c) => {
    const want = c.toLowerCase();
    return mine.some((m) => m === want || m.startsWith(want + '.'));
  });
}

export function matchesOrganization(p: Paper, org: Organization | null, organizations: readonly string[]): boolean {
  const names = [p.organization, org?.name, org?.fullname].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  return organizations.some((o) => names.includes(o.toLowerCase()));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How many of the keywords occur (as whole words or phrases) in title, abstract or AI keywords. */
export function countKeywordMatches(p: Paper, keywords: readonly string[]): number {
  if (keywords.length === 0) return 0;
  const text = `${p.title}\n${p.abstract}\n${p.aiKeywords.join('\n')}`.toLowerCase();
  return keywords.filter((k) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(k.toLowerCase())}`, 'u').test(text)).length;
}
