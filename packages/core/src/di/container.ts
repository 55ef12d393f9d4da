import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { TOKENS, type NamedBackendFactory, type NamedStrategyFactory } from './tokens.js';
import { TlError } from '../errors/tl-error.js';

/**
 * The process-wide root container. Packages register their backends and strategies here on import
 * (`registerBackend`, `registerStrategy`); an engine resolves from a child so per-engine choices
 * (the active backend) stay local.
 */
export const container: DependencyContainer = rootContainer;

export function registerBackend(factory: NamedBackendFactory, into: DependencyContainer = container): void {
  if (listBackends(into).includes(factory.name)) return;
  into.register(TOKENS.BackendFactory, { useValue: factory });
}

/**
 * Registers a strategy by name. The same factory again is a no-op (a plugin module may register what
 * it also exports). Another factory under a taken name is an error: dropping it silently ran the
 * built-in a user meant to replace, and letting it win would change what a name means by load order.
 */
export function registerStrategy(factory: NamedStrategyFactory, into: DependencyContainer = container): void {
  const existing = into.isRegistered(TOKENS.TransferStrategy, true)
    ? into.resolveAll(TOKENS.TransferStrategy).find((f) => f.name === factory.name)
    : undefined;
  if (existing !== undefined) {
    if (existing === factory || existing.create === factory.create) return;
    throw new TlError(
      'STRATEGY',
      `strategy "${factory.name}" is already registered (by @tl/plugins or an earlier plugin); a strategy cannot replace another: give it a name of its own`,
    );
  }
  into.register(TOKENS.TransferStrategy, { useValue: factory });
}

export function listBackends(from: DependencyContainer = container): string[] {
  return from.isRegistered(TOKENS.BackendFactory, true)
    ? from.resolveAll(TOKENS.BackendFactory).map((f) => f.name)
    : [];
}

export function listStrategies(from: DependencyContainer = container): string[] {
  return from.isRegistered(TOKENS.TransferStrategy, true)
    ? from.resolveAll(TOKENS.TransferStrategy).map((f) => f.name)
    : [];
}

export function resolveBackendFactory(name: string, from: DependencyContainer = container): NamedBackendFactory {
  const found = from.isRegistered(TOKENS.BackendFactory, true)
    ? from.resolveAll(TOKENS.BackendFactory).find((f) => f.name === name)
    : undefined;
  if (!found) {
    throw new TlError(
      'BACKEND',
      `unknown backend "${name}"; registered: ${listBackends(from).join(', ') || 'none'} ` +
        `(webgpu and cuda need their package imported: @tl/backend-webgpu, @tl/backend-cuda)`,
    );
  }
  return found;
}

export function resolveStrategyFactory(name: string, from: DependencyContainer = container): NamedStrategyFactory {
  const found = from.isRegistered(TOKENS.TransferStrategy, true)
    ? from.resolveAll(TOKENS.TransferStrategy).find((f) => f.name === name)
    : undefined;
  if (!found) {
    throw new TlError('STRATEGY', `unknown strategy "${name}"; registered: ${listStrategies(from).join(', ') || 'none'}`);
  }
  return found;
}
