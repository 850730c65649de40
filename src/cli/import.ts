/** Placeholder: the `import` command is registered here. */
import type { Command } from 'commander';

export function registerImport(program: Command): void {
  void program;
}
