/**
 * The OrganizationStore on the SqliteStore's connection: organizations are
 * the rows imports write too (`organizations`), members and follows are rows
 * keyed by (organization, user); linking a paper updates
 * `papers.organization`, which the change-feed trigger records.
 */
import type Database from 'better-sqlite3';
import type { Organization } from '../../domain/paper.js';
import type { OrganizationMember, OrganizationStore, OrganizationSummary } from '../organization-store.js';

interface OrgRow {
  name: string;
  fullname: string | null;
  avatar_url: string | null;
}

export class SqliteOrganizationStore implements OrganizationStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      exists: db.prepare('SELECT name FROM organizations WHERE name = ? COLLATE NOCASE'),
      exact: db.prepare('SELECT name, fullname, avatar_url FROM organizations WHERE name = ?'),
      insert: db.prepare('INSERT INTO organizations (name, fullname, avatar_url) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      update: db.prepare('UPDATE organizations SET fullname = ?, avatar_url = ? WHERE name = ?'),
      page: db.prepare(`SELECT o.name, o.fullname, o.avatar_url,
          (SELECT COUNT(*) FROM papers p WHERE p.organization = o.name) AS papers,
          (SELECT COUNT(*) FROM organization_members m WHERE m.org_name = o.name) AS members,
          (SELECT COUNT(*) FROM organization_follows f WHERE f.org_name = o.name) AS followers
        FROM organizations o ORDER BY o.name COLLATE NOCASE, o.name LIMIT ? OFFSET ?`),
      count: db.prepare('SELECT COUNT(*) AS n FROM organizations'),
      userExists: db.prepare('SELECT 1 FROM users WHERE id = ?'),
      addMember: db.prepare('INSERT INTO organization_members (org_name, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeMember: db.prepare('DELETE FROM organization_members WHERE org_name = ? AND user_id = ?'),
      members: db.prepare(`SELECT m.user_id, u.username, m.created_at FROM organization_members m JOIN users u ON u.id = m.user_id
        WHERE m.org_name = ? ORDER BY u.username`),
      membershipsOf: db.prepare('SELECT org_name FROM organization_members WHERE user_id = ? ORDER BY org_name'),
      paperExists: db.prepare('SELECT 1 FROM papers WHERE id = ?'),
      link: db.prepare('UPDATE papers SET organization = ? WHERE id = ?'),
      follow: db.prepare('INSERT INTO organization_follows (user_id, org_name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      unfollow: db.prepare('DELETE FROM organization_follows WHERE user_id = ? AND org_name = ?'),
      followedBy: db.prepare('SELECT org_name FROM organization_follows WHERE user_id = ? ORDER BY org_name'),
      follows: db.prepare('SELECT 1 FROM organization_follows WHERE user_id = ? AND org_name = ?'),
    };
  }

  async createOrganization(o: Organization): Promise<'created' | 'taken'> {
    if (this.s.exists.get(o.name)) return 'taken';
    return this.s.insert.run(o.name, o.fullname, o.avatarUrl).changes > 0 ? 'created' : 'taken';
  }

  async updateOrganization(name: string, patch: { fullname: string | null; avatarUrl: string | null }): Promise<Organization | null> {
    if (this.s.update.run(patch.fullname, patch.avatarUrl, name).changes === 0) return null;
    const r = this.s.exact.get(name) as OrgRow;
    return { name: r.name, fullname: r.fullname, avatarUrl: r.avatar_url };
  }

  async listOrganizations(limit: number, offset: number): Promise<{ items: OrganizationSummary[]; total: number }> {
    const rows = this.s.page.all(limit, offset) as (OrgRow & { papers: number; members: number; followers: number })[];
    return {
      items: rows.map((r) => ({ name: r.name, fullname: r.fullname, avatarUrl: r.avatar_url, papers: r.papers, members: r.members, followers: r.followers })),
      total: (this.s.count.get() as { n: number }).n,
    };
  }

  async addMember(name: string, userId: number, now: Date): Promise<boolean> {
    if (!this.s.exact.get(name) || !this.s.userExists.get(userId)) return false;
    this.s.addMember.run(name, userId, now.toISOString());
    return true;
  }

  async removeMember(name: string, userId: number): Promise<boolean> {
    return this.s.removeMember.run(name, userId).changes > 0;
  }

  async members(name: string): Promise<OrganizationMember[]> {
    return (this.s.members.all(name) as { user_id: number; username: string; created_at: string }[])
      .map((r) => ({ userId: r.user_id, username: r.username, since: r.created_at }));
  }

  async membershipsOf(userId: number): Promise<string[]> {
    return (this.s.membershipsOf.all(userId) as { org_name: string }[]).map((r) => r.org_name);
  }

  async linkPaper(paperId: string, name: string | null): Promise<'linked' | 'no_paper' | 'no_org'> {
    if (!this.s.paperExists.get(paperId)) return 'no_paper';
    if (name !== null && !this.s.exact.get(name)) return 'no_org';
    this.s.link.run(name, paperId);
    return 'linked';
  }

  async follow(userId: number, name: string, now: Date): Promise<boolean> {
    if (!this.s.exact.get(name)) return false;
    this.s.follow.run(userId, name, now.toISOString());
    return true;
  }

  async unfollow(userId: number, name: string): Promise<boolean> {
    return this.s.unfollow.run(userId, name).changes > 0;
  }

  async followedBy(userId: number): Promise<string[]> {
    return (this.s.followedBy.all(userId) as { org_name: string }[]).map((r) => r.org_name);
  }

  async follows(userId: number, name: string): Promise<boolean> {
    return !!this.s.follows.get(userId, name);
  }
}
