/**
 * The ModerationStore: reports of comments and of papers by users, and the
 * public log of what moderators and admins did — a role of its own beside
 * the Store (same database).
 *
 * Goals: one open report per user per comment, and per user per paper (the
 * schema's rule: reporting twice is a no-op); resolving closes every open
 * report of a comment (or paper) at once, with who and how; every moderator
 * action (hide, show again, dismiss, move or remove a daily entry) is a log
 * row that stays when the actor's account goes, so the log can be published
 * as Lobsters publishes its own. Non-goals: who may moderate, the hiding
 * itself (CommentStore.setHidden, CurationStore).
 */

/** Actions on a comment (logged with `log`). */
export type CommentModerationAction = 'hide_comment' | 'unhide_comment' | 'dismiss_reports' | 'reopen_reports';
/** Actions on a paper or its daily entries (logged with `logPaper`). */
export type PaperModerationAction =
  | 'hide_paper' | 'unhide_paper' | 'dismiss_paper_reports' | 'reopen_paper_reports' | 'move_entry' | 'remove_entry' | 'restore_entry';
/** Actions on a user's account (logged with `logUser`): admins' bans, and lifting them. */
export type UserModerationAction = 'ban_user' | 'unban_user';
export type ModerationAction = CommentModerationAction | PaperModerationAction | UserModerationAction;

export interface OpenReport {
  commentId: number;
  paperId: string;
  /** Open reports of this comment. */
  count: number;
  /** Their reasons, oldest first (each with the reporter's name, or null for a deleted account). */
  reasons: { by: string | null; reason: string; at: string }[];
  firstAt: string;
}

/** A paper with open reports. */
export interface OpenPaperReport {
  paperId: string;
  count: number;
  reasons: { by: string | null; reason: string; at: string }[];
  firstAt: string;
}

export interface LogEntry {
  id: number;
  at: string;
  /** The moderator, or null when their account was deleted. */
  actor: string | null;
  action: ModerationAction;
  /** The comment acted on; null for actions on a paper, its entries or a user. */
  commentId: number | null;
  /** The paper acted on (or the commented paper); null for actions on a user. */
  paperId: string | null;
  /**
   * The comment's author at the time of the action, or the user banned or
   * let back in (null: a deleted account, or an action on a paper).
   */
  author: string | null;
  reason: string;
  /** What exactly, for paper actions ("2025-06-02 → 2025-06-03" for a move, the day for a removal); '' otherwise. */
  detail: string;
}

export interface ModerationStore {
  /** Files a report; false when this user already has an open report of this comment, or the comment is gone. */
  report(r: { commentId: number; reporterId: number; reason: string; now: Date }): Promise<boolean>;
  /** Comments with open reports, most reported first, then oldest. */
  openReports(limit: number): Promise<OpenReport[]>;
  countOpenReports(): Promise<number>;
  /** Closes every open report of the comment; returns how many were closed. */
  resolveReports(commentId: number, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number>;
  /**
   * Undoes the latest dismissal of the comment's reports: the reports it
   * closed are open again (except a reporter's who reported anew since).
   * Returns how many were reopened (0 when the last closing was no dismissal).
   */
  reopenReports(commentId: number): Promise<number>;
  log(e: { actorId: number; action: CommentModerationAction; commentId: number; reason: string; now: Date }): Promise<void>;
  /** Logs an action on a paper or one of its daily entries (the paper need not exist any more). */
  logPaper(e: { actorId: number; action: PaperModerationAction; paperId: string; reason: string; detail: string; now: Date }): Promise<void>;
  /** Logs a ban or its lifting, naming the user as they were called then. */
  logUser(e: { actorId: number; action: UserModerationAction; username: string; reason: string; now: Date }): Promise<void>;

  /** Files a report of a paper; false when this user already has an open report of it, or there is no such paper. */
  reportPaper(r: { paperId: string; reporterId: number; reason: string; now: Date }): Promise<boolean>;
  /** Papers with open reports, most reported first, then oldest. */
  openPaperReports(limit: number): Promise<OpenPaperReport[]>;
  countOpenPaperReports(): Promise<number>;
  /** Closes every open report of the paper; returns how many were closed. */
  resolvePaperReports(paperId: string, by: number, resolution: 'hidden' | 'dismissed', now: Date): Promise<number>;
  /** Undoes the latest dismissal of the paper's reports, as reopenReports does for a comment. */
  reopenPaperReports(paperId: string): Promise<number>;
  /** The public log, newest first. */
  listLog(limit: number, offset: number): Promise<{ entries: LogEntry[]; total: number }>;
}
