/**
 * The ModerationStore on PostgreSQL: reports keyed by a partial unique index
 * (one open report per user per comment), the log with the comment's paper
 * and author copied in at the time (the log outlives accounts and comments);
 * reports of papers work as reports of comments.
 */
import type pg from 'pg';
import type {
  CommentModerationAction, LogEntry, ModerationStore, OpenPaperReport, OpenReport, PaperModerationAction, UserModerationAction,
} from '../moderation-store.js';
import { groupPaperReports, rowToLogEntry, type LogRow, type PaperReportRow } from '../community-rows.js';
import { withTransaction } from './postgres-pool.js';
import { decodeText, encodeText } from './postgres-rows.js';

/** A user's name or written text as stored (NUL escaped: postgres-rows.ts), as written. */
const decoded = (s: string | null): string | null => (s === null ? null : decodeText(s));

interface ReportRow {
  comment_id: number;
  paper_id: string;
  reason: string;
  created_at: string;
  reporter: string | null;
}

export class PostgresModerationStore implements ModerationStore {
  constructor(private readonly pool: pg.Pool) {}

  async report(r: { commentId: number; reporterId: number; reason: string; now: Date }): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      if ((await c.query('SELECT 1 FROM comments WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [r.commentId])).rowCount === 0) return false;
      const ins = await c.query(`INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING`, [r.commentId, r.reporterId, encodeText(r.reason), r.now.toISOString()]);
      return (ins.rowCount ?? 0) > 0;
    });
  }

  async openReports(limit: number): Promise<OpenReport[]> {
    const top = (await this.pool.query<{ comment_id: number; n: number; first: string }>(`SELECT comment_id, COUNT(*) AS n,
      MIN(created_at) AS first FROM comment_reports WHERE resolved_at IS NULL GROUP BY comment_id ORDER BY n DESC, first LIMIT $1`, [limit])).rows;
    if (top.length === 0) return [];
    const byComment = new Map<number, ReportRow[]>();
    const reasons = await this.pool.query<ReportRow>(`SELECT r.comment_id, c.paper_id, r.reason, r.created_at, u.username AS reporter
      FROM comment_reports r JOIN comments c ON c.id = r.comment_id LEFT JOIN users u ON u.id = r.reporter_id
      WHERE r.resolved_at IS NULL AND r.comment_id = ANY($1::bigint[]) ORDER BY r.id`, [top.map((t) => t.comment_id)]);
    for (const r of reasons.rows) {
      const list = byComment.get(r.comment_id);
      if (list) list.push(r);
      else byComment.set(r.comment_id, [r]);
    }
    return top.map((t) => {
      const rows = byComment.get(t.comment_id) ?? [];
      return {
        commentId: t.comment_id,
        paperId: rows[0]?.paper_id ?? '',
        count: t.n,
        reasons: rows.map((r) => ({ by: decoded(r.reporter), reason: decodeText(r.reason), at: r.created_at })),
        firstAt: t.first,
      };
    });
  }

  async countOpenReports(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(DISTINCT comment_id) AS n FROM comment_reports WHERE resolved_at IS NULL')).rows[0].n;
  }

  async resolveReports(commentId: number, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number> {
    const r = await this.pool.query(`UPDATE comment_reports SET resolved_at = $1, resolved_by = $2, resolution = $3
      WHERE comment_id = $4 AND resolved_at IS NULL`, [now.toISOString(), by, resolution, commentId]);
    return r.rowCount ?? 0;
  }

  async reopenReports(commentId: number): Promise<number> {
    // The latest closing of the comment's reports, when it was a dismissal, is undone (its reports share its time).
    const r = await this.pool.query(`UPDATE comment_reports SET resolved_at = NULL, resolved_by = NULL, resolution = NULL
        WHERE comment_id = $1 AND resolution = 'dismissed'
          AND resolved_at = (SELECT MAX(resolved_at) FROM comment_reports WHERE comment_id = $1)
          AND NOT EXISTS (SELECT 1 FROM comment_reports o WHERE o.comment_id = comment_reports.comment_id AND o.reporter_id = comment_reports.reporter_id AND o.resolved_at IS NULL)`, [commentId]);
    return r.rowCount ?? 0;
  }

  async reopenPaperReports(paperId: string): Promise<number> {
    const r = await this.pool.query(`UPDATE paper_reports SET resolved_at = NULL, resolved_by = NULL, resolution = NULL
        WHERE paper_id = $1 AND resolution = 'dismissed'
          AND resolved_at = (SELECT MAX(resolved_at) FROM paper_reports WHERE paper_id = $1)
          AND NOT EXISTS (SELECT 1 FROM paper_reports o WHERE o.paper_id = paper_reports.paper_id AND o.reporter_id = paper_reports.reporter_id AND o.resolved_at IS NULL)`, [paperId]);
    return r.rowCount ?? 0;
  }

  async log(e: { actorId: number; action: CommentModerationAction; commentId: number; reason: string; now: Date }): Promise<void> {
    await this.pool.query(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason)
      SELECT $1, $2, $3, c.id, c.paper_id, u.username, $4 FROM comments c LEFT JOIN users u ON u.id = c.user_id WHERE c.id = $5`,
    [e.now.toISOString(), e.actorId, e.action, encodeText(e.reason), e.commentId]);
  }

  async logPaper(e: { actorId: number; action: PaperModerationAction; paperId: string; reason: string; detail: string; now: Date }): Promise<void> {
    await this.pool.query(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason, detail)
      VALUES ($1, $2, $3, NULL, $4, NULL, $5, $6)`, [e.now.toISOString(), e.actorId, e.action, e.paperId, encodeText(e.reason), encodeText(e.detail)]);
  }

  async logUser(e: { actorId: number; action: UserModerationAction; username: string; reason: string; now: Date }): Promise<void> {
    await this.pool.query(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason, detail)
      VALUES ($1, $2, $3, NULL, NULL, $4, $5, '')`, [e.now.toISOString(), e.actorId, e.action, e.username, encodeText(e.reason)]);
  }

  async reportPaper(r: { paperId: string; reporterId: number; reason: string; now: Date }): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      // KEY SHARE, as the foreign key itself would take: the paper cannot go before the report is in.
      if ((await c.query('SELECT 1 FROM papers WHERE id = $1 FOR KEY SHARE', [r.paperId])).rowCount === 0) return false;
      const ins = await c.query(`INSERT INTO paper_reports (paper_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING`, [r.paperId, r.reporterId, encodeText(r.reason), r.now.toISOString()]);
      return (ins.rowCount ?? 0) > 0;
    });
  }

  async openPaperReports(limit: number): Promise<OpenPaperReport[]> {
    const top = (await this.pool.query<{ paper_id: string; n: number; first: string }>(`SELECT paper_id, COUNT(*) AS n,
      MIN(created_at) AS first FROM paper_reports WHERE resolved_at IS NULL GROUP BY paper_id ORDER BY n DESC, first, paper_id LIMIT $1`,
    [limit])).rows;
    if (top.length === 0) return [];
    const reasons = await this.pool.query<PaperReportRow>(`SELECT r.paper_id, r.reason, r.created_at, u.username AS reporter
      FROM paper_reports r LEFT JOIN users u ON u.id = r.reporter_id
      WHERE r.resolved_at IS NULL AND r.paper_id = ANY($1::text[]) ORDER BY r.id`, [top.map((t) => t.paper_id)]);
    return groupPaperReports(top, reasons.rows.map((r) => ({ ...r, reason: decodeText(r.reason), reporter: decoded(r.reporter) })));
  }

  async countOpenPaperReports(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(DISTINCT paper_id) AS n FROM paper_reports WHERE resolved_at IS NULL')).rows[0].n;
  }

  async resolvePaperReports(paperId: string, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number> {
    const r = await this.pool.query(`UPDATE paper_reports SET resolved_at = $1, resolved_by = $2, resolution = $3
      WHERE paper_id = $4 AND resolved_at IS NULL`, [now.toISOString(), by, resolution, paperId]);
    return r.rowCount ?? 0;
  }

  async listLog(limit: number, offset: number): Promise<{ entries: LogEntry[]; total: number }> {
    const rows = (await this.pool.query<LogRow>(`SELECT l.id, l.at, a.username AS actor, l.action, l.comment_id, l.paper_id, l.author,
      l.reason, l.detail FROM moderation_log l LEFT JOIN users a ON a.id = l.actor_id ORDER BY l.id DESC LIMIT $1 OFFSET $2`, [limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM moderation_log')).rows[0].n;
    return {
      entries: rows.map((r) => rowToLogEntry({ ...r, actor: decoded(r.actor), author: decoded(r.author), reason: decodeText(r.reason), detail: decodeText(r.detail) })),
      total,
    };
  }
}
