import type { Command } from 'commander';
import { createStrategies, loadPluginModule, type TransferStrategy } from '@tl/core';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `--strategy SPEC` (repeatable, `name:key=value,...`) and `--plugin MODULE` (repeatable: a user's
 * module that provides strategies); shared by every command that trains with strategies.
 */
export function addStrategyOption(command: Command, description: string): Command {
  return command
    .option('--strategy <spec>', description, collect, [])
    .option(
      '--plugin <module>',
      'a JavaScript module providing strategies (calls registerStrategy on import, or exports `strategies`); repeatable',
      collect,
      [],
    );
}

/**
 * Makes the built-in strategies (@tl/plugins) and those of the user's `--plugin` modules known by
 * name. The built-in import is lazy: it registers every strategy in @tl/core's container, which a
 * run without `--strategy` does not need.
 */
export async function loadStrategyPlugins(specs: readonly string[], plugins: readonly string[] = []): Promise<void> {
  if (specs.length > 0 || plugins.length > 0) await import('@tl/plugins');
  for (const plugin of plugins) await loadPluginModule(plugin);
}

/**
 * `--strategy` specs → strategies, through core's parser and factory registry. Unknown names, bad
 * options, conflicting combinations and plugin modules that fail to load are errors here, before any
 * model or data is loaded.
 */
export async function strategiesFromSpecs(specs: readonly string[], plugins: readonly string[] = []): Promise<TransferStrategy[]> {
  await loadStrategyPlugins(specs, plugins);
  return createStrategies(specs);
}
