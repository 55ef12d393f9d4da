import '../register-gradients.js';
import { registerAdamWUpdate } from './AdamWUpdate.js';
import { registerBatchMatMul } from './BatchMatMul.js';
import { registerCast } from './Cast.js';
import { registerErf } from './Erf.js';
import { registerExp } from './Exp.js';
import { registerGatherV2 } from './GatherV2.js';
import { registerGlobalNorm } from './GlobalNorm.js';
import { registerIdentity } from './Identity.js';
import { registerSum } from './Sum.js';
import { registerTranspose } from './Transpose.js';
import { registerUnsortedSegmentSum } from './UnsortedSegmentSum.js';

/**
 * tl's wasm kernel overrides by kernel name. Each kernel's file says why it exists and what it
 * measured. UnsortedSegmentSum is required for training (tfjs-backend-wasm lacks it); the rest are
 * speed (and GatherV2 a correctness fix for batchDims > 0); TlAdamWUpdate (with its multi-tensor
 * form) and TlGlobalNorm are @tl/core's optimizer contracts, there for memory.
 */
export const WASM_KERNEL_OVERRIDES = {
  UnsortedSegmentSum: registerUnsortedSegmentSum,
  BatchMatMul: registerBatchMatMul,
  GatherV2: registerGatherV2,
  Identity: registerIdentity,
  Cast: registerCast,
  Transpose: registerTranspose,
  Sum: registerSum,
  Exp: registerExp,
  Erf: registerErf,
  TlAdamWUpdate: registerAdamWUpdate,
  TlGlobalNorm: registerGlobalNorm,
} as const;

export type WasmKernelOverride = keyof typeof WASM_KERNEL_OVERRIDES;

/**
 * Registers tl's wasm kernel overrides (all, or the named ones; idempotent). Safe before or after
 * the wasm backend is first activated: overrides bind the wasm module lazily, and those that
 * delegate to tfjs's kernel keep its setup. Registering a subset is for measuring (bench/).
 */
export function registerWasmOverrides(only?: readonly WasmKernelOverride[]): void {
  const names = only ?? (Object.keys(WASM_KERNEL_OVERRIDES) as WasmKernelOverride[]);
  for (const name of names) WASM_KERNEL_OVERRIDES[name]();
}
