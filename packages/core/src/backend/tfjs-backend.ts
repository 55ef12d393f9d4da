import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';

/** Activates a registered tfjs backend, turning tfjs's boolean failure into an error that says why. */
export async function activateTfjsBackend(name: string): Promise<void> {
  if (!tf.findBackendFactory(name)) {
    throw new TlError('BACKEND', `tfjs backend "${name}" is not registered (is its package imported?)`);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new TlError('BACKEND', `tfjs backend "${name}" failed to initialise`);
  await tf.ready();
}
