/// <reference types="@webgpu/types" />
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { _FusedMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SliceSumProgram } from '../slice-sum-program.js';
import { TlGemmProgram } from './gemm-program.js';
import { planGemm, type GemmPlan, type GemmShape } from './plan.js';
import type { GemmLimits, TileConfig } from './tile-configs.js';

/** What tl's GEMM did last (tests assert that it, not tfjs's kernel, ran; the device check reports it). */
export interface GemmRun {
  readonly shape: GemmShape;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly plan: GemmPlan;
  readonly shaderKey: string;
}

/**
 * Test hooks: `force` pins the tiling and K split for every product tl's kernel accepts (and lifts
 * its small-output cut-off), so small shapes exercise each path; `last` is the last product it ran,
 * `runs` how many. Not for concurrent use.
 */
export const gemmHooks: { force?: { config: TileConfig['name']; splits?: number }; last?: GemmRun; runs: number } = { runs: 0 };

const limitsByDevice = new WeakMap<GPUDevice, GemmLimits>();

function limitsOf(backend: WebGPUBackend): GemmLimits {
  let limits = limitsByDevice.get(backend.device);
  if (!limits) {
    const l = backend.device.limits;
    limits = {
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    };
    limitsByDevice.set(backend.device, limits);
  }
  return limits;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string | null;
}

/**
 * BatchMatMul or _FusedMatMul for webgpu: tl's register-blocked GEMM (gemm-program.ts) for the
 * products `planGemm` accepts — float32, outputs of ≥ 8192 elements with ≥ 16 rows and columns,
 * batch dims equal or one side's of size 1, and for _FusedMatMul no bias, no PReLU weights and a
 * linear activation — and `original` for everything else. Transposes are read in the shader (no
 * transpose pass). When the tiles alone would leave a big GPU idle, K is split into slices computed
 * in parallel into a partials buffer and summed in a second, fixed-order pass.
 */
export function tlMatMul(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const attrs = args.attrs as NamedAttrMap & MatMulAttrs;
    const fusedExtras = original.kernelName === _FusedMatMul && (bias != null || preluActivationWeights != null || (attrs.activation != null && attrs.activation !== 'linear'));
    const product = fusedExtras ? undefined : describe(a, b, attrs);
    const backend = args.backend as WebGPUBackend;
    const plan = product && planGemm(product.shape, limitsOf(backend), gemmHooks.force);
    if (!product || !plan) return original.kernelFunc(args);
    return run(backend, a, b, attrs, product, plan);
  };
  return { ...original, kernelFunc };
}

interface Product {
  readonly shape: GemmShape;
  readonly outShape: number[];
  readonly a3d: number[];
  readonly b3d: number[];
  readonly batchA: number;
  readonly batchB: number;
}

/** The product as a batched GEMM, or undefined for what tfjs keeps (other dtypes, general broadcasting). */
function describe(a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs): Product | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const [m, k] = attrs.transposeA ? [ca, ra] : [ra, ca];
  const [kb, n] = attrs.transposeB ? [cb, rb] : [rb, cb];
  if (k !== kb) return undefined; // tfjs's kernel raises its usual error
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  let outer: number[];
  try {
    outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return undefined;
  }
  const batch = Math.max(batchA, batchB);
  // Flattened batches line up only when they are equal or one side has a single one.
  if (util.sizeFromShape(outer) !== batch || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
  return {
    shape: { batch, m, n, k },
    outShape: [...outer, m, n],
    a3d: attrs.transposeA ? [batchA, k, m] : [batchA, m, k],
    b3d: attrs.transposeB ? [batchB, n, k] : [batchB, k, n],
    batchA,
    batchB,
  };
}

function run(backend: WebGPUBackend, a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs, p: Product, plan: GemmPlan): TensorInfo {
  const { batch, m, n, k } = p.shape;
  const program = new TlGemmProgram(plan, p.shape, attrs);
  const i32 = (v: number) => ({ type: 'int32', data: [v] });
  const view = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });
  let out = backend.runWebGPUProgram(program, [view(a, p.a3d), view(b, p.b3d)], 'float32', [
    i32(m),
    i32(n),
    i32(k),
    i32(batch),
    i32(p.batchA === 1 ? 0 : m * k),
    i32(p.batchB === 1 ? 0 : k * n),
    i32(plan.kPerSplit),
  ]);
  gemmHooks.runs++;
  gemmHooks.last = { shape: p.shape, transposeA: attrs.transposeA, transposeB: attrs.transposeB, plan, shaderKey: program.shaderKey };
  if (plan.splits > 1) {
    const partials = out;
    out = backend.runWebGPUProgram(new SliceSumProgram(batch * m * n), [view(partials, [plan.splits * batch * m * n])], 'float32', [i32(plan.splits)]);
    backend.disposeData(partials.dataId);
  }
  return { dataId: out.dataId, shape: p.outShape, dtype: 'float32' };
}
