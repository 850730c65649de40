/**
 * Test helper: runs one registered CLI command in-process, capturing what it
 * writes to stdout and the exit code it sets (restored afterwards). Only our
 * text is captured: the test runner's own (binary) protocol messages go
 * through untouched.
 */
import { Command } from 'commander';

export async function runCommand(register: (p: Command) => void, args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command().exitOverride();
  register(program);
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  const before = process.exitCode;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'paperboy', ...args]);
  } finally {
    process.stdout.write = write;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { out, exitCode };
}
