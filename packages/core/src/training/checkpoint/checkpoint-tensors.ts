import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import { toFloat32 } from '../../io/safetensors/convert.js';
import type { RawTensor } from '../../io/safetensors/dtype.js';
import type { Model } from '../../model/model.js';

/**
 * The tensor side of a resume, apart from the files (trainer-checkpoint.ts) so that it also exists
 * where there are no files (the browser variant of trainer-checkpoint).
 */

/** Copies saved weights into the model's parameters, bit for bit; every parameter must be present. */
export function restoreParameters(model: Model, weights: ReadonlyMap<string, RawTensor>, source: string): void {
  for (const name of model.parameters.names()) {
    const raw = weights.get(name);
    if (!raw) throw new TlError('CHECKPOINT', `${source}: no tensor ${name}`);
    const t = tf.tensor(toFloat32(raw).slice(), [...raw.shape], 'float32');
    try {
      model.parameters.assign(name, t);
    } finally {
      t.dispose();
    }
  }
}

/** Saved tensors as tfjs tensors (the caller disposes them). */
export function toTensors(raw: ReadonlyMap<string, RawTensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, r] of raw) out.set(name, tf.tensor(toFloat32(r).slice(), [...r.shape], 'float32'));
  return out;
}
