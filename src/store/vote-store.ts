/**
 * The VoteStore: one upvote per user per paper, a role of its own beside the
 * Store (same database).
 *
 * Goals: "one per user per paper" is the database's rule (a primary key),
 * not the caller's; setting a vote is idempotent (upvoting twice is one
 * vote, removing a missing vote is a no-op), so a double-clicked form or a
 * retried API call cannot count twice. The counts the site shows are the
 * Store's: each daily entry's imported count plus the paper's local votes
 * (imports overwrite the imported part only; see docs/API.md).
 * Non-goals: who may vote (web/), rate limits.
 */

export interface VoteResult {
  /** Whether the user's upvote is on the paper now. */
  upvoted: boolean;
  /** Whether this call changed anything (false when the vote already was as asked). */
  changed: boolean;
  /** The paper's local votes now (all users). */
  localVotes: number;
}

export interface VoteStore {
  /** Puts the user's upvote on the paper (`on`) or takes it off; null when there is no such paper. */
  setVote(userId: number, paperId: string, on: boolean, now: Date): Promise<VoteResult | null>;
  /** Which of these papers the user has upvoted. */
  votedPapers(userId: number, paperIds: string[]): Promise<Set<string>>;
  /** The paper's local votes. */
  localVotes(paperId: string): Promise<number>;
  /** Papers the user upvoted, newest vote first. */
  userVotes(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }>;
}
