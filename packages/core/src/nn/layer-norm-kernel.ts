import * as tf from '@tensorflow/tfjs-core';

/**
 * Optional tfjs kernels for LayerNorm over the last axis. `layerNorm` (layer-norm.ts) calls them
 * whenever the active backend registers both, and otherwise composes tfjs ops — about 10 kernels
 * forward and 35 backward per LayerNorm, which on a GPU backend (one dispatch each, launch overhead
 * dominating) is ~1,100 dispatches of a BERT-base training step. @tl/backend-webgpu registers both.
 *
 * Contract (`tf.registerKernel` under both names, for one backend):
 *   TL_LAYER_NORM           inputs `{ x, gamma, beta }` float32; x of any rank ≥ 1 with last axis H,
 *                           gamma and beta [H]. attrs `{ eps }`. Output y of x's shape:
 *                             y = (x − mean) / √(var + eps) · gamma + beta
 *                           with mean and the biased variance over the last axis (torch.nn.LayerNorm).
 *   TL_LAYER_NORM_BACKWARD  inputs `{ dy, x, gamma }`, attrs `{ eps }`. Output dx of x's shape:
 *                             dx = r · (g − mean(g) − x̂ · mean(g · x̂)),  g = dy · gamma,
 *                             x̂ = (x − mean) · r,  r = 1 / √(var + eps)   (means over the last axis)
 *   accuracy  fp32, within 1e-4 (relative) of the op composition.
 * Optional third kernel:
 *   TL_LAYER_NORM_GAMMA_GRAD inputs `{ dy, x, gamma }`, attrs `{ eps }`. Output dgamma [H] = Σ over
 *                           all rows of dy · x̂ (x̂ as above), within 1e-4 of the composition.
 * The gradient of TL_LAYER_NORM is registered here for every backend: dx from
 * TL_LAYER_NORM_BACKWARD; dgamma from TL_LAYER_NORM_GAMMA_GRAD where the backend registers it, and
 * otherwise Σ dy · x̂ with x̂ from TL_LAYER_NORM(x, 1, 0) (seven kernel calls: ones, zeros, the
 * forward again, two reshapes, a product and the column sum); dbeta = Σ dy over all rows.
 */
export const TL_LAYER_NORM = 'TlLayerNorm';
export const TL_LAYER_NORM_BACKWARD = 'TlLayerNormBackward';
export const TL_LAYER_NORM_GAMMA_GRAD = 'TlLayerNormGammaGrad';

export interface LayerNormKernelAttrs {
  readonly eps: number;
}

/** Whether `backendName` (default: the active backend) registers both LayerNorm kernels. */
export function hasLayerNormKernels(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_LAYER_NORM, backendName) != null && tf.getKernel(TL_LAYER_NORM_BACKWARD, backendName) != null;
}

/** Runs TL_LAYER_NORM on the active backend (differentiable through the gradient registered here). */
export function runLayerNormKernel(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel(TL_LAYER_NORM, { x, gamma, beta } as unknown as tf.NamedTensorMap, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

if (!tf.getGradient(TL_LAYER_NORM)) {
  tf.registerGradient({
    kernelName: TL_LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      const [x, gamma] = saved as [tf.Tensor, tf.Tensor];
      const { eps } = attrs as unknown as LayerNormKernelAttrs;
      const dyT = dy as tf.Tensor;
      const h = gamma.shape[0]!;
      const rows = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [-1, h]);
      return {
        x: () => tf.engine().runKernel(TL_LAYER_NORM_BACKWARD, { dy: dyT, x, gamma } as unknown as tf.NamedTensorMap, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor,
        gamma: () =>
          tf.getKernel(TL_LAYER_NORM_GAMMA_GRAD, tf.getBackend())
            ? (tf.engine().runKernel(TL_LAYER_NORM_GAMMA_GRAD, { dy: dyT, x, gamma } as unknown as tf.NamedTensorMap, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor)
            : tf.sum(tf.mul(rows(dyT), rows(runLayerNormKernel(x, tf.onesLike(gamma), tf.zerosLike(gamma), eps))), 0),
        beta: () => tf.sum(rows(dyT), 0),
      };
    },
  });
}
