import type { AdamWKernelAttrs } from './adamw-kernel.js';

/**
 * TL_ADAMW_UPDATE's update on float32 arrays in JavaScript, rounding after every operation as the
 * op sequence does on a float32 backend (each tfjs op rounds its result; so does `Math.fround`, and
 * + − × ÷ √ computed in double and rounded once are the correctly rounded float32 results), with
 * its scalars rounded to float32 as tfjs's scalar tensors are. So a backend that runs it gets the op
 * sequence's bits. @tl/core's wasm backend registers it (kernels/wasm/AdamWUpdate.ts): one pass and
 * three outputs instead of ~12 full-size temporaries per parameter. Its scalars
 * (`adamwFloat32Constants`, exported) are also what a GPU backend uploads as float32 uniforms.
 */
export interface AdamWFloat32Constants {
  readonly gradScale: number;
  readonly decay: number;
  readonly lerpWeight: number;
  readonly oneMinusLerpWeight: number;
  readonly lerpSmall: boolean;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly biasCorrection2Sqrt: number;
  readonly eps: number;
  readonly negStepSize: number;
}

/** The update's scalars, as the op sequence (AdamW with `useKernel: false`) makes them. */
export function adamwFloat32Constants(a: AdamWKernelAttrs): AdamWFloat32Constants {
  const f = Math.fround;
  const w = 1 - a.beta1;
  return {
    gradScale: f(a.gradScale ?? 1),
    decay: f(a.weightDecay !== 0 ? 1 - a.lr * a.weightDecay : 1),
    lerpWeight: f(w),
    oneMinusLerpWeight: f(1 - w),
    lerpSmall: w < 0.5,
    beta2: f(a.beta2),
    oneMinusBeta2: f(1 - a.beta2),
    biasCorrection2Sqrt: f(Math.sqrt(1 - a.beta2 ** a.step)),
    eps: f(a.eps),
    negStepSize: f(-(a.lr / (1 - a.beta1 ** a.step))),
  };
}

/** Element offsets into one float32 array (a wasm heap) of an update's inputs and outputs. */
export interface AdamWFloat32Offsets {
  readonly param: number;
  readonly grad: number;
  readonly expAvg: number;
  readonly expAvgSq: number;
  readonly paramOut: number;
  readonly expAvgOut: number;
  readonly expAvgSqOut: number;
}

/** One parameter's update over `n` elements of `heap`: reads the inputs, writes the outputs. */
export function adamwFloat32(heap: Float32Array, at: AdamWFloat32Offsets, n: number, c: AdamWFloat32Constants): void {
  const f = Math.fround;
  const { gradScale, decay, lerpWeight, oneMinusLerpWeight, lerpSmall, beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, negStepSize } = c;
  for (let i = 0; i < n; i++) {
    const gi = f(heap[at.grad + i]! * gradScale);
    const mi = heap[at.expAvg + i]!;
    const d = f(gi - mi);
    const m2 = lerpSmall ? f(mi + f(d * lerpWeight)) : f(gi - f(d * oneMinusLerpWeight));
    const v2 = f(f(heap[at.expAvgSq + i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    const denom = f(f(f(Math.sqrt(v2)) / biasCorrection2Sqrt) + eps);
    heap[at.paramOut + i] = f(f(heap[at.param + i]! * decay) + f(f(m2 / denom) * negStepSize));
    heap[at.expAvgOut + i] = m2;
    heap[at.expAvgSqOut + i] = v2;
  }
}
