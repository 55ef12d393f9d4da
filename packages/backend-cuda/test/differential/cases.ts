import type * as tfjs from '@tensorflow/tfjs-core';
import type { Inputs } from './random.js';

type Tf = typeof tfjs;
type T = tfjs.Tensor;

/** One differential case: run on the reference `cpu` backend and on the backend under test. */
export interface KernelCase {
  /** The tfjs kernel this case exercises (coverage is checked against the registered list). */
  readonly kernel: string;
  readonly label: string;
  readonly run: (tf: Tf, x: Inputs) => T | T[];
  /** Relative and absolute tolerance for float outputs (default 1e-5). */
  readonly tol?: number;
  /** The dtype expected where it deliberately differs from tfjs cpu's (the values must still match). */
  readonly dtype?: string;
}

const run = (tf: Tf, name: string, inputs: Record<string, T> | T[], attrs: Record<string, unknown> = {}): T | T[] =>
  tf.engine().runKernel(name, inputs as never, attrs as never) as T | T[];

/** Shapes every elementwise op is tried on: matrix, empty, size one, scalar. */
const UNARY_SHAPES: number[][] = [[3, 4], [0], [1], []];

/** Unary kernels with the input range where tfjs and ATen are both defined. */
const UNARY_FLOAT: Array<[string, number, number]> = [
  ['Abs', -3, 3], ['Acos', -0.99, 0.99], ['Acosh', 1.01, 4], ['Asin', -0.99, 0.99], ['Asinh', -3, 3],
  ['Atan', -3, 3], ['Atanh', -0.95, 0.95], ['Ceil', -3, 3], ['Cos', -3, 3], ['Cosh', -3, 3], ['Elu', -3, 3],
  ['Erf', -3, 3], ['Exp', -3, 3], ['Expm1', -3, 3], ['Floor', -3, 3], ['Identity', -3, 3], ['IsFinite', -3, 3],
  ['IsInf', -3, 3], ['IsNan', -3, 3], ['Log', 0.01, 4], ['Log1p', -0.9, 4], ['Neg', -3, 3], ['OnesLike', -3, 3],
  ['Reciprocal', 0.5, 4], ['Relu', -3, 3], ['Relu6', -2, 8], ['Round', -3, 3], ['Rsqrt', 0.05, 4], ['Selu', -3, 3],
  ['Sigmoid', -6, 6], ['Sign', -3, 3], ['Sin', -3, 3], ['Sinh', -3, 3], ['Softplus', -20, 20], ['Sqrt', 0, 4],
  ['Square', -3, 3], ['Tan', -1.2, 1.2], ['Tanh', -4, 4], ['ZerosLike', -3, 3],
];
/** Unary kernels also defined on int32 in tfjs (and returning int32). */
const UNARY_INT = ['Abs', 'Identity', 'Neg', 'OnesLike', 'Relu', 'Sign', 'Square', 'ZerosLike'];

const BINARY_FLOAT: Array<[string, [number, number], [number, number]]> = [
  ['Add', [-3, 3], [-3, 3]], ['Sub', [-3, 3], [-3, 3]], ['Multiply', [-3, 3], [-3, 3]], ['RealDiv', [-3, 3], [0.5, 3]],
  ['FloorDiv', [-9, 9], [0.5, 3]], ['Maximum', [-3, 3], [-3, 3]], ['Minimum', [-3, 3], [-3, 3]], ['Pow', [0.1, 3], [-2, 2]],
  ['SquaredDifference', [-3, 3], [-3, 3]], ['Mod', [-9, 9], [0.5, 3]], ['Atan2', [-3, 3], [-3, 3]],
  ['Greater', [-1, 1], [-1, 1]], ['GreaterEqual', [-1, 1], [-1, 1]], ['Less', [-1, 1], [-1, 1]],
  ['LessEqual', [-1, 1], [-1, 1]], ['Equal', [-1, 1], [-1, 1]], ['NotEqual', [-1, 1], [-1, 1]],
];
const BINARY_INT = ['Add', 'Sub', 'Multiply', 'Maximum', 'Minimum', 'SquaredDifference', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'];
const BINARY_BOOL = ['LogicalAnd', 'LogicalOr', 'Equal', 'NotEqual'];

/** [aShape, bShape] pairs: same shape, broadcasting both ways, scalar, empty, size one. */
const BROADCASTS: Array<[number[], number[]]> = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [3, 1]],
  [[4], [2, 3, 1]],
  [[2, 3], []],
  [[0, 3], [3]],
  [[1], [1]],
];

function elementwiseCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const [name, lo, hi] of UNARY_FLOAT) {
    for (const shape of UNARY_SHAPES) {
      cases.push({ kernel: name, label: `float32[${shape}]`, run: (tf, x) => run(tf, name, { x: x.float(shape, lo, hi) }), tol: 2e-5 });
    }
  }
  for (const name of UNARY_INT) {
    cases.push({ kernel: name, label: 'int32[3,4]', run: (tf, x) => run(tf, name, { x: x.int([3, 4], -5, 5) }) });
  }
  cases.push({ kernel: 'LogicalNot', label: 'bool[3,4]', run: (tf, x) => run(tf, 'LogicalNot', { x: x.bool([3, 4]) }) });
  cases.push({ kernel: 'LogicalNot', label: 'bool[0]', run: (tf, x) => run(tf, 'LogicalNot', { x: x.bool([0]) }) });
  cases.push({
    kernel: 'IsNan',
    label: 'NaN and ±Inf',
    run: (tf) => {
      const v = tf.tensor1d([NaN, Infinity, -Infinity, 0, 1]);
      return ['IsNan', 'IsInf', 'IsFinite'].map((k) => run(tf, k, { x: v }) as T);
    },
  });

  for (const [name, [alo, ahi], [blo, bhi]] of BINARY_FLOAT) {
    for (const [as, bs] of BROADCASTS) {
      cases.push({
        kernel: name,
        label: `float32[${as}] ∘ float32[${bs}]`,
        run: (tf, x) => run(tf, name, { a: x.float(as, alo, ahi), b: x.float(bs, blo, bhi) }),
        tol: 2e-5,
      });
    }
  }
  for (const name of BINARY_INT) {
    for (const [as, bs] of BROADCASTS.slice(0, 4)) {
      cases.push({ kernel: name, label: `int32[${as}] ∘ int32[${bs}]`, run: (tf, x) => run(tf, name, { a: x.int(as, -6, 6), b: x.int(bs, -6, 6) }) });
    }
  }
  cases.push({ kernel: 'FloorDiv', label: 'int32 negative quotients', run: (tf, x) => run(tf, 'FloorDiv', { a: x.int([4, 5], -20, 20), b: x.nonZeroInt([5], -4, 4) }) });
  cases.push({ kernel: 'Mod', label: 'int32 signs', run: (tf, x) => run(tf, 'Mod', { a: x.int([4, 5], -20, 20), b: x.nonZeroInt([5], -4, 4) }) });
  cases.push({ kernel: 'Pow', label: 'int32 ** small int32', run: (tf, x) => run(tf, 'Pow', { a: x.int([3, 4], -4, 4), b: x.int([4], 0, 4) }) });
  cases.push({ kernel: 'BitwiseAnd', label: 'int32', run: (tf, x) => run(tf, 'BitwiseAnd', { a: x.int([3, 4], 0, 1000), b: x.int([3, 4], 0, 1000) }) });
  for (const name of BINARY_BOOL) {
    for (const [as, bs] of BROADCASTS) {
      cases.push({ kernel: name, label: `bool[${as}] ∘ bool[${bs}]`, run: (tf, x) => run(tf, name, { a: x.bool(as), b: x.bool(bs) }) });
    }
  }
  cases.push({ kernel: 'Prelu', label: 'float32[2,3,4], alpha[4]', run: (tf, x) => run(tf, 'Prelu', { x: x.float([2, 3, 4]), alpha: x.float([4], 0, 1) }) });
  cases.push({ kernel: 'EluGrad', label: 'float32[3,4]', run: (tf, x) => run(tf, 'EluGrad', { dy: x.float([3, 4]), y: x.float([3, 4], -0.9, 2) }) });

  cases.push({ kernel: 'Cast', label: 'float32 → int32 (truncates)', run: (tf, x) => run(tf, 'Cast', { x: x.float([3, 4], -5, 5) }, { dtype: 'int32' }) });
  cases.push({ kernel: 'Cast', label: 'float32 → bool', run: (tf) => run(tf, 'Cast', { x: tf.tensor1d([0, -0, 1.5, -2, 0]) }, { dtype: 'bool' }) });
  cases.push({ kernel: 'Cast', label: 'int32 → float32', run: (tf, x) => run(tf, 'Cast', { x: x.int([3, 4], -50, 50) }, { dtype: 'float32' }) });
  cases.push({ kernel: 'Cast', label: 'bool → int32', run: (tf, x) => run(tf, 'Cast', { x: x.bool([5]) }, { dtype: 'int32' }) });
  cases.push({ kernel: 'Cast', label: 'bool → float32 [0]', run: (tf, x) => run(tf, 'Cast', { x: x.bool([0]) }, { dtype: 'float32' }) });
  cases.push({ kernel: 'Step', label: 'alpha 0.3, NaN kept', run: (tf, x) => run(tf, 'Step', { x: tf.concat([x.float([6]), tf.tensor1d([NaN, 0])]) }, { alpha: 0.3 }) });
  cases.push({ kernel: 'LeakyRelu', label: 'alpha 0.2', run: (tf, x) => tf.leakyRelu(x.float([3, 4]), 0.2) });
  cases.push({ kernel: 'ClipByValue', label: '[-0.5, 1]', run: (tf, x) => tf.clipByValue(x.float([3, 4]), -0.5, 1) });
  cases.push({ kernel: 'ClipByValue', label: 'int32 [0]', run: (tf, x) => tf.clipByValue(x.int([0], 0, 4), 1, 2) });
  cases.push({ kernel: 'Select', label: 'same shape', run: (tf, x) => tf.where(x.bool([3, 4]), x.float([3, 4]), x.float([3, 4])) });
  cases.push({ kernel: 'Select', label: 'broadcast condition', run: (tf, x) => tf.where(x.bool([4]), x.float([3, 4]), x.float([3, 4])) });
  cases.push({ kernel: 'Select', label: 'int32 [0, 2]', run: (tf, x) => tf.where(x.bool([0, 2]), x.int([0, 2], 0, 9), x.int([0, 2], 0, 9)) });
  cases.push({ kernel: 'AddN', label: 'three float32', run: (tf, x) => tf.addN([x.float([2, 3]), x.float([2, 3]), x.float([2, 3])]) });
  cases.push({ kernel: 'AddN', label: 'int32 [1]', run: (tf, x) => tf.addN([x.int([1], 0, 9), x.int([1], 0, 9)]) });
  return cases;
}

function reduceCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  const axesList: Array<number | number[] | undefined> = [undefined, 0, -1, [0, 2], []];
  for (const [kernel, op] of [
    ['Sum', 'sum'], ['Mean', 'mean'], ['Max', 'max'], ['Min', 'min'], ['Prod', 'prod'],
  ] as const) {
    for (const axis of axesList) {
      for (const keepDims of [false, true]) {
        cases.push({
          kernel,
          label: `float32[2,3,4] axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
          run: (tf, x) => (tf[op] as (t: T, a?: number | number[], k?: boolean) => T)(x.float([2, 3, 4], 0.5, 1.5), axis, keepDims),
          tol: 2e-5,
        });
      }
    }
    cases.push({ kernel, label: 'int32[3,4] axis 1', run: (tf, x) => (tf[op] as (t: T, a?: number) => T)(x.int([3, 4], -3, 4), 1) });
    cases.push({ kernel, label: 'float32[0,3] axis 1 (empty result)', run: (tf, x) => (tf[op] as (t: T, a?: number) => T)(x.float([0, 3]), 1) });
    cases.push({ kernel, label: 'float32[1] all', run: (tf, x) => (tf[op] as (t: T) => T)(x.float([1])) });
  }
  cases.push({ kernel: 'Sum', label: 'float32[0,3] axis 0 (sum of nothing)', run: (tf, x) => tf.sum(x.float([0, 3]), 0) });
  cases.push({ kernel: 'Sum', label: 'bool (cast by the op)', run: (tf, x) => tf.sum(x.bool([4, 5]), 1) });
  for (const [kernel, op] of [['All', 'all'], ['Any', 'any']] as const) {
    cases.push({ kernel, label: 'bool[3,4] axis 1', run: (tf, x) => tf[op](x.bool([3, 4]), 1) });
    cases.push({ kernel, label: 'bool[3,4] all keepDims', run: (tf, x) => tf[op](x.bool([3, 4]), undefined, true) });
  }
  for (const [kernel, op] of [['ArgMax', 'argMax'], ['ArgMin', 'argMin']] as const) {
    cases.push({ kernel, label: 'float32[3,5] axis 1', run: (tf, x) => tf[op](x.float([3, 5]), 1) });
    cases.push({ kernel, label: 'float32[3,5] axis 0', run: (tf, x) => tf[op](x.float([3, 5]), 0) });
    cases.push({ kernel, label: 'int32 ties → first index', run: (tf) => tf[op](tf.tensor2d([[1, 3, 3, 0], [2, 2, 0, 0]], [2, 4], 'int32'), 1) });
  }
  for (const [kernel, op] of [['Cumsum', 'cumsum'], ['Cumprod', 'cumprod']] as const) {
    for (const exclusive of [false, true]) {
      for (const reverse of [false, true]) {
        cases.push({ kernel, label: `float32[3,4] axis 1 exclusive ${exclusive} reverse ${reverse}`, run: (tf, x) => tf[op](x.float([3, 4], 0.5, 1.5), 1, exclusive, reverse) });
      }
    }
    cases.push({ kernel, label: 'int32[2,5] axis 0', run: (tf, x) => tf[op](x.int([2, 5], -3, 4), 0) });
    cases.push({ kernel, label: 'float32[0]', run: (tf, x) => tf[op](x.float([0]), 0) });
  }
  cases.push({ kernel: 'Softmax', label: 'float32[2,3,5]', run: (tf, x) => tf.softmax(x.float([2, 3, 5], -5, 5)) });
  cases.push({ kernel: 'Softmax', label: 'float32[1,1]', run: (tf, x) => tf.softmax(x.float([1, 1])) });
  cases.push({ kernel: 'Softmax', label: 'large logits (stable)', run: (tf) => tf.softmax(tf.tensor2d([[1000, 1001, 1002], [-3.4e38, 0, 1]])) });
  cases.push({ kernel: 'TopK', label: 'k 3 of [4,7]', run: (tf, x) => { const r = tf.topk(x.distinct([4, 7]), 3); return [r.values, r.indices]; } });
  cases.push({ kernel: 'TopK', label: 'k 1 of [5]', run: (tf, x) => { const r = tf.topk(x.distinct([5]), 1); return [r.values, r.indices]; } });
  return cases;
}

function linalgCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    cases.push({
      kernel: 'BatchMatMul',
      label: `[2,3,4]·[2,4,5] transposeA ${ta} transposeB ${tb}`,
      run: (tf, x) => tf.matMul(x.float(ta ? [2, 4, 3] : [2, 3, 4]), x.float(tb ? [2, 5, 4] : [2, 4, 5]), ta, tb),
      tol: 1e-4,
    });
  }
  cases.push({ kernel: 'BatchMatMul', label: '2D [5,7]·[7,3]', run: (tf, x) => tf.matMul(x.float([5, 7]), x.float([7, 3])), tol: 1e-4 });
  // (tfjs cpu broadcasts batch dims by flat index modulo, right only when one side's batch is 1 or both agree.)
  cases.push({ kernel: 'BatchMatMul', label: 'batch broadcast [2,2,3,4]·[1,4,2]', run: (tf, x) => tf.matMul(x.float([2, 2, 3, 4]), x.float([1, 4, 2])), tol: 1e-4 });
  cases.push({ kernel: 'BatchMatMul', label: 'batch broadcast [3,4]·[2,4,5]', run: (tf, x) => tf.matMul(x.float([3, 4]), x.float([2, 4, 5])), tol: 1e-4 });
  cases.push({ kernel: 'BatchMatMul', label: 'attention [2,2,8,4]·[2,2,8,4]ᵀ', run: (tf, x) => tf.matMul(x.float([2, 2, 8, 4]), x.float([2, 2, 8, 4]), false, true), tol: 1e-4 });
  cases.push({ kernel: 'BatchMatMul', label: 'inner size 0', run: (tf, x) => tf.matMul(x.float([3, 0]), x.float([0, 2])) });
  cases.push({ kernel: 'BatchMatMul', label: 'int32', run: (tf, x) => tf.matMul(x.int([3, 4], -5, 5), x.int([4, 2], -5, 5)) });
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    cases.push({
      kernel: '_FusedMatMul',
      label: `bias + ${activation}`,
      run: (tf, x) =>
        tf.fused.matMul({
          a: x.float([4, 6]),
          b: x.float([5, 6]),
          transposeB: true,
          bias: x.float([5]),
          activation,
          preluActivationWeights: activation === 'prelu' ? x.float([5], 0, 1) : undefined,
          leakyreluAlpha: 0.1,
        }),
      tol: 1e-4,
    });
  }
  cases.push({ kernel: '_FusedMatMul', label: 'batched, no bias', run: (tf, x) => tf.fused.matMul({ a: x.float([2, 3, 4]), b: x.float([2, 4, 2]) }), tol: 1e-4 });
  cases.push({ kernel: '_FusedMatMul', label: 'batched with bias', run: (tf, x) => tf.fused.matMul({ a: x.float([2, 3, 4]), b: x.float([2, 4, 2]), bias: x.float([2]) }), tol: 1e-4 });
  cases.push({ kernel: 'Einsum', label: 'ij,jk->ik', run: (tf, x) => tf.einsum('ij,jk->ik', x.float([3, 4]), x.float([4, 2])), tol: 1e-4 });
  cases.push({ kernel: 'Einsum', label: 'bij,bjk->bik', run: (tf, x) => tf.einsum('bij,bjk->bik', x.float([2, 3, 4]), x.float([2, 4, 5])), tol: 1e-4 });
  cases.push({ kernel: 'Einsum', label: 'ij->ji', run: (tf, x) => tf.einsum('ij->ji', x.float([3, 4])) });
  return cases;
}

function shapeCases(): KernelCase[] {
  const c: KernelCase[] = [];
  c.push({ kernel: 'Reshape', label: '[2,3,4] → [6,-1]', run: (tf, x) => tf.reshape(x.float([2, 3, 4]), [6, -1]) });
  c.push({ kernel: 'Reshape', label: 'of a transposed view', run: (tf, x) => tf.reshape(tf.transpose(x.float([2, 3, 4]), [2, 0, 1]), [4, 6]) });
  c.push({ kernel: 'Reshape', label: '[0,3] → [3,0]', run: (tf, x) => tf.reshape(x.float([0, 3]), [3, 0]) });
  c.push({ kernel: 'Reshape', label: 'int32 [1] → []', run: (tf, x) => tf.reshape(x.int([1], 0, 9), []) });
  c.push({ kernel: 'ExpandDims', label: 'axis 1 and -1', run: (tf, x) => { const t = x.float([2, 3]); return [tf.expandDims(t, 1), tf.expandDims(t, -1)]; } });
  c.push({ kernel: 'Transpose', label: 'perm [2,0,1]', run: (tf, x) => tf.transpose(x.float([2, 3, 4]), [2, 0, 1]) });
  c.push({ kernel: 'Transpose', label: 'int32 2D', run: (tf, x) => tf.transpose(x.int([3, 5], 0, 9)) });
  c.push({ kernel: 'Transpose', label: 'bool [0,2]', run: (tf, x) => tf.transpose(x.bool([0, 2])) });
  c.push({ kernel: 'Slice', label: 'begin [1,0,2] size [1,-1,2]', run: (tf, x) => tf.slice(x.float([2, 3, 4]), [1, 0, 2], [1, -1, 2]) });
  c.push({ kernel: 'Slice', label: 'size 0', run: (tf, x) => tf.slice(x.float([4, 3]), [1, 0], [0, 3]) });
  c.push({ kernel: 'Slice', label: 'int32 1D', run: (tf, x) => tf.slice(x.int([9], 0, 9), 2, 4) });
  c.push({ kernel: 'StridedSlice', label: 'stride 2', run: (tf, x) => tf.stridedSlice(x.float([6, 5]), [0, 1], [6, 5], [2, 2]) });
  c.push({ kernel: 'StridedSlice', label: 'negative stride', run: (tf, x) => tf.stridedSlice(x.float([6, 5]), [5, 0], [0, 5], [-2, 1]) });
  c.push({ kernel: 'StridedSlice', label: 'negative stride to the start (end mask)', run: (tf, x) => tf.stridedSlice(x.float([6]), [4], [0], [-1], 0, 1) });
  c.push({ kernel: 'StridedSlice', label: 'masks: begin, end, shrink, new axis', run: (tf, x) => tf.stridedSlice(x.float([4, 5, 6]), [1, 0, 2], [3, 0, 5], [1, 1, 1], 2, 2, 0, 0, 1) });
  c.push({ kernel: 'StridedSlice', label: 'new axis', run: (tf, x) => tf.stridedSlice(x.float([4, 5]), [0, 0, 1], [0, 4, 4], [1, 1, 1], 0, 0, 0, 1) });
  c.push({ kernel: 'StridedSlice', label: 'identity', run: (tf, x) => tf.stridedSlice(x.float([3, 4]), [0, 0], [3, 4], [1, 1]) });
  c.push({ kernel: 'StridedSlice', label: 'empty', run: (tf, x) => tf.stridedSlice(x.float([3, 4]), [2, 0], [2, 4], [1, 1]) });
  c.push({ kernel: 'Concat', label: 'axis 1, three inputs', run: (tf, x) => tf.concat([x.float([2, 3]), x.float([2, 1]), x.float([2, 4])], 1) });
  c.push({ kernel: 'Concat', label: 'axis 0 with an empty input', run: (tf, x) => tf.concat([x.float([0, 3]), x.float([2, 3])], 0) });
  c.push({ kernel: 'Concat', label: 'int32 axis -1', run: (tf, x) => tf.concat([x.int([2, 2], 0, 9), x.int([2, 3], 0, 9)], -1) });
  c.push({ kernel: 'Pack', label: 'axis 0', run: (tf, x) => tf.stack([x.float([2, 3]), x.float([2, 3])]) });
  c.push({ kernel: 'Pack', label: 'axis -1, scalars', run: (tf, x) => tf.stack([x.float([]), x.float([]), x.float([])], -1) });
  c.push({ kernel: 'Pack', label: 'int32 axis 1', run: (tf, x) => tf.stack([x.int([2, 3], 0, 9), x.int([2, 3], 0, 9)], 1) });
  c.push({ kernel: 'Unpack', label: 'axis 0', run: (tf, x) => tf.unstack(x.float([3, 4])) });
  c.push({ kernel: 'Unpack', label: 'axis 1 int32', run: (tf, x) => tf.unstack(x.int([2, 3], 0, 9), 1) });
  c.push({ kernel: 'SplitV', label: 'three equal parts', run: (tf, x) => tf.split(x.float([6, 4]), 3) });
  c.push({ kernel: 'SplitV', label: 'sizes [1,-1,1] axis 1', run: (tf, x) => tf.split(x.float([2, 5]), [1, -1, 1], 1) });
  c.push({ kernel: 'Tile', label: '[2,3] × [2,1]', run: (tf, x) => tf.tile(x.float([2, 3]), [2, 1]) });
  c.push({ kernel: 'Tile', label: 'int32 [3] × [4]', run: (tf, x) => tf.tile(x.int([3], 0, 9), [4]) });
  c.push({ kernel: 'Tile', label: 'bool [0,2] × [2,2]', run: (tf, x) => tf.tile(x.bool([0, 2]), [2, 2]) });
  c.push({ kernel: 'PadV2', label: 'value 0.5', run: (tf, x) => tf.pad(x.float([2, 3]), [[1, 0], [2, 1]], 0.5) });
  c.push({ kernel: 'PadV2', label: 'int32 3D', run: (tf, x) => tf.pad(x.int([2, 2, 2], 0, 9), [[0, 1], [1, 1], [0, 0]], 7) });
  c.push({ kernel: 'MirrorPad', label: 'reflect', run: (tf, x) => tf.mirrorPad(x.float([3, 4]), [[2, 1], [1, 3]], 'reflect') });
  c.push({ kernel: 'MirrorPad', label: 'symmetric', run: (tf, x) => tf.mirrorPad(x.float([3, 4]), [[3, 1], [0, 4]], 'symmetric') });
  c.push({ kernel: 'Reverse', label: 'axes [0,2]', run: (tf, x) => tf.reverse(x.float([2, 3, 4]), [0, 2]) });
  c.push({ kernel: 'Reverse', label: 'int32 1D', run: (tf, x) => tf.reverse(x.int([5], 0, 9)) });
  c.push({ kernel: 'BroadcastTo', label: '[3,1] → [2,3,4]', run: (tf, x) => tf.broadcastTo(x.float([3, 1]), [2, 3, 4]) });
  c.push({ kernel: 'BroadcastTo', label: 'int32 [] → [3]', run: (tf, x) => tf.broadcastTo(x.int([], 0, 9), [3]) });
  return c;
}

function indexingCases(): KernelCase[] {
  const c: KernelCase[] = [];
  c.push({ kernel: 'GatherV2', label: 'embedding rows [10,4] by int32[2,3]', run: (tf, x) => tf.gather(x.float([10, 4]), x.int([2, 3], 0, 10)) });
  c.push({ kernel: 'GatherV2', label: 'axis 1', run: (tf, x) => tf.gather(x.float([3, 5, 2]), x.int([4], 0, 5), 1) });
  c.push({ kernel: 'GatherV2', label: 'batchDims 1', run: (tf, x) => tf.gather(x.float([2, 5, 3]), x.int([2, 4], 0, 5), 1, 1) });
  c.push({ kernel: 'GatherV2', label: 'no indices', run: (tf, x) => tf.gather(x.float([5, 3]), x.int([0], 0, 5)) });
  c.push({ kernel: 'GatherV2', label: 'int32 params, scalar index', run: (tf, x) => tf.gather(x.int([6, 2], 0, 99), tf.scalar(3, 'int32')) });
  c.push({ kernel: 'GatherNd', label: 'pairs into [4,5,3]', run: (tf, x) => tf.gatherND(x.float([4, 5, 3]), tf.tensor2d([[0, 1], [3, 4], [2, 2]], [3, 2], 'int32')) });
  c.push({ kernel: 'GatherNd', label: 'full index', run: (tf, x) => tf.gatherND(x.int([3, 3], 0, 9), tf.tensor2d([[2, 1], [0, 0]], [2, 2], 'int32')) });
  c.push({ kernel: 'ScatterNd', label: 'with a duplicate index', run: (tf, x) => tf.scatterND(tf.tensor2d([[1], [3], [1]], [3, 1], 'int32'), x.float([3, 4]), [5, 4]) });
  c.push({ kernel: 'UnsortedSegmentSum', label: '[6,3] into 4 segments', run: (tf, x) => tf.unsortedSegmentSum(x.float([6, 3]), x.int([6], 0, 4) as tfjs.Tensor1D, 4) });
  // tfjs cpu returns float32 for int32 input; TensorFlow (and tfjs webgl) keep int32, as we do.
  c.push({ kernel: 'UnsortedSegmentSum', label: 'int32 1D', run: (tf, x) => tf.unsortedSegmentSum(x.int([8], -5, 5), x.int([8], 0, 3) as tfjs.Tensor1D, 3), dtype: 'int32' });
  c.push({ kernel: 'UnsortedSegmentSum', label: 'no rows', run: (tf, x) => tf.unsortedSegmentSum(x.float([0, 2]), x.int([0], 0, 3) as tfjs.Tensor1D, 3) });
  c.push({ kernel: 'OneHot', label: 'depth 5', run: (tf, x) => tf.oneHot(x.int([6], 0, 5), 5) });
  c.push({ kernel: 'OneHot', label: 'out of range → all off; float on/off', run: (tf) => tf.oneHot(tf.tensor1d([0, 7, -1, 2], 'int32'), 3, 0.9, 0.05, 'float32') });
  c.push({ kernel: 'OneHot', label: '2D indices', run: (tf, x) => tf.oneHot(x.int([2, 3], 0, 4), 4) });
  return c;
}

function creationCases(): KernelCase[] {
  return [
    { kernel: 'Fill', label: 'float32 [2,3]', run: (tf) => tf.fill([2, 3], 1.5) },
    { kernel: 'Fill', label: 'int32 [0]', run: (tf) => tf.fill([0], 4, 'int32') },
    { kernel: 'Fill', label: 'scalar', run: (tf) => tf.fill([], -2) },
    { kernel: 'Range', label: '0..10 step 3 int32', run: (tf) => tf.range(0, 10, 3, 'int32') },
    { kernel: 'Range', label: 'float step 0.1', run: (tf) => tf.range(-1, 1, 0.1) },
    { kernel: 'Range', label: 'descending', run: (tf) => tf.range(5, -3, -2) },
    { kernel: 'Range', label: 'empty', run: (tf) => tf.range(3, 3) },
    { kernel: 'LinSpace', label: '0..1 in 7', run: (tf) => tf.linspace(0, 1, 7) },
  ];
}

/** Every case, grouped by kernel. */
export function kernelCases(): KernelCase[] {
  return [...elementwiseCases(), ...reduceCases(), ...linalgCases(), ...shapeCases(), ...indexingCases(), ...creationCases()];
}
