import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Workgroups per tensor: each sums a strided share of it, so a large gradient is not one workgroup's work. */
export const SUM_SQUARES_WORKGROUPS = 64;

/** Most tensors one dispatch reads (each is a storage binding; the device's limit may be lower). */
export const SUM_SQUARES_MAX_INPUTS = 15;

/**
 * Σ x² of `inputs` tensors `x0 … x{k−1}` in one dispatch, into slots [slot + 64·j, slot + 64·(j+1))
 * of a shared partials buffer for tensor j (the program's output, passed to every dispatch of a
 * call): workgroup g works on tensor g / 64 and sums its elements (g mod 64)·T + lane, stepping by
 * 64·T, then reduces its T invocations in workgroup memory and writes one partial. Every slot is
 * written (a workgroup with no elements writes 0), so the buffer needs no zero fill. Several
 * tensors per dispatch because BERT-base has 201 gradients: one dispatch each was 201 dispatches.
 */
export class SumOfSquaresProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly uniforms: string;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly shaderKey: string;

  /**
   * `slots`: the partials buffer's length; `threads`: invocations per workgroup (a power of two);
   * `inputs`: tensors per dispatch. Uniforms: each tensor's length `n0 …`, then the first slot.
   */
  constructor(slots: number, private readonly threads: number, private readonly inputs: number) {
    this.variableNames = Array.from({ length: inputs }, (_, j) => `x${j}`);
    this.uniforms = `${this.variableNames.map((_, j) => `n${j} : i32,`).join(' ')} slot : i32,`;
    this.outputShape = [slots];
    this.workgroupSize = [threads, 1, 1];
    const invocations = [inputs * SUM_SQUARES_WORKGROUPS * threads];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(invocations);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, invocations, this.workgroupSize);
    this.shaderKey = `tl_sum_of_squares_${threads}_${inputs}`;
  }

  getUserCode(): string {
    const t = this.threads;
    const stride = SUM_SQUARES_WORKGROUPS * t;
    // WGSL cannot index bindings dynamically: one case per tensor.
    const cases = this.variableNames
      .map(
        (x, j) => `
          case ${j}: {
            for (var i = first; i < uniforms.n${j}; i = i + ${stride}) {
              let v = ${x}[i];
              acc = acc + v * v;
            }
          }`,
      )
      .join('');
    return `
      var<workgroup> tlSquares : array<f32, ${t}>;

      fn main(index : i32) {
        let lane = i32(localId.x);
        let group = index / ${t};
        let tensor = group / ${SUM_SQUARES_WORKGROUPS};
        let first = index - tensor * ${stride};
        var acc = 0.0;
        switch (tensor) {${cases}
          default: {}
        }
        tlSquares[lane] = acc;
        workgroupBarrier();
        for (var s = ${t / 2}; s > 0; s = s / 2) {
          if (lane < s) {
            tlSquares[lane] = tlSquares[lane] + tlSquares[lane + s];
          }
          workgroupBarrier();
        }
        if (lane == 0) {
          result[uniforms.slot + group] = tlSquares[0];
        }
      }`;
  }
}
