import { Erf } from '@tensorflow/tfjs-core';
import { overrideUnaryF32 } from './unary-simd.js';

/**
 * Erf for wasm with SIMD (the same Abramowitz & Stegun 7.1.26 formula tfjs's kernels use, 4 lanes,
 * with the SIMD exp; simd/).
 *
 * Why: BERT's GELU is 0.5·x·(1 + erf(x/√2)) over the 4096×intermediate activations of every layer;
 * tfjs-backend-wasm 4.22 evaluates it element by element (bert-mini: 4 calls, 570 ms on the loaded
 * benchmark machine). Agrees with tfjs cpu to ~1e-7 absolute.
 */
export function registerErf(): void {
  overrideUnaryF32(Erf, 'erfF32');
}
