/** Placeholder: the `digest` command is registered here. */
import type { Command } from 'commander';

export function registerDigest(program: Command): void {
  void program;
}
