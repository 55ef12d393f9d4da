import * as tf from '@tensorflow/tfjs-core';
import { activateTfjsBackend } from '@tl/core';
import type { LoadedAddon } from '../native/addon.js';
import { registerTorchKernels } from '../kernels/register.js';
import { TorchBackend, type TorchBackendOptions } from '../torch-backend.js';

const registeredDevice = new Map<string, number>();

/**
 * Registers the tfjs backend `name` over the addon with its kernels (again only when the device
 * changed, which drops the old backend) and makes it the active tfjs backend; the autocast setting
 * applies to the live backend, so switching it keeps every tensor. Low priority, so tfjs never picks
 * it unasked.
 */
export async function activateTorchBackend(name: string, loaded: LoadedAddon, options: TorchBackendOptions): Promise<void> {
  if (registeredDevice.get(name) !== options.device) {
    if (tf.findBackendFactory(name)) tf.removeBackend(name);
    tf.registerBackend(name, () => new TorchBackend(loaded, options), 0);
    registeredDevice.set(name, options.device);
  }
  registerTorchKernels(name, loaded.addon);
  await activateTfjsBackend(name);
  (tf.backend() as TorchBackend).autocastBf16 = options.autocastBf16 ?? false;
}
