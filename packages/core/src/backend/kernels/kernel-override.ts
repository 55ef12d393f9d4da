import * as tf from '@tensorflow/tfjs-core';

/** What an override is built from: tfjs's own kernel for the same name and backend, if it has one. */
export type OverrideFactory = (original: tf.KernelConfig | undefined) => tf.KernelConfig;

/** Overrides tl registered, by `backend/kernel`, so a second registration is a no-op. */
const installed = new Map<string, tf.KernelConfig>();

/**
 * Registers a tl kernel for `backendName`, replacing tfjs's own kernel of that name (which is
 * handed to `make`, so an override can delegate to it). Idempotent: when the kernel registered now
 * is already tl's, nothing happens. The original's `setupFunc` must still run when the backend
 * initialises (it binds the wasm exports the original kernel calls), so overrides that delegate
 * chain it from their own `setupFunc`.
 */
export function overrideKernel(kernelName: string, backendName: string, make: OverrideFactory): void {
  const key = `${backendName}/${kernelName}`;
  const current = tf.getKernel(kernelName, backendName);
  if (current && installed.get(key) === current) return;
  const config = make(current);
  if (config.kernelName !== kernelName || config.backendName !== backendName) {
    throw new Error(`kernel override for ${key} registered as ${config.backendName}/${config.kernelName}`);
  }
  if (current) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(config);
  installed.set(key, tf.getKernel(kernelName, backendName)!);
}
