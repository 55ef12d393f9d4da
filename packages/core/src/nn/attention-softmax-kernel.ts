import * as tf from '@tensorflow/tfjs-core';

/**
 * Optional tfjs kernels for attention's probabilities: softmax(scores · scale + maskBias) over the
 * last axis, and its gradient. `scaledDotProductAttention` (attention.ts) calls them whenever the
 * active backend registers both; otherwise it scales q, adds the mask and runs tfjs's softmax —
 * 3 kernels forward and 5 backward (the scale's product and softmax's gradient: product, sum,
 * product, difference) per layer, where one each does. HF's BERT divides the scores by √d after
 * the product, as this does (×1/√d is exact for d = 64, BERT's head size).
 *
 * Contract (`tf.registerKernel` under both names, for one backend):
 *   TL_ATTENTION_SOFTMAX           inputs `{ scores, maskBias }`: scores float32 [batch, heads, q, k];
 *                                  maskBias float32 [batch, 1, 1, k] (additive: 0 or a large
 *                                  negative value); attrs `{ scale }`. Output y [batch, heads, q, k]
 *                                  = softmax over the last axis of scores · scale + maskBias (the
 *                                  row maximum subtracted before exp, as tfjs's softmax).
 *   TL_ATTENTION_SOFTMAX_BACKWARD  inputs `{ dy, y }` of y's shape, attrs `{ scale }`. Output
 *                                  dscores = scale · y · (dy − Σ_k dy · y).
 *   Within 1e-6 (absolute) of the op composition.
 * The gradient of TL_ATTENTION_SOFTMAX is registered here for every backend (maskBias's, which no
 * model trains, composed from tfjs ops).
 */
export const TL_ATTENTION_SOFTMAX = 'TlAttentionSoftmax';
export const TL_ATTENTION_SOFTMAX_BACKWARD = 'TlAttentionSoftmaxBackward';

export interface AttentionSoftmaxAttrs {
  readonly scale: number;
}

/** Whether `backendName` (default: the active backend) registers both attention-softmax kernels. */
export function hasAttentionSoftmaxKernels(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_ATTENTION_SOFTMAX, backendName) != null && tf.getKernel(TL_ATTENTION_SOFTMAX_BACKWARD, backendName) != null;
}

/** Runs TL_ATTENTION_SOFTMAX on the active backend (differentiable through the gradient registered here). */
export function runAttentionSoftmaxKernel(scores: tf.Tensor4D, maskBias: tf.Tensor4D, scale: number): tf.Tensor4D {
  return tf.engine().runKernel(TL_ATTENTION_SOFTMAX, { scores, maskBias } as unknown as tf.NamedTensorMap, { scale } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The contract's output as tfjs ops: the reference for backends' tests. */
export function attentionSoftmaxReference(scores: tf.Tensor, maskBias: tf.Tensor, scale: number): tf.Tensor {
  return tf.tidy(() => tf.softmax(tf.add(tf.mul(scores, scale), maskBias), -1));
}

if (!tf.getGradient(TL_ATTENTION_SOFTMAX)) {
  tf.registerGradient({
    kernelName: TL_ATTENTION_SOFTMAX,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const y = saved[0]!;
      const { scale } = attrs as unknown as AttentionSoftmaxAttrs;
      const dscores = (): tf.Tensor =>
        tf.engine().runKernel(TL_ATTENTION_SOFTMAX_BACKWARD, { dy: dy as tf.Tensor, y } as unknown as tf.NamedTensorMap, { scale } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return {
        scores: dscores,
        // d/dmask = dscores / scale, summed over the axes the mask broadcast along (heads, queries).
        maskBias: () => tf.sum(tf.div(dscores(), scale), [1, 2], true),
      };
    },
  });
}
