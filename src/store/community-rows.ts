/**
 * Rows of the curation, paper-report, moderation-log and authorship tables
 * as both backends store them (the same columns and names), the values they
 * read as, and the one SQL condition every read of papers shares: one
 * mapping for store/sqlite and store/postgres, as store/paper-row.ts is for
 * papers.
 *
 * `notHidden` is standard SQL (a NOT EXISTS on `hidden_papers`), valid on
 * both backends. Non-goals: dialect-specific SQL, parameters.
 */
import type { AuthorshipClaim, ClaimStatus } from './authorship-store.js';
import type { HiddenPaper, RemovedEntry } from './curation-store.js';
import type { LogEntry, ModerationAction, OpenPaperReport } from './moderation-store.js';

/** A paper an admin hid (CurationStore): left out of every read of papers. `x` is the papers' id column. */
export function notHidden(x: string): string {
  return `NOT EXISTS (SELECT 1 FROM hidden_papers h WHERE h.paper_id = ${x})`;
}

export interface HiddenRow {
  paper_id: string;
  title: string;
  hidden_at: string;
  by: string | null;
  reason: string;
}

export function rowToHidden(r: HiddenRow): HiddenPaper {
  return { paperId: r.paper_id, title: r.title, hiddenAt: r.hidden_at, by: r.by, reason: r.reason };
}

export interface RemovedRow {
  paper_id: string;
  title: string;
  day: string;
  removed_at: string;
  moved_to: string | null;
}

export function rowToRemoved(r: RemovedRow): RemovedEntry {
  return { paperId: r.paper_id, title: r.title, day: r.day, removedAt: r.removed_at, movedTo: r.moved_to };
}

export interface ClaimRow {
  id: number;
  paper_id: string;
  user_id: number;
  username: string;
  author_name: string;
  status: ClaimStatus;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  note: string;
}

export function rowToClaim(r: ClaimRow): AuthorshipClaim {
  return {
    id: r.id, paperId: r.paper_id, userId: r.user_id, username: r.username, authorName: r.author_name, status: r.status,
    createdAt: r.created_at, decidedAt: r.decided_at, decidedBy: r.decided_by, note: r.note,
  };
}

/** The columns a claim is read with (FROM included: the claimant and the deciding admin joined). */
export const CLAIM_SELECT = `c.id, c.paper_id, c.user_id, u.username, c.author_name, c.status, c.created_at, c.decided_at,
  d.username AS decided_by, c.note
  FROM authorship_claims c JOIN users u ON u.id = c.user_id LEFT JOIN users d ON d.id = c.decided_by`;

export interface LogRow {
  id: number;
  at: string;
  actor: string | null;
  action: ModerationAction;
  comment_id: number | null;
  paper_id: string | null;
  author: string | null;
  reason: string;
  detail: string;
}

export function rowToLogEntry(r: LogRow): LogEntry {
  return {
    id: r.id, at: r.at, actor: r.actor, action: r.action, commentId: r.comment_id, paperId: r.paper_id, author: r.author,
    reason: r.reason, detail: r.detail,
  };
}

/** One open report of a paper, with its reporter's name. */
export interface PaperReportRow {
  paper_id: string;
  reason: string;
  created_at: string;
  reporter: string | null;
}

/** The queue's papers (most reported first) with their open reports' reasons, grouped by paper. */
export function groupPaperReports(top: { paper_id: string; n: number; first: string }[], reasons: PaperReportRow[]): OpenPaperReport[] {
  const byPaper = new Map<string, PaperReportRow[]>();
  for (const r of reasons) {
    const list = byPaper.get(r.paper_id);
    if (list) list.push(r);
    else byPaper.set(r.paper_id, [r]);
  }
  return top.map((t) => ({
    paperId: t.paper_id,
    count: t.n,
    reasons: (byPaper.get(t.paper_id) ?? []).map((r) => ({ by: r.reporter, reason: r.reason, at: r.created_at })),
    firstAt: t.first,
  }));
}
