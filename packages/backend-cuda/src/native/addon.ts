import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TlError } from '@tl/core';

/** A tensor in the addon's handle table (an index; the addon owns the ATen tensor). */
export type Handle = number;

/** Device codes as the addon reads them: -1 is the CPU, n >= 0 is cuda:n. */
export type DeviceCode = number;

/** The functions of native/ (see each .cc for semantics); every op writes its outputs to `meta`. */
export interface TorchAddon {
  setMeta(meta: Int32Array): void;
  write(values: Float32Array | Int32Array | Uint8Array, shape: readonly number[], dtype: number, device: DeviceCode): Handle;
  /** A rank-0 CPU tensor; equal values share one tensor behind distinct handles. */
  writeScalar(value: number, dtype: number): Handle;
  read(h: Handle): Float32Array | Int32Array | Uint8Array;
  dispose(h: Handle): void;
  disposeAll(): void;
  liveHandles(): number;
  alias(h: Handle): void;
  torchVersion(): string;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  deviceOf(h: Handle): DeviceCode;
  synchronize(device: DeviceCode): void;
  setThreads(n: number): void;
  getThreads(): number;
  setTf32(on: boolean): void;

  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
  unary(code: number, x: Handle): void;
  binary(code: number, a: Handle, b: Handle): void;
  cast(x: Handle, dtype: number): void;
  step(x: Handle, alpha: number): void;
  leakyRelu(x: Handle, alpha: number): void;
  clipByValue(x: Handle, min: number, max: number): void;
  select(condition: Handle, t: Handle, e: Handle): void;
  addN(xs: readonly Handle[]): void;

  reduce(op: 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod' | 'All' | 'Any', x: Handle, axes: readonly number[], keepDims: boolean): void;
  argReduce(isMax: boolean, x: Handle, axis: number): void;
  scan(isProduct: boolean, x: Handle, axis: number, exclusive: boolean, reverse: boolean): void;
  softmax(x: Handle, dim: number, log: boolean): void;
  topk(x: Handle, k: number, sorted: boolean): void;

  matmul(
    a: Handle, b: Handle, transposeA: boolean, transposeB: boolean, bias: Handle | -1,
    activation: string, leakyreluAlpha: number, prelu: Handle | -1, bf16: boolean,
  ): void;
  einsum(equation: string, xs: readonly Handle[]): void;

  reshape(x: Handle, shape: readonly number[]): void;
  transpose(x: Handle, perm: readonly number[]): void;
  slice(x: Handle, begin: readonly number[], size: readonly number[]): void;
  stridedSlice(x: Handle, begin: readonly number[], end: readonly number[], strides: readonly number[], finalShape: readonly number[]): void;
  concat(xs: readonly Handle[], axis: number): void;
  pack(xs: readonly Handle[], axis: number): void;
  unpack(x: Handle, axis: number): void;
  split(x: Handle, sizes: readonly number[], axis: number): void;
  tile(x: Handle, reps: readonly number[]): void;
  pad(x: Handle, flatPaddings: readonly number[], value: number): void;
  mirrorPad(x: Handle, flatPaddings: readonly number[], symmetric: boolean): void;
  reverse(x: Handle, dims: readonly number[]): void;
  broadcastTo(x: Handle, shape: readonly number[]): void;

  gather(x: Handle, indices: Handle, batchSize: number, outerSize: number, dimSize: number, sliceSize: number, outShape: readonly number[]): void;
  gatherNd(params: Handle, indices: Handle): void;
  scatterNd(indices: Handle, updates: Handle, shape: readonly number[]): void;
  unsortedSegmentSum(x: Handle, segmentIds: Handle, numSegments: number): void;
  oneHot(indices: Handle, depth: number, onValue: number, offValue: number, dtype: number): void;

  fill(shape: readonly number[], value: number, dtype: number, device: DeviceCode): void;
  range(start: number, step: number, count: number, dtype: number, device: DeviceCode): void;
  linspace(start: number, stop: number, num: number, device: DeviceCode): void;

  /** TL_DROPOUT: keys, threshold and scale from @tl/core's dropoutKeys/dropoutThreshold; composed forces the ATen-op path. */
  dropout(x: Handle, k1: number, k2: number, threshold: number, scale: number, composed: boolean): void;
  /** TL_ADAMW_UPDATE; composed forces the ATen-op path (the CUDA fallback) for tests. */
  adamW(
    param: Handle, grad: Handle, expAvg: Handle, expAvgSq: Handle,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, gradScale: number,
    composed: boolean,
  ): void;
  /**
   * TL_ADAMW_UPDATE_MULTI: `handles` holds param, grad, expAvg, expAvgSq per parameter; `lr`,
   * `weightDecay` and `step` one entry per parameter. Outputs param', expAvg', expAvgSq' per parameter.
   */
  adamWMulti(
    handles: Int32Array, lr: Float64Array, weightDecay: Float64Array, step: Float64Array,
    beta1: number, beta2: number, eps: number, gradScale: number,
  ): void;
  /** TL_GLOBAL_NORM over the tensors of `handles`: one float32 scalar. */
  globalNorm(handles: Int32Array): void;
  layerNorm(x: Handle, gamma: Handle, beta: Handle, eps: number): void;
  layerNormBackward(dy: Handle, x: Handle, gamma: Handle, eps: number): void;
  layerNormGammaGrad(dy: Handle, x: Handle, gamma: Handle, eps: number): void;
  gelu(x: Handle): void;
  geluBackward(dy: Handle, x: Handle): void;
  attentionSoftmax(scores: Handle, maskBias: Handle, scale: number): void;
  attentionSoftmaxBackward(dy: Handle, y: Handle, scale: number): void;
  /** Whether tl's PTX kernels (native/cuda_kernels.cc) are in use on CUDA, or why not. */
  cudaKernelsStatus(): string;
}

/** The loaded addon and the buffer its ops describe their outputs in. */
export interface LoadedAddon {
  readonly addon: TorchAddon;
  readonly meta: Int32Array;
  readonly path: string;
}

let loaded: LoadedAddon | undefined;

/** Where the compiled addon is looked for: $TL_TORCH_ADDON, then native/build/Release. */
export function addonCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const pkg = join(here, '..', '..');
  return [process.env.TL_TORCH_ADDON, join(pkg, 'native/build/Release/tl_torch.node')].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
}

/**
 * Loads the addon once per process. A missing build or a libtorch that cannot be loaded is a
 * TlError('BACKEND') that says which files were tried and how to build.
 */
export function loadAddon(): LoadedAddon {
  if (loaded) return loaded;
  const tried: string[] = [];
  const require = createRequire(import.meta.url);
  // libtorch's OpenMP threads spin after each parallel op by default. Between ops this process runs
  // tfjs's JS on the main thread, so the spinning worker only burns a core (measured on 2 cores: a
  // bert-mini step 13.4 s → 6.8 s). libgomp reads this once, when the addon loads libtorch.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      tried.push(`${path} (not built)`);
      continue;
    }
    let addon: TorchAddon;
    try {
      addon = require(path) as TorchAddon;
    } catch (e) {
      tried.push(`${path} (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    // 64k int32s: room for the outputs of a Split/Unpack into thousands of pieces.
    const meta = new Int32Array(1 << 16);
    addon.setMeta(meta);
    loaded = { addon, meta, path };
    return loaded;
  }
  throw new TlError(
    'BACKEND',
    `the libtorch addon is not available; tried ${tried.join(', ')}. ` +
      'Build it with `pnpm --filter @tl/backend-cuda run build:native` (needs libtorch: ' +
      'packages/backend-cuda/scripts/install-deps.sh installs Debian libtorch-dev)',
  );
}
