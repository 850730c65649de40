/**
 * The OrganizationStore: organizations as the community keeps them — created
 * and edited by admins, with members, linked to papers, followed by users — a
 * role of its own beside the Store (same database; imports also write
 * organizations, through the Store).
 *
 * Goals: an organization's name is its key (unique, as in URLs, compared
 * without case on creation so "OpenAI" and "openai" cannot both exist); a
 * user is a member or a follower at most once (the keys); linking a paper
 * writes the paper's organization, so the change feed tells the indexes
 * (search filters by organization); deleting a user takes their memberships
 * and follows with them. Non-goals: who may edit or link (web/: admins, and
 * submitters for the organizations they belong to), organization pages.
 */
import type { Organization } from '../domain/paper.js';

export interface OrganizationSummary extends Organization {
  /** Papers linked to it. */
  papers: number;
  members: number;
  followers: number;
}

export interface OrganizationMember {
  userId: number;
  username: string;
  since: string;
}

export interface OrganizationStore {
  /** A new organization; 'taken' when the name exists already (in any case). */
  createOrganization(o: Organization): Promise<'created' | 'taken'>;
  /** Changes the full name and avatar (null clears); null when there is no such organization. */
  updateOrganization(name: string, patch: { fullname: string | null; avatarUrl: string | null }): Promise<Organization | null>;
  /** Organizations by name, with counts. */
  listOrganizations(limit: number, offset: number): Promise<{ items: OrganizationSummary[]; total: number }>;
  /** Adds a member (idempotent); false when the organization or the user does not exist. */
  addMember(name: string, userId: number, now: Date): Promise<boolean>;
  removeMember(name: string, userId: number): Promise<boolean>;
  /** Members by name. */
  members(name: string): Promise<OrganizationMember[]>;
  /** Names of the organizations a user belongs to. */
  membershipsOf(userId: number): Promise<string[]>;
  /**
   * Links a paper to an organization (null unlinks); 'no_paper' / 'no_org'
   * when either is missing.
   */
  linkPaper(paperId: string, name: string | null): Promise<'linked' | 'no_paper' | 'no_org'>;
  /** Follows (idempotent); false when there is no such organization. */
  follow(userId: number, name: string, now: Date): Promise<boolean>;
  unfollow(userId: number, name: string): Promise<boolean>;
  /** Names of the organizations a user follows, by name. */
  followedBy(userId: number): Promise<string[]>;
  /** Whether a user follows an organization. */
  follows(userId: number, name: string): Promise<boolean>;
}
