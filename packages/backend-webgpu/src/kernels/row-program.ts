import type { TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * tl's row programs (LayerNorm, attention softmax): one workgroup of 64 invocations per row of a
 * [rows, cols] view, with workgroup-wide reductions over the row in workgroup memory.
 */
export const ROW_THREADS = 64;

/**
 * WGSL that sets `name` to the workgroup-wide sum (or maximum) of `value`; every invocation runs it,
 * in uniform control flow.
 *
 * Each reduction has its own workgroup array (`reductions` of the program): reusing one array for
 * the next reduction was seen to hand invocations past llvmpipe's first 8-wide SIMD group the
 * *next* reduction's partial sums (Dawn's GL backend defers the `let` load of the total past the
 * following writes), and a per-reduction array leaves nothing to overwrite.
 */
export function workgroupReduce(name: string, value: string, op: 'sum' | 'max' = 'sum'): string {
  const partials = `tlPartials_${name}`;
  const combine = op === 'sum' ? (a: string, b: string) => `${a} + ${b}` : (a: string, b: string) => `max(${a}, ${b})`;
  return `
        ${partials}[localId.x] = ${value};
        workgroupBarrier();
        for (var stride = ${ROW_THREADS / 2}u; stride > 0u; stride = stride / 2u) {
          if (localId.x < stride) {
            ${partials}[localId.x] = ${combine(`${partials}[localId.x]`, `${partials}[localId.x + stride]`)};
          }
          workgroupBarrier();
        }
        let ${name} = ${partials}[0];`;
}

/**
 * `body` runs once per invocation with `row`, `valid` (row < rows), `cols`, `lane` (0…63) and `base`
 * (row · cols) defined; loops over the row must be guarded by `valid`, reductions must not.
 * `uniforms`: the program's own, after `rows` and `cols`. The output is float32 [rows · cols].
 */
export class RowProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [ROW_THREADS, 1, 1];
  readonly uniforms: string;

  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    private readonly reductions: readonly string[],
    private readonly body: string,
    uniforms: string,
    rows: number,
    cols: number,
  ) {
    this.uniforms = `rows : i32, cols : i32, ${uniforms}`;
    this.outputShape = [rows * cols];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([rows * ROW_THREADS]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [rows * ROW_THREADS], this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${this.reductions.map((r) => `var<workgroup> tlPartials_${r} : array<f32, ${ROW_THREADS}>;`).join('\n      ')}

      fn main(index : i32) {
        let row = index / ${ROW_THREADS};
        let valid = row < uniforms.rows;
        let cols = uniforms.cols;
        let lane = i32(localId.x);
        let base = row * cols;
        ${this.body}
      }`;
  }
}

/** A program uniform as tfjs's runWebGPUProgram takes it. */
export type RowUniform = { type: 'int32' | 'float32'; data: number[] };

/**
 * Runs a row program over `inputs` (each read flat) with `shape`'s last axis as the row; returns
 * the output with `shape`.
 */
export function runRowProgram(
  b: WebGPUBackend,
  spec: { shaderKey: string; variableNames: string[]; reductions: readonly string[]; body: string; uniforms: string },
  inputs: readonly TensorInfo[],
  shape: number[],
  uniforms: RowUniform[],
): TensorInfo {
  const cols = shape[shape.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : util.sizeFromShape(shape) / cols;
  const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [util.sizeFromShape(t.shape)], dtype: t.dtype });
  const program = new RowProgram(spec.shaderKey, spec.variableNames, spec.reductions, spec.body, spec.uniforms, rows, cols);
  const out = b.runWebGPUProgram(program, inputs.map(flat), 'float32', [{ type: 'int32', data: [rows] }, { type: 'int32', data: [cols] }, ...uniforms]);
  return { dataId: out.dataId, shape, dtype: 'float32' };
}
