import { Exp } from '@tensorflow/tfjs-core';
import { overrideUnaryF32 } from './unary-simd.js';

/**
 * Exp for wasm as a SIMD polynomial (Cephes expf, 4 lanes; simd/).
 *
 * Why: tfjs-backend-wasm 4.22 calls scalar `exp` per element; in a bert-mini training step Exp runs
 * over the 4096×1024 GELU activations (the erf gradient is 2/√π·exp(−x²)) and took 6 calls /
 * 400 ms on the loaded benchmark machine (~30 ns an element); the SIMD loop is ~1 ns. Agrees with
 * tfjs cpu (Math.exp rounded to float32) to ~2 ulp; overflow gives +Inf, deep underflow 0.
 */
export function registerExp(): void {
  overrideUnaryF32(Exp, 'expF32');
}
