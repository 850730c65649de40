/** Placeholder: the `index` command is registered here. */
import type { Command } from 'commander';

export function registerIndex(program: Command): void {
  void program;
}
