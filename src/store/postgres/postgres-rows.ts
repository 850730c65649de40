/**
 * Rows of the PostgreSQL schema as paperboy's values and back: papers, daily
 * entries, organizations. The columns are SQLite's (JSON lists kept as TEXT),
 * so the mapping is the same; it lives here so this folder needs nothing of
 * the SQLite one.
 */
import type { DailyEntry, Organization, Paper } from '../../domain/paper.js';
import { titleHash } from '../../domain/paper.js';
import { rowToPaper, type PaperRow as SharedPaperRow } from '../paper-row.js';

export { rowToPaper };

export interface PaperRow extends SharedPaperRow {
  title_hash: number;
}

export interface DailyRow {
  paper_id: string;
  day: string;
  submitted_at: string | null;
  submitter_user: string | null;
  submitter_fullname: string | null;
  submitter_avatar: string | null;
  upvotes: number;
  num_comments: number;
}

export interface OrgRow {
  name: string;
  fullname: string | null;
  avatar_url: string | null;
}

/** Every column of papers the store reads (not the search vector). */
export const PAPER_SELECT = `pk, id, arxiv_id, title_hash, version, versions, title, abstract, authors, author_count, categories,
  primary_category, published_at, updated_at, comments, journal_ref, doi, report_no, license, submitter, github_repo,
  github_stars, project_page, organization, ai_summary, ai_keywords, thumbnail, sources`;


/**
 * The written columns of papers, each with its Postgres array type (bulk writes pass one array per
 * column to unnest()) and its value for a paper.
 */
export const PAPER_COLUMNS: readonly [string, string, (p: Paper) => unknown][] = [
  ['id', 'text', (p) => p.id],
  ['arxiv_id', 'text', (p) => p.arxivId],
  ['title_hash', 'bigint', (p) => titleHash(p.title)],
  ['version', 'int', (p) => p.version],
  ['versions', 'text', (p) => JSON.stringify(p.versions)],
  ['title', 'text', (p) => p.title],
  ['abstract', 'text', (p) => p.abstract],
  ['authors', 'text', (p) => JSON.stringify(p.authors)],
  ['author_count', 'int', (p) => p.authorCount],
  ['categories', 'text', (p) => JSON.stringify(p.categories)],
  ['primary_category', 'text', (p) => p.primaryCategory],
  ['published_at', 'text', (p) => p.publishedAt],
  ['updated_at', 'text', (p) => p.updatedAt],
  ['comments', 'text', (p) => p.comments],
  ['journal_ref', 'text', (p) => p.journalRef],
  ['doi', 'text', (p) => p.doi],
  ['report_no', 'text', (p) => p.reportNo],
  ['license', 'text', (p) => p.license],
  ['submitter', 'text', (p) => p.submitter],
  ['github_repo', 'text', (p) => p.githubRepo],
  ['github_stars', 'int', (p) => p.githubStars],
  ['project_page', 'text', (p) => p.projectPage],
  ['organization', 'text', (p) => p.organization],
  ['ai_summary', 'text', (p) => p.aiSummary],
  ['ai_keywords', 'text', (p) => JSON.stringify(p.aiKeywords)],
  ['thumbnail', 'text', (p) => p.thumbnail],
  ['sources', 'text', (p) => JSON.stringify(p.sources)],
];

export function rowToEntry(r: DailyRow): DailyEntry {
  return {
    paperId: r.paper_id,
    day: r.day,
    submittedAt: r.submitted_at,
    submittedBy: r.submitter_user
      ? { user: r.submitter_user, fullname: r.submitter_fullname, avatarUrl: r.submitter_avatar }
      : null,
    upvotes: r.upvotes,
    numComments: r.num_comments,
  };
}

export function rowToOrg(r: OrgRow): Organization {
  return { name: r.name, fullname: r.fullname, avatarUrl: r.avatar_url };
}

/** Author names as the lexical index holds them: joined by ", ". */
export function authorNames(p: Paper): string {
  return p.authors.map((a) => a.name).join(', ');
}

/**
 * The weighted search vector of a paper, as SQL over three text parameters:
 * title A, author names B, abstract C ('english': Snowball stemming and stop
 * words, the closest of PostgreSQL's configurations to paperboy's Porter
 * tokenizer). `<`, `>` and `&` become spaces first: PostgreSQL's parser
 * reads `<script>` as a markup tag and `&amp;` as an entity and indexes
 * neither word, where paperboy's tokenizer sees the words.
 */
export function tsvectorSql(title: string, authors: string, abstract: string): string {
  const field = (x: string, w: string) => `setweight(to_tsvector('english', translate(${x}, '<>&', '   ')), '${w}')`;
  return `${field(title, 'A')} || ${field(authors, 'B')} || ${field(abstract, 'C')}`;
}

/**
 * The columns of a daily entry as shown: the imported counts plus local votes and visible comments
 * (kept by triggers). `e` is the table's alias.
 */
export function shownDailyColumns(e: string): string {
  return `${e}.paper_id, ${e}.day, ${e}.submitted_at, ${e}.submitter_user, ${e}.submitter_fullname, ${e}.submitter_avatar, ` +
    `${e}.upvotes + ${e}.local_upvotes AS upvotes, ${e}.num_comments + ${e}.local_comments AS num_comments`;
}

/**
 * PostgreSQL text cannot hold U+0000, which SQLite stores and the stores promise to keep byte for
 * byte (a hostile username, a pasted comment). User-written text is stored with NUL as U+E000 "0"
 * and U+E000 itself as U+E000 U+E000 (a private-use character: real text almost never has it), and
 * decoded on the way out. Equality and prefix lookups encode their argument the same way.
 */
const ESCAPE = '\uE000';
const NUL = String.fromCharCode(0);

export function encodeText(s: string): string {
  if (!s.includes(NUL) && !s.includes(ESCAPE)) return s;
  return s.split(ESCAPE).map((part) => part.split(NUL).join(ESCAPE + '0')).join(ESCAPE + ESCAPE);
}

export function decodeText(s: string): string {
  if (!s.includes(ESCAPE)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== ESCAPE) { out += s[i]; continue; }
    out += s[i + 1] === ESCAPE ? ESCAPE : NUL;
    i++;
  }
  return out;
}
