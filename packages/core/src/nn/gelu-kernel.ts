import * as tf from '@tensorflow/tfjs-core';

/**
 * Optional tfjs kernels for the exact (erf) GELU, HF's `gelu`. The `gelu` activation
 * (activations.ts) calls them whenever the active backend registers both, and otherwise composes
 * tfjs ops: 5 kernels forward and ~16 backward per call, where one each does. @tl/backend-webgpu
 * registers both.
 *
 * Contract (`tf.registerKernel` under both names, for one backend):
 *   TL_GELU           inputs `{ x }` float32, any shape. Output y = x/2 · (1 + erf(x/√2)).
 *   TL_GELU_BACKWARD  inputs `{ dy, x }` of one shape. Output dx = dy · (½(1 + erf(x/√2)) + x·φ(x)),
 *                     φ(x) = e^(−x²/2)/√(2π).
 *   erf may be tfjs's own approximation (Abramowitz–Stegun 7.1.26, `backend_util.ERF_*`, |error| <
 *   1.5e-7, what tf.erf computes on every tfjs backend); results within 1e-5 of the op composition.
 * The gradient of TL_GELU (TL_GELU_BACKWARD) is registered here for every backend.
 */
export const TL_GELU = 'TlGelu';
export const TL_GELU_BACKWARD = 'TlGeluBackward';

/** Whether `backendName` (default: the active backend) registers both GELU kernels. */
export function hasGeluKernels(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_GELU, backendName) != null && tf.getKernel(TL_GELU_BACKWARD, backendName) != null;
}

/** Runs TL_GELU on the active backend (differentiable through the gradient registered here). */
export function runGeluKernel(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(TL_GELU, { x } as unknown as tf.NamedTensorMap) as tf.Tensor;
}

if (!tf.getGradient(TL_GELU)) {
  tf.registerGradient({
    kernelName: TL_GELU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => tf.engine().runKernel(TL_GELU_BACKWARD, { dy, x: saved[0]! } as unknown as tf.NamedTensorMap) as tf.Tensor,
    }),
  });
}
