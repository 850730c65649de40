/**
 * The ModerationStore on the SqliteStore's connection: reports keyed by a
 * partial unique index (one open report per user per comment), the log with
 * the comment's paper and author copied in at the time (the log outlives
 * accounts and comments); reports of papers work as reports of comments.
 */
import type Database from 'better-sqlite3';
import type {
  CommentModerationAction, LogEntry, ModerationStore, OpenPaperReport, OpenReport, PaperModerationAction, UserModerationAction,
} from '../moderation-store.js';
import { groupPaperReports, rowToLogEntry, type LogRow, type PaperReportRow } from '../community-rows.js';

interface ReportRow {
  comment_id: number;
  paper_id: string;
  reason: string;
  created_at: string;
  reporter: string | null;
}

export class SqliteModerationStore implements ModerationStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      live: db.prepare('SELECT 1 FROM comments WHERE id = ? AND deleted_at IS NULL'),
      report: db.prepare(`INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT DO NOTHING`),
      pendingComments: db.prepare(`SELECT comment_id, COUNT(*) AS n, MIN(created_at) AS first FROM comment_reports
        WHERE resolved_at IS NULL GROUP BY comment_id ORDER BY n DESC, first LIMIT ?`),
      reasons: db.prepare(`SELECT r.comment_id, c.paper_id, r.reason, r.created_at, u.username AS reporter FROM comment_reports r
        JOIN comments c ON c.id = r.comment_id LEFT JOIN users u ON u.id = r.reporter_id
        WHERE r.resolved_at IS NULL AND r.comment_id IN (SELECT value FROM json_each(?)) ORDER BY r.id`),
      countOpen: db.prepare('SELECT COUNT(DISTINCT comment_id) AS n FROM comment_reports WHERE resolved_at IS NULL'),
      resolve: db.prepare('UPDATE comment_reports SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE comment_id = ? AND resolved_at IS NULL'),
      // The latest closing of the subject's reports, when it was a dismissal, is undone (its reports share its time).
      reopen: db.prepare(`UPDATE comment_reports SET resolved_at = NULL, resolved_by = NULL, resolution = NULL
        WHERE comment_id = @id AND resolution = 'dismissed'
          AND resolved_at = (SELECT MAX(resolved_at) FROM comment_reports WHERE comment_id = @id)
          AND NOT EXISTS (SELECT 1 FROM comment_reports o WHERE o.comment_id = comment_reports.comment_id AND o.reporter_id = comment_reports.reporter_id AND o.resolved_at IS NULL)`),
      reopenPaper: db.prepare(`UPDATE paper_reports SET resolved_at = NULL, resolved_by = NULL, resolution = NULL
        WHERE paper_id = @id AND resolution = 'dismissed'
          AND resolved_at = (SELECT MAX(resolved_at) FROM paper_reports WHERE paper_id = @id)
          AND NOT EXISTS (SELECT 1 FROM paper_reports o WHERE o.paper_id = paper_reports.paper_id AND o.reporter_id = paper_reports.reporter_id AND o.resolved_at IS NULL)`),
      log: db.prepare(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason)
        SELECT ?, ?, ?, c.id, c.paper_id, u.username, ? FROM comments c LEFT JOIN users u ON u.id = c.user_id WHERE c.id = ?`),
      logPaper: db.prepare(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason, detail)
        VALUES (?, ?, ?, NULL, ?, NULL, ?, ?)`),
      logUser: db.prepare(`INSERT INTO moderation_log (at, actor_id, action, comment_id, paper_id, author, reason, detail)
        VALUES (?, ?, ?, NULL, NULL, ?, ?, '')`),
      paperLive: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      reportPaper: db.prepare(`INSERT INTO paper_reports (paper_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT DO NOTHING`),
      pendingPapers: db.prepare(`SELECT paper_id, COUNT(*) AS n, MIN(created_at) AS first FROM paper_reports
        WHERE resolved_at IS NULL GROUP BY paper_id ORDER BY n DESC, first, paper_id LIMIT ?`),
      paperReasons: db.prepare(`SELECT r.paper_id, r.reason, r.created_at, u.username AS reporter FROM paper_reports r
        LEFT JOIN users u ON u.id = r.reporter_id
        WHERE r.resolved_at IS NULL AND r.paper_id IN (SELECT value FROM json_each(?)) ORDER BY r.id`),
      countOpenPapers: db.prepare('SELECT COUNT(DISTINCT paper_id) AS n FROM paper_reports WHERE resolved_at IS NULL'),
      resolvePaper: db.prepare('UPDATE paper_reports SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE paper_id = ? AND resolved_at IS NULL'),
      list: db.prepare(`SELECT l.id, l.at, a.username AS actor, l.action, l.comment_id, l.paper_id, l.author, l.reason, l.detail
        FROM moderation_log l LEFT JOIN users a ON a.id = l.actor_id ORDER BY l.id DESC LIMIT ? OFFSET ?`),
      count: db.prepare('SELECT COUNT(*) AS n FROM moderation_log'),
    };
  }

  async report(r: { commentId: number; reporterId: number; reason: string; now: Date }): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.live.get(r.commentId)) return false;
      return this.s.report.run(r.commentId, r.reporterId, r.reason, r.now.toISOString()).changes > 0;
    }).immediate();
  }

  async openReports(limit: number): Promise<OpenReport[]> {
    const top = this.s.pendingComments.all(limit) as { comment_id: number; n: number; first: string }[];
    if (top.length === 0) return [];
    const byComment = new Map<number, ReportRow[]>();
    for (const r of this.s.reasons.all(JSON.stringify(top.map((t) => t.comment_id))) as ReportRow[]) {
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
        reasons: rows.map((r) => ({ by: r.reporter, reason: r.reason, at: r.created_at })),
        firstAt: t.first,
      };
    });
  }

  async countOpenReports(): Promise<number> {
    return (this.s.countOpen.get() as { n: number }).n;
  }

  async resolveReports(commentId: number, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number> {
    return this.s.resolve.run(now.toISOString(), by, resolution, commentId).changes;
  }

  async reopenReports(commentId: number): Promise<number> {
    return this.s.reopen.run({ id: commentId }).changes;
  }

  async reopenPaperReports(paperId: string): Promise<number> {
    return this.s.reopenPaper.run({ id: paperId }).changes;
  }

  async log(e: { actorId: number; action: CommentModerationAction; commentId: number; reason: string; now: Date }): Promise<void> {
    this.s.log.run(e.now.toISOString(), e.actorId, e.action, e.reason, e.commentId);
  }

  async logPaper(e: { actorId: number; action: PaperModerationAction; paperId: string; reason: string; detail: string; now: Date }): Promise<void> {
    this.s.logPaper.run(e.now.toISOString(), e.actorId, e.action, e.paperId, e.reason, e.detail);
  }

  async logUser(e: { actorId: number; action: UserModerationAction; username: string; reason: string; now: Date }): Promise<void> {
    this.s.logUser.run(e.now.toISOString(), e.actorId, e.action, e.username, e.reason);
  }

  async reportPaper(r: { paperId: string; reporterId: number; reason: string; now: Date }): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.paperLive.get(r.paperId)) return false;
      return this.s.reportPaper.run(r.paperId, r.reporterId, r.reason, r.now.toISOString()).changes > 0;
    }).immediate();
  }

  async openPaperReports(limit: number): Promise<OpenPaperReport[]> {
    const top = this.s.pendingPapers.all(limit) as { paper_id: string; n: number; first: string }[];
    if (top.length === 0) return [];
    return groupPaperReports(top, this.s.paperReasons.all(JSON.stringify(top.map((t) => t.paper_id))) as PaperReportRow[]);
  }

  async countOpenPaperReports(): Promise<number> {
    return (this.s.countOpenPapers.get() as { n: number }).n;
  }

  async resolvePaperReports(paperId: string, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number> {
    return this.s.resolvePaper.run(now.toISOString(), by, resolution, paperId).changes;
  }

  async listLog(limit: number, offset: number): Promise<{ entries: LogEntry[]; total: number }> {
    const rows = this.s.list.all(limit, offset) as LogRow[];
    return {
      entries: rows.map(rowToLogEntry),
      total: (this.s.count.get() as { n: number }).n,
    };
  }
}
