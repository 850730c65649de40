/**
 * The CurationStore: what admins do to the daily list and to papers — move
 * an entry to another day, take an entry off its day (and put it back), hide
 * a paper everywhere (and show it again) — a role of its own beside the Store
 * (same database).
 *
 * Goals: every action is reversible and survives re-imports: a removed entry
 * stays a row marked removed (an import of its day updates the imported
 * counts and leaves it removed), a moved entry leaves a removed row on its
 * old day for the same reason; a hidden paper is a row of its own, so the
 * paper, its votes, comments and lists stay and come back when it is shown
 * again. The Store's reads leave hidden papers and removed entries out
 * (lists, search hydration, browse, feeds, API); `getPaper` answers null for
 * a hidden paper. Non-goals: who may curate (web/, admins only), the log
 * (ModerationStore.logPaper).
 */

export interface HiddenPaper {
  paperId: string;
  title: string;
  hiddenAt: string;
  /** The admin who hid it, or null when their account was deleted. */
  by: string | null;
  reason: string;
}

export interface RemovedEntry {
  paperId: string;
  title: string;
  day: string;
  removedAt: string;
  /** The day it was moved to, when the removal was a move. */
  movedTo: string | null;
}

export type MoveOutcome = 'moved' | 'no_entry' | 'taken';

export interface CurationStore {
  /** Hides a paper; false when there is no such paper or it is hidden already. */
  hidePaper(paperId: string, by: number, reason: string, now: Date): Promise<boolean>;
  /** Shows a hidden paper again; false when it was not hidden. */
  unhidePaper(paperId: string): Promise<boolean>;
  /** Whether (and by whom, why) a paper is hidden; null when it is not (or does not exist). */
  hiddenPaper(paperId: string): Promise<HiddenPaper | null>;
  /** Hidden papers, most recently hidden first. */
  hiddenPapers(limit: number, offset: number): Promise<{ items: HiddenPaper[]; total: number }>;
  /**
   * Moves a paper's entry from one day to another (its counts and submitter
   * go with it); 'no_entry' when it has no shown entry on `from`, 'taken'
   * when it already has a shown entry on `to`.
   */
  moveEntry(paperId: string, from: string, to: string, by: number, now: Date): Promise<MoveOutcome>;
  /** Takes a paper's shown entry off `day`; false when there is none. */
  removeEntry(paperId: string, day: string, by: number, now: Date): Promise<boolean>;
  /** Puts a removed entry back on its day; false when there is no removed entry there. */
  restoreEntry(paperId: string, day: string): Promise<boolean>;
  /** Removed entries (moves included), most recently removed first. */
  removedEntries(limit: number, offset: number): Promise<{ items: RemovedEntry[]; total: number }>;
}
