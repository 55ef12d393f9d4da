import { explainOutOfMemory, isTlError } from '@tl/core';

/**
 * Turns any failure into the one line a user sees: TlErrors carry a message written for users;
 * anything else is unexpected and says so. Stacks only with --verbose.
 */
export function reportError(thrown: unknown, verbose: boolean): void {
  // The wasm backend's out-of-memory failures name nothing; say what they most likely are.
  const error = explainOutOfMemory(thrown) ?? thrown;
  const message = isTlError(error)
    ? error.message
    : `unexpected error: ${error instanceof Error ? error.message : String(error)} (run with --verbose for details)`;
  process.stderr.write(`tl: error: ${message}\n`);
  if (verbose && thrown instanceof Error && thrown.stack) process.stderr.write(`${thrown.stack}\n`);
}
