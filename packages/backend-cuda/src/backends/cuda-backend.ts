import { TlError, type Backend, type BackendCapabilities } from '@tl/core';
import { loadAddon } from '../native/addon.js';
import { activateTorchBackend } from './activate.js';

export interface CudaBackendOptions {
  /** CUDA device index (default 0). */
  readonly device?: number;
  /** 'bf16': float32 matmuls run in bfloat16 with float32 results (torch.autocast's matmul rule). */
  readonly autocast?: 'bf16' | false;
  /** Allow TF32 tensor cores for float32 matmuls (PyTorch's default, and ours: off). */
  readonly tf32?: boolean;
}

/** libtorch on an NVIDIA GPU (`--backend cuda`). */
export class CudaBackend implements Backend {
  readonly name = 'cuda';
  private readonly device: number;
  private description = '';

  constructor(private readonly options: CudaBackendOptions = {}) {
    this.device = options.device ?? 0;
    if (!Number.isInteger(this.device) || this.device < 0) {
      throw new TlError('BACKEND', `cuda: device must be a non-negative integer, got ${String(options.device)}`);
    }
  }

  async init(): Promise<void> {
    let loaded;
    try {
      loaded = loadAddon();
    } catch (e) {
      throw new TlError('BACKEND', `cuda: ${(e as Error).message}`, { cause: e });
    }
    const { addon, path } = loaded;
    const version = addon.torchVersion();
    if (!addon.cudaAvailable()) {
      throw new TlError(
        'BACKEND',
        `cuda: no CUDA device available to libtorch ${version} (addon ${path}): torch::cuda::is_available() is false — ` +
          'either the addon was built against a CPU-only libtorch (Debian libtorch-dev is CPU-only; build against a ' +
          'CUDA PyTorch install or set LIBTORCH), or no NVIDIA GPU/driver is visible. Use --backend torch-cpu for the CPU.',
      );
    }
    const count = addon.cudaDeviceCount();
    if (this.device >= count) {
      throw new TlError('BACKEND', `cuda: device ${this.device} requested but libtorch sees ${count} CUDA device(s)`);
    }
    addon.setTf32(this.options.tf32 ?? false);
    const bf16 = this.options.autocast === 'bf16';
    this.description = `libtorch ${version} cuda:${this.device}${bf16 ? ', bf16 autocast' : ''}${this.options.tf32 ? ', TF32' : ''}`;
    await activateTorchBackend(this.name, loaded, { device: this.device, autocastBf16: bf16 });
  }

  capabilities(): BackendCapabilities {
    return { device: 'gpu', float16: this.options.autocast === 'bf16', description: this.description };
  }

  async dispose(): Promise<void> {}
}
