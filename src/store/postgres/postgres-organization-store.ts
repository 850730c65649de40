/**
 * The OrganizationStore on PostgreSQL: organizations are the rows imports
 * write too (`organizations`), members and follows are rows keyed by
 * (organization, user); linking a paper updates `papers.organization`, which
 * the change-feed trigger records. Creating an organization and linking a
 * paper hold PAPER_WRITE_LOCK, under which imports write organizations and
 * papers, so a name taken in another case is seen and an import's merge
 * never overwrites a link it did not read. Names compare as SQLite's
 * COLLATE NOCASE does where the rule is "in any case" (lower()).
 */
import type pg from 'pg';
import type { Organization } from '../../domain/paper.js';
import type { OrganizationMember, OrganizationStore, OrganizationSummary } from '../organization-store.js';
import { PAPER_WRITE_LOCK, withTransaction } from './postgres-pool.js';
import { rowToOrg, type OrgRow } from './postgres-rows.js';

export class PostgresOrganizationStore implements OrganizationStore {
  constructor(private readonly pool: pg.Pool) {}

  private async exists(q: pg.Pool | pg.PoolClient, name: string): Promise<boolean> {
    return ((await q.query('SELECT 1 FROM organizations WHERE name = $1', [name])).rowCount ?? 0) > 0;
  }

  async createOrganization(o: Organization): Promise<'created' | 'taken'> {
    return withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      if ((await c.query('SELECT 1 FROM organizations WHERE lower(name) = lower($1)', [o.name])).rowCount) return 'taken';
      const r = await c.query('INSERT INTO organizations (name, fullname, avatar_url) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [o.name, o.fullname, o.avatarUrl]);
      return (r.rowCount ?? 0) > 0 ? 'created' : 'taken';
    });
  }

  async updateOrganization(name: string, patch: { fullname: string | null; avatarUrl: string | null }): Promise<Organization | null> {
    const r = (await this.pool.query<OrgRow>('UPDATE organizations SET fullname = $1, avatar_url = $2 WHERE name = $3 RETURNING name, fullname, avatar_url',
      [patch.fullname, patch.avatarUrl, name])).rows[0];
    return r ? rowToOrg(r) : null;
  }

  async listOrganizations(limit: number, offset: number): Promise<{ items: OrganizationSummary[]; total: number }> {
    const rows = (await this.pool.query<OrgRow & { papers: number; members: number; followers: number }>(`SELECT o.name, o.fullname, o.avatar_url,
        (SELECT COUNT(*) FROM papers p WHERE p.organization = o.name) AS papers,
        (SELECT COUNT(*) FROM organization_members m WHERE m.org_name = o.name) AS members,
        (SELECT COUNT(*) FROM organization_follows f WHERE f.org_name = o.name) AS followers
      FROM organizations o ORDER BY lower(o.name), o.name LIMIT $1 OFFSET $2`, [limit, offset])).rows;
    const total = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM organizations')).rows[0].n;
    return {
      items: rows.map((r) => ({ ...rowToOrg(r), papers: r.papers, members: r.members, followers: r.followers })),
      total,
    };
  }

  async addMember(name: string, userId: number, now: Date): Promise<boolean> {
    // One statement: the organization and the user are checked as the row goes in (a member already is still true).
    const r = await this.pool.query<{ ok: boolean }>(`WITH ok AS (
        SELECT EXISTS (SELECT 1 FROM organizations WHERE name = $1::text) AND EXISTS (SELECT 1 FROM users WHERE id = $2::bigint) AS ok
      ), ins AS (
        INSERT INTO organization_members (org_name, user_id, created_at) SELECT $1::text, $2::bigint, $3::text FROM ok WHERE ok.ok ON CONFLICT DO NOTHING
      ) SELECT ok FROM ok`, [name, userId, now.toISOString()]);
    return r.rows[0].ok;
  }

  async removeMember(name: string, userId: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM organization_members WHERE org_name = $1 AND user_id = $2', [name, userId])).rowCount ?? 0) > 0;
  }

  async members(name: string): Promise<OrganizationMember[]> {
    const rows = (await this.pool.query<{ user_id: number; username: string; created_at: string }>(`SELECT m.user_id, u.username, m.created_at
      FROM organization_members m JOIN users u ON u.id = m.user_id WHERE m.org_name = $1 ORDER BY u.username`, [name])).rows;
    return rows.map((r) => ({ userId: r.user_id, username: r.username, since: r.created_at }));
  }

  async membershipsOf(userId: number): Promise<string[]> {
    return (await this.pool.query<{ org_name: string }>('SELECT org_name FROM organization_members WHERE user_id = $1 ORDER BY org_name',
      [userId])).rows.map((r) => r.org_name);
  }

  async linkPaper(paperId: string, name: string | null): Promise<'linked' | 'no_paper' | 'no_org'> {
    return withTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PAPER_WRITE_LOCK]);
      if (!(await c.query('SELECT 1 FROM papers WHERE id = $1', [paperId])).rowCount) return 'no_paper';
      if (name !== null && !(await this.exists(c, name))) return 'no_org';
      await c.query('UPDATE papers SET organization = $1 WHERE id = $2', [name, paperId]);
      return 'linked';
    });
  }

  async follow(userId: number, name: string, now: Date): Promise<boolean> {
    const r = await this.pool.query<{ ok: boolean }>(`WITH ok AS (
        SELECT EXISTS (SELECT 1 FROM organizations WHERE name = $2::text) AS ok
      ), ins AS (
        INSERT INTO organization_follows (user_id, org_name, created_at) SELECT $1::bigint, $2::text, $3::text FROM ok WHERE ok.ok ON CONFLICT DO NOTHING
      ) SELECT ok FROM ok`, [userId, name, now.toISOString()]);
    return r.rows[0].ok;
  }

  async unfollow(userId: number, name: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM organization_follows WHERE user_id = $1 AND org_name = $2', [userId, name])).rowCount ?? 0) > 0;
  }

  async followedBy(userId: number): Promise<string[]> {
    return (await this.pool.query<{ org_name: string }>('SELECT org_name FROM organization_follows WHERE user_id = $1 ORDER BY org_name',
      [userId])).rows.map((r) => r.org_name);
  }

  async follows(userId: number, name: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM organization_follows WHERE user_id = $1 AND org_name = $2', [userId, name])).rowCount ?? 0) > 0;
  }
}
