import type { DependencyContainer } from 'tsyringe';
import { container, resolveStrategyFactory } from '../di/container.js';
import { orderStrategies } from '../training/loop/strategy-pipeline.js';
import { parseStrategySpec, type StrategySpec } from './strategy-spec.js';
import type { TransferStrategy } from './transfer-strategy.js';

/**
 * Builds strategies from specs (`['layerwise:llrd=0.9', 'eda:n=4']`) through the factories registered
 * in the container (import `@tl/plugins`, or `loadPluginModule`, first). The composition is checked
 * here — unknown names, bad options, conflicting pairs — so a command fails before loading any data.
 * Returned in the order given; the Trainer orders them by phase.
 */
export function createStrategies(specs: readonly (string | StrategySpec)[], from: DependencyContainer = container): TransferStrategy[] {
  const strategies = specs.map((spec) => {
    const { name, options } = typeof spec === 'string' ? parseStrategySpec(spec) : spec;
    return resolveStrategyFactory(name, from).create(options);
  });
  orderStrategies(strategies);
  return strategies;
}
