import { isTlError } from '@tl/core';

/**
 * Turns any failure into the one line a user sees: TlErrors carry a message written for users;
 * anything else is unexpected and says so. Stacks only with --verbose.
 */
export function reportError(error: unknown, verbose: boolean): void {
  const message = isTlError(error)
    ? error.message
    : `unexpected error: ${error instanceof Error ? error.message : String(error)} (run with --verbose for details)`;
  process.stderr.write(`tl: error: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
