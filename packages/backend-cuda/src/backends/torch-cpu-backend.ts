import { availableParallelism } from 'node:os';
import type { Backend, BackendCapabilities } from '@tl/core';
import { loadAddon } from '../native/addon.js';
import { activateTorchBackend } from './activate.js';

export interface TorchCpuBackendOptions {
  /** ATen intra-op threads; default: the cores this process may use. */
  readonly threads?: number;
}

/** libtorch on the CPU (`--backend torch-cpu`): PyTorch's own CPU kernels behind tfjs ops. */
export class TorchCpuBackend implements Backend {
  readonly name = 'torch-cpu';
  private threads = 0;
  private version = '';

  constructor(private readonly options: TorchCpuBackendOptions = {}) {}

  async init(): Promise<void> {
    const loaded = loadAddon();
    this.threads = Math.max(1, Math.floor(this.options.threads ?? availableParallelism()));
    loaded.addon.setThreads(this.threads);
    this.version = loaded.addon.torchVersion();
    await activateTorchBackend(this.name, loaded, { device: -1 });
  }

  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: `libtorch ${this.version} CPU, ${this.threads} threads` };
  }

  async dispose(): Promise<void> {}
}
