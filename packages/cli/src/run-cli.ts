import { CommanderError, type Command } from 'commander';
import { buildProgram } from './program.js';
import { reportError } from './runtime/errors.js';

/**
 * Runs `tl` on `argv` (node-style: `[node, script, ...args]`) in this process and returns the exit
 * code instead of exiting, so bin.ts and in-process drivers (the CLI fuzzer in scripts/faults) share
 * one path from a failure to its `tl: error: ...` line and exit 1.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  throwInsteadOfExiting(program);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // commander has already printed its own message (or the help); it knows the exit code.
    if (error instanceof CommanderError) return error.exitCode;
    reportError(error, argv.includes('--verbose'));
    return 1;
  }
}

/** commander calls process.exit on a usage error unless told otherwise, per command (addCommand does not inherit it). */
function throwInsteadOfExiting(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExiting(sub);
}
