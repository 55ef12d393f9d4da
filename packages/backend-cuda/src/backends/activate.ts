import * as tf from '@tensorflow/tfjs-core';
import { activateTfjsBackend } from '@tl/core';
import type { LoadedAddon } from '../native/addon.js';
import { registerTorchKernels } from '../kernels/register.js';
import { TorchBackend, type TorchBackendOptions } from '../torch-backend.js';

const registeredWith = new Map<string, string>();

/**
 * Registers (or re-registers, when the options changed) the tfjs backend `name` over the addon with
 * its kernels, and makes it the active tfjs backend. Low priority, so tfjs never picks it unasked.
 */
export async function activateTorchBackend(name: string, loaded: LoadedAddon, options: TorchBackendOptions): Promise<void> {
  const key = JSON.stringify(options);
  if (registeredWith.get(name) !== key) {
    if (tf.findBackendFactory(name)) tf.removeBackend(name);
    tf.registerBackend(name, () => new TorchBackend(loaded, options), 0);
    registeredWith.set(name, key);
  }
  registerTorchKernels(name, loaded.addon);
  await activateTfjsBackend(name);
}
