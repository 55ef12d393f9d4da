import '../register-gradients.js';
import { registerBatchMatMul } from './BatchMatMul.js';
import { registerCast } from './Cast.js';
import { registerErf } from './Erf.js';
import { registerExp } from './Exp.js';
import { registerGatherV2 } from './GatherV2.js';
import { registerIdentity } from './Identity.js';
import { registerSum } from './Sum.js';
import { registerTranspose } from './Transpose.js';
import { registerUnsortedSegmentSum } from './UnsortedSegmentSum.js';

/**
 * Registers tl's wasm kernel overrides (idempotent). Each kernel's file says why it exists and what
 * it measured. Safe before or after the wasm backend is first activated: overrides bind the wasm
 * module lazily, and those that delegate to tfjs's kernel keep its setup.
 */
export function registerWasmOverrides(): void {
  registerUnsortedSegmentSum();
  registerBatchMatMul();
  registerGatherV2();
  registerIdentity();
  registerCast();
  registerTranspose();
  registerSum();
  registerExp();
  registerErf();
}
