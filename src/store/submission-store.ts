/**
 * The SubmissionStore: a user puts a paper on a day's daily list, a role of
 * its own beside the Store (same database).
 *
 * Goals: the rules that depend on what is stored are checked in the same
 * write transaction as the entry is written — a paper already on any daily
 * list is a duplicate (the answer names that day), a user at their daily cap
 * is refused, a paper an admin hid is refused (an entry an admin removed does
 * not count as a listing: the paper may be submitted again) — so two submissions at once can neither both add the paper
 * nor both pass the cap; the paper itself is written (merged) as an import
 * would, all or nothing. Non-goals: fetching metadata, the age rule, who may
 * bypass the cap (web/community/submit-routes.ts).
 */
import type { PaperRecord, Submitter } from '../domain/paper.js';

export type SubmitOutcome =
  | { kind: 'added' }
  /** The paper is already on a daily list (the newest day it is on). */
  | { kind: 'duplicate'; day: string }
  /** The user already submitted `count` papers that day. */
  | { kind: 'cap'; count: number }
  /** An admin hid the paper (CurationStore): it cannot be put back on a list by submitting it. */
  | { kind: 'hidden' };

export interface SubmissionStore {
  /**
   * Writes the paper and its entry on `day` submitted by `submitter`,
   * unless it is on a daily list already, or the submitter has `dailyCap`
   * entries that day (null: no cap).
   */
  submit(paper: PaperRecord['paper'], opts: { day: string; submittedAt: string; submitter: Submitter; dailyCap: number | null }): Promise<SubmitOutcome>;
  /** How many papers a user submitted on a day. */
  submittedOn(username: string, day: string): Promise<number>;
}
