import type { Command } from 'commander';
import { createStrategies, type TransferStrategy } from '@tl/core';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--strategy SPEC`, repeatable, in `name:key=value,...` form; shared by every command that trains with strategies. */
export function addStrategyOption(command: Command, description: string): Command {
  return command.option('--strategy <spec>', description, collect, []);
}

/**
 * Makes the built-in strategies (@tl/plugins) known by name when a command was given any spec. The
 * import is lazy: it registers every strategy in @tl/core's container, which a run without
 * `--strategy` does not need.
 */
export async function loadStrategyPlugins(specs: readonly string[]): Promise<void> {
  if (specs.length > 0) await import('@tl/plugins');
}

/**
 * `--strategy` specs → strategies, through core's parser and factory registry. Unknown names, bad
 * options and conflicting combinations are errors here, before any model or data is loaded.
 */
export async function strategiesFromSpecs(specs: readonly string[]): Promise<TransferStrategy[]> {
  await loadStrategyPlugins(specs);
  return createStrategies(specs);
}
