/**
 * The AuthorshipStore on the SqliteStore's connection: claims are rows of
 * `authorship_claims`; the two partial unique indexes hold the rules (one
 * approved claim per author name per paper, one open or approved claim per
 * user per paper), and each write checks them first inside an IMMEDIATE
 * transaction so the answer names the rule instead of failing.
 */
import type Database from 'better-sqlite3';
import type { AuthorshipClaim, AuthorshipStore, ClaimOutcome, ClaimStatus } from '../authorship-store.js';
import { CLAIM_SELECT as COLS, notHidden, rowToClaim as toClaim, type ClaimRow } from '../community-rows.js';

export class SqliteAuthorshipStore implements AuthorshipStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      paper: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      one: db.prepare(`SELECT ${COLS} WHERE c.id = ?`),
      openOfUser: db.prepare(`SELECT ${COLS} WHERE c.paper_id = ? AND c.user_id = ? AND c.status <> 'rejected'`),
      approvedAuthor: db.prepare("SELECT 1 FROM authorship_claims WHERE paper_id = ? AND author_name = ? AND status = 'approved' AND id <> ?"),
      insert: db.prepare("INSERT INTO authorship_claims (paper_id, user_id, author_name, status, created_at) VALUES (?, ?, ?, 'pending', ?)"),
      decide: db.prepare("UPDATE authorship_claims SET status = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ? AND status = 'pending'"),
      reopen: db.prepare("UPDATE authorship_claims SET status = 'pending', decided_at = ?, decided_by = ? WHERE id = ? AND status = 'rejected'"),
      byStatus: db.prepare(`SELECT ${COLS} WHERE c.status = ? ORDER BY c.id LIMIT ? OFFSET ?`),
      countStatus: db.prepare('SELECT COUNT(*) AS n FROM authorship_claims WHERE status = ?'),
      ofUser: db.prepare(`SELECT ${COLS} WHERE c.user_id = ? ORDER BY c.id DESC`),
      ofPaper: db.prepare(`SELECT ${COLS} WHERE c.paper_id = ? AND c.status <> 'rejected' ORDER BY c.id`),
      authored: db.prepare(`SELECT c.paper_id FROM authorship_claims c WHERE c.user_id = ? AND c.status = 'approved' AND ${notHidden('c.paper_id')}
        ORDER BY c.id DESC LIMIT ? OFFSET ?`),
      countAuthored: db.prepare(`SELECT COUNT(*) AS n FROM authorship_claims c WHERE c.user_id = ? AND c.status = 'approved' AND ${notHidden('c.paper_id')}`),
    };
  }

  private get(id: number): AuthorshipClaim | null {
    const r = this.s.one.get(id) as ClaimRow | undefined;
    return r ? toClaim(r) : null;
  }

  async claim(c: { paperId: string; userId: number; authorName: string; now: Date }): Promise<ClaimOutcome> {
    return this.db.transaction((): ClaimOutcome => {
      if (!this.s.paper.get(c.paperId)) return { kind: 'no_paper' };
      const mine = this.s.openOfUser.get(c.paperId, c.userId) as ClaimRow | undefined;
      if (mine) return { kind: 'duplicate', claim: toClaim(mine) };
      if (this.s.approvedAuthor.get(c.paperId, c.authorName, -1)) return { kind: 'taken' };
      const id = Number(this.s.insert.run(c.paperId, c.userId, c.authorName, c.now.toISOString()).lastInsertRowid);
      return { kind: 'claimed', claim: this.get(id)! };
    }).immediate();
  }

  async getClaim(id: number): Promise<AuthorshipClaim | null> {
    return this.get(id);
  }

  async decide(id: number, d: { by: number; status: 'approved' | 'rejected'; note: string; now: Date }): Promise<AuthorshipClaim | null | 'taken'> {
    return this.db.transaction((): AuthorshipClaim | null | 'taken' => {
      const c = this.get(id);
      if (!c || c.status !== 'pending') return null;
      if (d.status === 'approved' && this.s.approvedAuthor.get(c.paperId, c.authorName, id)) return 'taken';
      this.s.decide.run(d.status, d.now.toISOString(), d.by, d.note, id);
      return this.get(id);
    }).immediate();
  }

  async reopen(id: number, by: number, now: Date): Promise<AuthorshipClaim | null> {
    return this.db.transaction((): AuthorshipClaim | null => {
      const c = this.get(id);
      if (!c || c.status !== 'rejected') return null;
      // The user claimed this paper again since: that claim stands, this one stays closed.
      if (this.s.openOfUser.get(c.paperId, c.userId)) return null;
      this.s.reopen.run(now.toISOString(), by, id);
      return this.get(id);
    }).immediate();
  }

  async claimsByStatus(status: ClaimStatus, limit: number, offset: number): Promise<{ items: AuthorshipClaim[]; total: number }> {
    return {
      items: (this.s.byStatus.all(status, limit, offset) as ClaimRow[]).map(toClaim),
      total: (this.s.countStatus.get(status) as { n: number }).n,
    };
  }

  async claimsOf(userId: number): Promise<AuthorshipClaim[]> {
    return (this.s.ofUser.all(userId) as ClaimRow[]).map(toClaim);
  }

  async claimsOfPaper(paperId: string): Promise<AuthorshipClaim[]> {
    return (this.s.ofPaper.all(paperId) as ClaimRow[]).map(toClaim);
  }

  async authoredPapers(userId: number, limit: number, offset: number): Promise<{ paperIds: string[]; total: number }> {
    return {
      paperIds: (this.s.authored.all(userId, limit, offset) as { paper_id: string }[]).map((r) => r.paper_id),
      total: (this.s.countAuthored.get(userId) as { n: number }).n,
    };
  }
}
