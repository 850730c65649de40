/**
 * The ModerationStore: reports of comments by users, and the public log of
 * what moderators did — a role of its own beside the Store (same database).
 *
 * Goals: one open report per user per comment (the schema's rule: reporting
 * twice is a no-op); resolving closes every open report of a comment at
 * once, with who and how; every moderator action (hide, show again,
 * dismiss) is a log row that stays when the actor's account goes, so the
 * log can be published as Lobsters publishes its own. Non-goals: who may
 * moderate, the hiding itself (CommentStore.setHidden).
 */

export type ModerationAction = 'hide_comment' | 'unhide_comment' | 'dismiss_reports';

export interface OpenReport {
  commentId: number;
  paperId: string;
  /** Open reports of this comment. */
  count: number;
  /** Their reasons, oldest first (each with the reporter's name, or null for a deleted account). */
  reasons: { by: string | null; reason: string; at: string }[];
  firstAt: string;
}

export interface LogEntry {
  id: number;
  at: string;
  /** The moderator, or null when their account was deleted. */
  actor: string | null;
  action: ModerationAction;
  commentId: number;
  paperId: string;
  /** The comment's author at the time of the action (null: a deleted account). */
  author: string | null;
  reason: string;
}

export interface ModerationStore {
  /** Files a report; false when this user already has an open report of this comment, or the comment is gone. */
  report(r: { commentId: number; reporterId: number; reason: string; now: Date }): Promise<boolean>;
  /** Comments with open reports, most reported first, then oldest. */
  openReports(limit: number): Promise<OpenReport[]>;
  countOpenReports(): Promise<number>;
  /** Closes every open report of the comment; returns how many were closed. */
  resolveReports(commentId: number, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number>;
  log(e: { actorId: number; action: ModerationAction; commentId: number; reason: string; now: Date }): Promise<void>;
  /** The public log, newest first. */
  listLog(limit: number, offset: number): Promise<{ entries: LogEntry[]; total: number }>;
}
