import type { AdamWKernelAttrs } from '../../../src/training/optim/adamw-kernel.js';

/**
 * torch's AdamW update of one parameter on plain arrays (float32 results): what a backend's
 * TL_ADAMW_UPDATE / TL_ADAMW_UPDATE_MULTI kernel must compute, for the tests that register JS
 * implementations of those contracts on the `cpu` backend.
 */
export function adamwReference(
  [p0, g0, m0, v0]: readonly [Float32Array, Float32Array, Float32Array, Float32Array],
  a: AdamWKernelAttrs,
): [Float32Array, Float32Array, Float32Array] {
  const n = p0.length;
  const g = g0.map((x) => x * (a.gradScale ?? 1)); // a Float32Array: the product rounds to float32
  const [p, m, v] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const w = 1 - a.beta1;
  const stepSize = a.lr / (1 - a.beta1 ** a.step);
  const bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
  for (let i = 0; i < n; i++) {
    const decayed = a.weightDecay !== 0 ? p0[i]! * (1 - a.lr * a.weightDecay) : p0[i]!;
    m[i] = w < 0.5 ? m0[i]! + (g[i]! - m0[i]!) * w : g[i]! - (g[i]! - m0[i]!) * (1 - w);
    v[i] = v0[i]! * a.beta2 + g[i]! * g[i]! * (1 - a.beta2);
    p[i] = decayed - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + a.eps);
  }
  return [p, m, v];
}
