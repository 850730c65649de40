/**
 * The accounts line of `paperboy doctor`: how many users, admins and
 * moderators, and a warning while the site has no admin (nobody could grant
 * roles or moderate) saying how to make the first one.
 */
import type { Backend, HealthCheck } from '../store/backend.js';

export async function accountChecks(backend: Backend): Promise<HealthCheck[]> {
  let users: number, admins: number, moderators: number;
  try {
    [users, admins, moderators] = await Promise.all([
      backend.accounts.countUsers(), backend.accounts.countUsers('admin'), backend.accounts.countUsers('moderator'),
    ]);
  } catch {
    // A database from before accounts (read-only here, not migrated): the schema line already says so.
    return [];
  }
  const counts = `${users} user${users === 1 ? '' : 's'}, ${admins} admin${admins === 1 ? '' : 's'}, ${moderators} moderator${moderators === 1 ? '' : 's'}`;
  return admins > 0
    ? [{ level: 'ok', name: 'accounts', message: counts }]
    : [{ level: 'warn', name: 'accounts', message: `${counts}: no admin yet, so nobody can grant roles; make one with paperboy user create NAME --email ADDRESS --admin` }];
}

/** How often `serve` removes expired sessions, spent mail links and stale login counters: hourly (they are small rows). */
export const ACCOUNT_PRUNE_INTERVAL_MS = 3_600_000;
