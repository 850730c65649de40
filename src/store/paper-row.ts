/**
 * A papers row as both backends store it (the same columns; JSON lists kept
 * as TEXT) and the Paper it reads as: one mapping for store/sqlite and
 * store/postgres. Non-goals: SQL of any dialect.
 */
import type { Paper } from '../domain/paper.js';

export interface PaperRow {
  pk: number;
  id: string;
  arxiv_id: string | null;
  version: number | null;
  versions: string;
  title: string;
  abstract: string;
  authors: string;
  author_count: number;
  categories: string;
  primary_category: string | null;
  published_at: string | null;
  updated_at: string | null;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  report_no: string | null;
  license: string | null;
  submitter: string | null;
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  organization: string | null;
  ai_summary: string | null;
  ai_keywords: string;
  thumbnail: string | null;
  sources: string;
}

export function rowToPaper(r: PaperRow): Paper {
  return {
    id: r.id,
    arxivId: r.arxiv_id,
    version: r.version,
    versions: JSON.parse(r.versions),
    title: r.title,
    abstract: r.abstract,
    authors: JSON.parse(r.authors),
    authorCount: r.author_count,
    categories: JSON.parse(r.categories),
    primaryCategory: r.primary_category,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    comments: r.comments,
    journalRef: r.journal_ref,
    doi: r.doi,
    reportNo: r.report_no,
    license: r.license,
    submitter: r.submitter,
    githubRepo: r.github_repo,
    githubStars: r.github_stars,
    projectPage: r.project_page,
    organization: r.organization,
    aiSummary: r.ai_summary,
    aiKeywords: JSON.parse(r.ai_keywords),
    thumbnail: r.thumbnail ?? null,
    sources: JSON.parse(r.sources),
  };
}
