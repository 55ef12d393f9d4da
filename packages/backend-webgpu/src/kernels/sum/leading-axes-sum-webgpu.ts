import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FlatElementwiseProgram } from '../flat-elementwise-program.js';
import { SliceSumProgram } from '../slice-sum-program.js';

/** Rows a partial sum covers: R/64 partials per column, each read with consecutive columns side by side. */
const ROWS_PER_PARTIAL = 64;
/** Below these, tfjs's kernel (one transpose is cheap there, and so is a small reduction). */
const MIN_ROWS = 64;
const MIN_COLUMNS = 16;

/** Test hook: how many sums this kernel (not tfjs's) ran. */
export const leadingSumHooks = { runs: 0 };

/**
 * Sum over the leading axes for webgpu: x viewed as [rows, columns], the column sums. This is every
 * bias and LayerNorm-beta gradient of a training step (dy [batch·seq, hidden] summed over its rows;
 * ~100 per BERT-base step), and `Σ dy·x̂` of LayerNorm's dgamma.
 *
 * Why: tfjs-backend-webgpu 4.22 reduces only innermost axes, so it first transposes x (a full copy
 * and a dispatch) and then runs one workgroup per column. Here pass 1 sums blocks of 64 rows per
 * column (consecutive invocations read consecutive columns, so loads coalesce) into partials, and
 * pass 2 adds a column's partials in block order: results are the same on every run. Float32 x only;
 * other dtypes and axes go to tfjs's kernel.
 */
export function leadingAxesSumWebGpu(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const split = leadingSplit(x, axis);
    if (!split) return original.kernelFunc(args);
    const [rows, columns] = split;
    const backend = args.backend as WebGPUBackend;
    const blocks = Math.ceil(rows / ROWS_PER_PARTIAL);
    const i32 = (v: number) => ({ type: 'int32', data: [v] });
    const flat: TensorInfo = { dataId: x.dataId, shape: [rows * columns], dtype: 'float32' };
    let out = backend.runWebGPUProgram(new ColumnBlockSumProgram(blocks * columns), [flat], 'float32', [i32(rows), i32(columns)]);
    if (blocks > 1) {
      const partials = out;
      out = backend.runWebGPUProgram(new SliceSumProgram(columns), [partials], 'float32', [i32(blocks)]);
      backend.disposeData(partials.dataId);
    }
    leadingSumHooks.runs++;
    const reduced = util.parseAxisParam(axis, x.shape).length;
    const outShape = keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...x.shape.slice(reduced)] : x.shape.slice(reduced);
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
  return { ...original, kernelFunc };
}

/** [rows, columns] when `axis` is exactly the leading axes of a float32 x (not all of them) and x is big enough. */
function leadingSplit(x: TensorInfo, axis: number | number[]): [number, number] | undefined {
  if (x.dtype !== 'float32' || x.shape.length < 2) return undefined;
  const axes = [...util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= x.shape.length || axes.some((a, i) => a !== i)) return undefined;
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const columns = util.sizeFromShape(x.shape.slice(axes.length));
  return rows >= MIN_ROWS && columns >= MIN_COLUMNS ? [rows, columns] : undefined;
}

/** result[b·C + c] = Σ x[r·C + c] over rows r of block b (64 rows; the last block may be short). */
class ColumnBlockSumProgram extends FlatElementwiseProgram {
  constructor(n: number) {
    super(
      'tl_column_block_sum',
      ['x'],
      'rows : i32, columns : i32,',
      `let column = index % uniforms.columns;
          let first = (index / uniforms.columns) * ${ROWS_PER_PARTIAL};
          let last = min(first + ${ROWS_PER_PARTIAL}, uniforms.rows);
          var sum = 0.0;
          for (var r = first; r < last; r = r + 1) {
            sum = sum + x[r * uniforms.columns + column];
          }
          result[index] = sum;`,
      n,
    );
  }
}
