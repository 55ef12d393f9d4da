import type { InjectionToken } from 'tsyringe';
import type { BackendFactory, Backend } from '../backend/backend.js';
import type { TransferStrategyFactory } from '../transfer/transfer-strategy.js';
import type { Callback } from '../training/callback.js';

/**
 * Injection tokens. Vitest compiles with esbuild, which emits no decorator metadata, so everything is
 * injected by these explicit tokens rather than by constructor types.
 */
export interface NamedBackendFactory {
  readonly name: string;
  readonly create: BackendFactory;
}
export interface NamedStrategyFactory {
  readonly name: string;
  readonly create: TransferStrategyFactory;
}

export const TOKENS = {
  /** Several registrations: every backend the process knows by name. */
  BackendFactory: Symbol.for('tl.BackendFactory') as InjectionToken<NamedBackendFactory>,
  /** The active backend of an engine. */
  Backend: Symbol.for('tl.Backend') as InjectionToken<Backend>,
  /** Several registrations: strategy plugins configurable by name. */
  TransferStrategy: Symbol.for('tl.TransferStrategy') as InjectionToken<NamedStrategyFactory>,
  /** Several registrations: callbacks every Trainer created from the container gets. */
  Callback: Symbol.for('tl.Callback') as InjectionToken<Callback>,
} as const;
