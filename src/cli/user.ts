/**
 * `paperboy user create|role|list`: accounts from the command line — above
 * all the first admin (`paperboy user create alice --email a@example.org
 * --admin`), who then grants roles on the site's admin page.
 *
 * The password is never an argument (it would sit in the shell history and
 * the process list): it is asked twice without echo on a terminal, or read
 * from the first line of stdin otherwise (`… < password.txt`). A user made
 * here has a verified address (the operator vouches for it).
 * Non-goals: the rules (accounts/).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openBackend } from '../store/open-backend.js';
import { AccountService } from '../accounts/account-service.js';
import { createLogMailer } from '../digest/smtp.js';
import { ROLES, type Role } from '../store/account-store.js';

/** How the command gets a password; tests supply their own. */
export interface PasswordSource {
  readPassword(prompt: string): Promise<string>;
}

/** Reads a line without echo on a terminal (raw mode), or the first line of piped stdin. */
export const stdinPasswords: PasswordSource = {
  async readPassword(prompt: string): Promise<string> {
    const stdin = process.stdin;
    if (!stdin.isTTY) {
      let data = '';
      stdin.setEncoding('utf8');
      for await (const chunk of stdin) {
        data += chunk;
        if (data.includes('\n')) break;
      }
      return data.split(/\r?\n/)[0];
    }
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    return new Promise((ok, fail) => {
      let typed = '';
      const done = (err: Error | null) => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.removeListener('data', onData);
        process.stderr.write('\n');
        if (err) fail(err);
        else ok(typed);
      };
      const onData = (s: string) => {
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') return done(null);
          if (ch === '\u0003') return done(new Error('cancelled'));
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  },
};

interface CreateOptions {
  db?: string;
  email: string;
  admin?: boolean;
  moderator?: boolean;
}

export function registerUser(program: Command, passwords: PasswordSource = stdinPasswords): void {
  const user = program.command('user').description('create users (the first admin), change roles, list users');
  const dbOption = ['--db <file>', 'SQLite database file or postgres:// URL (env PAPERBOY_DB, default ./data/paperboy.db)'] as const;

  user.command('create <username>')
    .description('create a user with a verified address; --admin for the first admin (the password is asked, or read from stdin)')
    .requiredOption('--email <address>', 'the user\'s email address')
    .option('--admin', 'make the user an admin (manages users and roles)')
    .option('--moderator', 'make the user a moderator (hides comments)')
    .option(...dbOption)
    .action(async (username: string, opts: CreateOptions) => {
      if (opts.admin && opts.moderator) throw new Error('use either --admin or --moderator, not both');
      const role: Role = opts.admin ? 'admin' : opts.moderator ? 'moderator' : 'user';
      const config = loadConfig({ db: opts.db });
      const password = await passwords.readPassword(`Password for ${username}: `);
      if (process.stdin.isTTY) {
        const again = await passwords.readPassword('Again: ');
        if (again !== password) throw new Error('the two passwords differ; nothing was created');
      }
      const backend = await openBackend(config.db, { indexDir: config.indexDir });
      try {
        const service = new AccountService({ accounts: backend.accounts, send: createLogMailer().send, publicUrl: config.publicUrl, now: () => new Date() });
        const r = await service.createUserDirectly({ username, email: opts.email, password, role });
        if (!r.ok) throw new Error(r.message);
        process.stdout.write(`created ${r.user.role === 'user' ? 'user' : r.user.role} ${r.user.username} <${r.user.email}>; log in at ${config.publicUrl}/login\n`);
      } finally {
        await backend.close();
      }
    });

  user.command('role <username> <role>')
    .description(`set a user's role: ${ROLES.join(', ')}`)
    .option(...dbOption)
    .action(async (username: string, role: string, opts: { db?: string }) => {
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}, not "${role}"`);
      const config = loadConfig({ db: opts.db });
      const backend = await openBackend(config.db, { indexDir: config.indexDir });
      try {
        const u = await backend.accounts.getUserByUsername(username);
        if (!u) throw new Error(`no user "${username}"`);
        await backend.accounts.updateUser(u.id, { role: role as Role }, new Date());
        process.stdout.write(`${u.username} is now ${role}\n`);
      } finally {
        await backend.close();
      }
    });

  user.command('list')
    .description('list users: name, address, role, verified')
    .option(...dbOption)
    .action(async (opts: { db?: string }) => {
      const config = loadConfig({ db: opts.db });
      const backend = await openBackend(config.db, { indexDir: config.indexDir });
      try {
        const r = await backend.accounts.listUsers({ limit: 10_000, offset: 0 });
        for (const u of r.users) {
          process.stdout.write(`${u.username}\t${u.email}\t${u.role}\t${u.emailVerifiedAt ? 'verified' : 'unverified'}\n`);
        }
        process.stdout.write(`${r.total} user${r.total === 1 ? '' : 's'}\n`);
      } finally {
        await backend.close();
      }
    });
}
