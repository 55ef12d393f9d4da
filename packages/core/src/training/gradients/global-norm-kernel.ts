import * as tf from '@tensorflow/tfjs-core';

/**
 * The name of an optional tfjs kernel that computes the global L2 norm of many tensors in one call,
 * √(Σ over tensors of Σ x²): clipping by global norm's norm (torch's `clip_grad_norm_` uses
 * `torch._foreach_norm` on a GPU for the same reason). `globalGradNorm` calls it whenever the active
 * backend registers it, and otherwise runs two kernels per tensor (Square, Sum) and a final sum.
 * For BERT-base's 201 gradients that is one kernel call per step instead of ~400, each of which
 * costs host time in tfjs's engine and the backend's dispatch on a GPU.
 *
 * Contract for an implementation (`tf.registerKernel({ kernelName: TL_GLOBAL_NORM, backendName, kernelFunc })`):
 *   inputs  `x0, x1, …` (names from `globalNormInputName`): float32 tensors of any shapes, at least
 *           one; read only.
 *   attrs   none.
 *   output  a float32 scalar: the norm, summed in float32 (or wider); within 1e-6 relative of the
 *           composition, NaN or Infinity when an input is not finite (the Trainer's NaN policy
 *           reads that).
 * No gradient is defined.
 */
export const TL_GLOBAL_NORM = 'TlGlobalNorm';

/** The input name of tensor `index` (`x0`, `x1`, …). */
export function globalNormInputName(index: number): string {
  return `x${index}`;
}

/** Whether `backendName` (default: the active backend) registers the global-norm kernel. */
export function hasGlobalNormKernel(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_GLOBAL_NORM, backendName) != null;
}

/** Runs the kernel on the active backend over `tensors` (at least one, float32): a scalar the caller owns. */
export function runGlobalNormKernel(tensors: readonly tf.Tensor[]): tf.Scalar {
  const inputs: Record<string, tf.Tensor> = {};
  tensors.forEach((t, i) => (inputs[globalNormInputName(i)] = t));
  return tf.engine().runKernel(TL_GLOBAL_NORM, inputs as tf.NamedTensorMap, {}) as tf.Scalar;
}
