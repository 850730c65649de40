/**
 * The `paperboy` program: one file per command, wired here (main.ts runs it).
 *
 * Every command has --help; errors print one line saying what to do next and
 * exit non-zero (no stack traces unless PAPERBOY_DEBUG=1).
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { registerServe } from './serve.js';
import { registerImport } from './import.js';
import { registerHarvest } from './harvest.js';
import { registerStats } from './stats.js';
import { registerDoctor } from './doctor.js';
import { registerDigest } from './digest.js';
import { registerIndex } from './index-command.js';
import { registerDemo } from './demo.js';
import { registerUser } from './user.js';
import { registerMigrateDb } from './migrate-db.js';
import { registerBackup } from './backup.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('paperboy')
    .description('A self-hostable research-paper hub: daily lists, trending, search, digests and a Hub-compatible papers API.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerServe(program);
  registerImport(program);
  registerHarvest(program);
  registerStats(program);
  registerDoctor(program);
  registerDigest(program);
  registerIndex(program);
  registerDemo(program);
  registerUser(program);
  registerMigrateDb(program);
  registerBackup(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`paperboy: configuration error: ${err.message}\n`);
    } else {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`paperboy: ${msg}\n`);
      if (process.env.PAPERBOY_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
    process.exitCode = 1;
  }
}

