/**
 * The AuthorshipStore: users claim an author name on a paper, admins approve
 * or reject the claim (and reopen a wrongly rejected one) — a role of its own
 * beside the Store (same database).
 *
 * Goals: the rules that depend on what is stored hold in the database: one
 * approved claim per author name per paper (a partial unique index: two
 * users cannot both be approved as the same author), one open or approved
 * claim per user per paper; only a pending claim is decided, only a
 * rejected one reopened; a paper that takes its arXiv id keeps its claims;
 * a deleted user's or paper's claims go with it. Non-goals: whether the
 * name is on the paper, who may decide (web/).
 */

export type ClaimStatus = 'pending' | 'approved' | 'rejected';

export interface AuthorshipClaim {
  id: number;
  paperId: string;
  userId: number;
  username: string;
  /** The author name as the paper lists it. */
  authorName: string;
  status: ClaimStatus;
  createdAt: string;
  decidedAt: string | null;
  /** The admin who decided last, or null (pending, or a deleted account). */
  decidedBy: string | null;
  /** The admin's note to the claimant (why a claim was rejected). */
  note: string;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: AuthorshipClaim }
  | { kind: 'no_paper' }
  /** The user has a pending or approved claim on this paper already. */
  | { kind: 'duplicate'; claim: AuthorshipClaim }
  /** Another user is approved as this author of this paper. */
  | { kind: 'taken' };

export interface AuthorshipStore {
  claim(c: { paperId: string; userId: number; authorName: string; now: Date }): Promise<ClaimOutcome>;
  getClaim(id: number): Promise<AuthorshipClaim | null>;
  /**
   * Approves or rejects a pending claim; null when there is no pending claim
   * with that id, 'taken' when approving would make a second approved claim
   * of the same author name.
   */
  decide(id: number, d: { by: number; status: 'approved' | 'rejected'; note: string; now: Date }): Promise<AuthorshipClaim | null | 'taken'>;
  /** Puts a rejected claim back to pending; null when there is no rejected claim with that id. */
  reopen(id: number, by: number, now: Date): Promise<AuthorshipClaim | null>;
  /** Claims in a status, oldest first (the admins' queue is `pending`). */
  claimsByStatus(status: ClaimStatus, limit: number, offset: number): Promise<{ items: AuthorshipClaim[]; total: number }>;
  /** A user's claims, newest first. */
  claimsOf(userId: number): Promise<AuthorshipClaim[]>;
  /** A paper's claims, pending and approved (what its page shows). */
  claimsOfPaper(paperId: string): Promise<AuthorshipClaim[]>;
  /** The papers a user is an approved author of, newest claim first. */
  authoredPapers(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }>;
}
