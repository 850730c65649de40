/** Placeholder: the `harvest` command is registered here. */
import type { Command } from 'commander';

export function registerHarvest(program: Command): void {
  void program;
}
