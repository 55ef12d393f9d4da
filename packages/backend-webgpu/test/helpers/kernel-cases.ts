import * as tf from '@tensorflow/tfjs-core';
import { activation, attentionSoftmaxReference, hasAttentionSoftmaxKernels, layerNorm as coreLayerNorm, runAttentionSoftmaxKernel } from '@tl/core';
import { randInt, randn, type InputSpec } from './compare-backends.js';

/**
 * The kernels a BERT forward/backward uses, as differential cases (webgpu vs tfjs `cpu` on seeded
 * random inputs). Shared by test/kernels.test.ts and the device check (scripts/device-check.ts).
 * Tolerance: |webgpu − cpu| ≤ 1e-4 + 1e-4·|cpu| (fp32 sums in a different order differ in the last
 * bits; anything structurally wrong is off by far more).
 */
export const ATOL = 1e-4;
export const RTOL = 1e-4;

export interface Case {
  readonly name: string;
  readonly fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  readonly inputs: InputSpec[];
}

/** Forward and the gradient of a random projection of the output w.r.t. every float input. */
function withGrads(name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[], floatArgs: number[]): Case[] {
  const fwd: Case = { name, fn: f, inputs };
  const grad: Case = {
    name: `${name} (gradient)`,
    // The last input is the upstream gradient dy, so each output element gets a distinct weight.
    fn: (...xs) => {
      const dy = xs[xs.length - 1]!;
      const args = xs.slice(0, -1);
      const g = tf.grads((...fl: tf.Tensor[]) => {
        const all = [...args];
        floatArgs.forEach((ai, k) => (all[ai] = fl[k]!));
        return tf.sum(tf.mul(f(...all), dy));
      });
      return g(floatArgs.map((i) => args[i]!));
    },
    inputs: [...inputs, randn(outShape(f, inputs), 999)],
  };
  return [fwd, grad];
}

/** The output shape of f on the inputs' shapes (computed on cpu once). */
function outShape(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[]): number[] {
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  const shape = tf.tidy(() => f(...inputs.map((s) => (s.kind === 'float' ? tf.zeros(s.shape) : tf.zeros(s.shape, 'int32')))).shape);
  if (prev) tf.setBackend(prev);
  return shape;
}

const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-12))), g), b);
};
const gelu = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));

export function kernelCases(): Case[] {
  const list: Case[] = [];
  // matMul, all transpose combinations, 2-D and batched (attention is [B, heads, T, D]).
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const a2 = ta ? [48, 33] : [33, 48];
    const b2 = tb ? [20, 48] : [48, 20];
    list.push(...withGrads(`matMul 2-D ta=${ta} tb=${tb}`, (a, b) => tf.matMul(a!, b!, ta, tb), [randn(a2, 1), randn(b2, 2)], [0, 1]));
    const a4 = ta ? [2, 3, 16, 9] : [2, 3, 9, 16];
    const b4 = tb ? [2, 3, 7, 16] : [2, 3, 16, 7];
    list.push(...withGrads(`matMul 4-D ta=${ta} tb=${tb}`, (a, b) => tf.matMul(a!, b!, ta, tb), [randn(a4, 3), randn(b4, 4)], [0, 1]));
  }
  // A bigger one with the K dimension of BERT-base's FFN, where summation order matters most.
  // tfjs picks its split-K program here (small output, K ≥ 2000); with transposeB it was wrong (see
  // src/kernels/splitk-transpose-b.ts).
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const a = ta ? [3072, 64] : [64, 3072];
    const b = tb ? [96, 3072] : [3072, 96];
    list.push({ name: `matMul split-K K=3072 ta=${ta} tb=${tb}`, fn: (x, y) => tf.matMul(x!, y!, ta, tb), inputs: [randn(a, 5, 0.1), randn(b, 6, 0.1)] });
  }

  list.push(...withGrads('softmax last axis (with additive mask)', (x, m) => tf.softmax(tf.add(x!, m!)), [randn([2, 3, 9, 9], 7, 3), maskInput([2, 1, 1, 9], 8)], [0]));
  list.push(...withGrads('logSoftmax', (x) => tf.logSoftmax(x!), [randn([6, 11], 9, 4)], [0]));
  list.push(...withGrads('gather rows (embedding lookup)', (t, i) => tf.gather(t!, i!), [randn([50, 16], 10), randInt([37], 50, 11)], [0]));
  list.push({ name: 'unsortedSegmentSum (gather gradient)', fn: (x, s) => tf.unsortedSegmentSum(x!, s! as tf.Tensor1D, 50), inputs: [randn([37, 16], 12), randInt([37], 50, 13)] });
  list.push(...segmentSumCases());
  list.push(...withGrads('erf', (x) => tf.erf(x!), [randn([10, 13], 14, 2)], [0]));
  list.push(...withGrads('gelu (erf form)', (x) => gelu(x!), [randn([10, 64], 15, 3)], [0]));
  list.push(...withGrads('tanh', (x) => tf.tanh(x!), [randn([5, 33], 16, 2)], [0]));
  list.push(...withGrads('layerNorm pieces (moments, rsqrt, affine)', (x, g, b) => layerNorm(x!, g!, b!), [randn([12, 64], 17, 2), randn([64], 18), randn([64], 19)], [0, 1, 2]));
  list.push(...withGrads('sum / mean / max reductions', (x) => tf.stack([tf.sum(x!, -1), tf.mean(x!, -1), tf.max(x!, -1)]), [randn([7, 129], 20)], [0]));
  list.push({ name: 'sum over leading axis (bias gradient)', fn: (x) => tf.sum(x!, 0), inputs: [randn([300, 40], 21)] });
  list.push(...withGrads('broadcast add/sub/mul/div', (a, b, c) => tf.div(tf.sub(tf.mul(tf.add(a!, b!), c!), b!), tf.add(tf.abs(c!), 1)), [randn([4, 1, 6, 8], 22), randn([8], 23), randn([1, 5, 1, 8], 24)], [0, 1, 2]));
  list.push(...withGrads('exp / log / sqrt / square / pow', (x) => tf.addN([tf.exp(tf.mul(x!, 0.3)), tf.log(tf.add(tf.abs(x!), 1)), tf.sqrt(tf.add(tf.square(x!), 1)), tf.pow(tf.add(tf.abs(x!), 0.5), 1.5)]), [randn([9, 17], 25)], [0]));
  list.push(...withGrads('transpose + reshape (attention heads)', (x) => tf.transpose(tf.reshape(x!, [2, 9, 4, 8]), [0, 2, 1, 3]), [randn([18, 32], 26)], [0]));
  list.push(...withGrads('slice + concat', (x) => tf.concat([tf.slice(x!, [0, 0], [3, 5]), tf.slice(x!, [3, 0], [3, 5])], 1), [randn([6, 5], 27)], [0]));
  list.push(...withGrads('oneHot · logSoftmax cross-entropy', (x, y) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x!), tf.oneHot(y! as tf.Tensor1D, 7)), -1))), [randn([12, 7], 28, 3), randInt([12], 7, 29)], [0]));
  list.push({ name: 'where (mask select) + cast', fn: (x, m) => tf.where(tf.cast(m!, 'bool'), x!, tf.zerosLike(x!)), inputs: [randn([6, 10], 30), randInt([6, 10], 2, 31)] });
  list.push(...coreFusedCases());
  list.push({ name: 'Adam-style update (sqrt, div, mul, add)', fn: (p, g, m, v) => tf.sub(p!, tf.mul(1e-3, tf.div(tf.add(tf.mul(0.9, m!), tf.mul(0.1, g!)), tf.add(tf.sqrt(tf.add(tf.mul(0.999, tf.abs(v!)), tf.mul(0.001, tf.square(g!)))), 1e-8)))), inputs: [randn([256], 32), randn([256], 33), randn([256], 34), randn([256], 35)] });
  return list;
}

/**
 * tl's UnsortedSegmentSum (src/kernels/unsorted-segment-sum) on the id patterns a BERT batch gives
 * its embedding gradients: many distinct ids (words), few ids with thousands of rows each (token
 * types, [PAD]), runs longer than the kernel's 32-row chunks, and ids tfjs cpu drops.
 */
function segmentSumCases(): Case[] {
  const segSum = (numSegments: number) => (x: tf.Tensor | undefined, ids: tf.Tensor | undefined) => tf.unsortedSegmentSum(x!, ids! as tf.Tensor1D, numSegments);
  const ids = (n: number, f: (i: number) => number): InputSpec => ({ kind: 'int', shape: [n], values: Int32Array.from({ length: n }, (_, i) => f(i)) });
  const padded = randInt([8, 64], 600, 41);
  padded.values.forEach((_, i) => i % 64 >= 20 + 5 * Math.floor(i / 64) && (padded.values[i] = 0)); // [PAD] = 0 after each row's length
  return [
    { name: 'unsortedSegmentSum: 400 segments, 300 rows × 24 (word embedding)', fn: segSum(400), inputs: [randn([300, 24], 36), randInt([300], 400, 37)] },
    { name: 'unsortedSegmentSum: 2 segments, 2000 interleaved rows (token types)', fn: segSum(2), inputs: [randn([2000, 8], 38), ids(2000, (i) => (i % 3 === 0 ? 1 : 0))] },
    { name: 'unsortedSegmentSum: every row in one segment, others empty', fn: segSum(5), inputs: [randn([1000, 5], 39), ids(1000, () => 3)] },
    { name: 'unsortedSegmentSum: negative and out-of-range ids are dropped', fn: segSum(20), inputs: [randn([200, 6], 40), ids(200, (i) => ((i * 7) % 29) - 4)] },
    { name: 'unsortedSegmentSum: 3-D rows [64, 3, 5]', fn: segSum(9), inputs: [randn([64, 3, 5], 42), randInt([64], 9, 43)] },
    { name: 'unsortedSegmentSum: 1-D x', fn: segSum(13), inputs: [randn([100], 44), randInt([100], 13, 45)] },
    ...withGrads('gather from a 600-row table by [8, 64] padded ids (embedding gradient)', (t, i) => tf.gather(t!, i!), [randn([600, 32], 46), padded], [0]),
  ];
}

/**
 * @tl/core's fused kernels as the model calls them — tl's WGSL kernels on webgpu, core's tfjs-op
 * compositions on cpu — forward and gradients at BERT-like sizes, so the device check compares them
 * on a real GPU too.
 */
function coreFusedCases(): Case[] {
  const gelu = activation('gelu');
  const probs = (scores: tf.Tensor, mask: tf.Tensor): tf.Tensor =>
    hasAttentionSoftmaxKernels() ? runAttentionSoftmaxKernel(scores as tf.Tensor4D, mask as tf.Tensor4D, 0.125) : attentionSoftmaxReference(scores, mask, 0.125);
  return [
    ...withGrads('core layerNorm (TL_LAYER_NORM kernels on webgpu)', (x, g, b) => coreLayerNorm(x!, g!, b!, 1e-12), [randn([130, 96], 50, 2), randn([96], 51), randn([96], 52)], [0, 1, 2]),
    ...withGrads('core gelu (TL_GELU kernels on webgpu)', (x) => gelu(x!), [randn([33, 65], 53, 3)], [0]),
    ...withGrads('core attention softmax (TL_ATTENTION_SOFTMAX kernels on webgpu)', (s, m) => probs(s!, m!), [randn([2, 3, 17, 70], 54, 3), maskInput([2, 1, 1, 70], 55)], [0]),
  ];
}

/** An additive attention mask: 0 where attended, -10000 at padding (as HF BERT). */
function maskInput(shape: number[], seed: number): InputSpec {
  const ints = randInt(shape, 4, seed);
  const values = Float32Array.from(ints.values, (v) => (v === 0 ? -10000 : 0));
  return { kind: 'float', shape, values };
}

