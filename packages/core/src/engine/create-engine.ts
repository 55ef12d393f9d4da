import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import type { Backend } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu-backend.js';
import { WasmBackend } from '../backend/wasm-backend.js';
import { container, registerBackend, resolveBackendFactory } from '../di/container.js';
import { TOKENS } from '../di/tokens.js';

registerBackend({ name: 'wasm', create: (o) => new WasmBackend(o) });
registerBackend({ name: 'cpu', create: () => new CpuBackend() });

export interface EngineOptions {
  /** A registered backend name (`wasm`, `cpu`, `webgpu`, `cuda`, `torch-cpu`) or an instance. */
  readonly backend?: string | Backend;
  /** Options passed to a backend chosen by name. */
  readonly backendOptions?: Record<string, unknown>;
}

/** An initialised backend plus the container that knows it; what every other API takes. */
export interface Engine {
  readonly backend: Backend;
  readonly container: DependencyContainer;
  /** The shared tfjs-core module, for users who want raw tensor ops on the same engine. */
  readonly tf: typeof tf;
  dispose(): Promise<void>;
}

/** Creates and activates an engine. Changing `backend` is the one line that moves work to a GPU. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const choice = options.backend ?? 'wasm';
  const backend = typeof choice === 'string' ? resolveBackendFactory(choice).create(options.backendOptions) : choice;
  await backend.init();
  const child = container.createChildContainer();
  child.register(TOKENS.Backend, { useValue: backend });
  return {
    backend,
    container: child,
    tf,
    async dispose() {
      await backend.dispose();
    },
  };
}
