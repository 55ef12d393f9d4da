import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Workgroups per tensor: each sums a strided share of it, so a large gradient is not one workgroup's work. */
export const SUM_SQUARES_WORKGROUPS = 64;

/**
 * Σ x² of one tensor into slots [slot, slot + 64) of a shared partials buffer (the program's output,
 * passed to every tensor's dispatch): workgroup g sums elements g·T + lane, stepping by 64·T, then
 * reduces its T invocations in workgroup memory and writes one partial. Every slot is written (a
 * workgroup with no elements writes 0), so the buffer needs no zero fill.
 */
export class SumOfSquaresProgram implements WebGPUProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'n : i32, slot : i32,';
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly shaderKey: string;

  /** `slots`: the partials buffer's length; `threads`: invocations per workgroup (a power of two). */
  constructor(slots: number, private readonly threads: number) {
    this.outputShape = [slots];
    this.workgroupSize = [threads, 1, 1];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([SUM_SQUARES_WORKGROUPS * threads]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [SUM_SQUARES_WORKGROUPS * threads], this.workgroupSize);
    this.shaderKey = `tl_sum_of_squares_${threads}`;
  }

  getUserCode(): string {
    const t = this.threads;
    return `
      var<workgroup> tlSquares : array<f32, ${t}>;

      fn main(index : i32) {
        let lane = i32(localId.x);
        let group = index / ${t};
        var acc = 0.0;
        for (var i = index; i < uniforms.n; i = i + ${SUM_SQUARES_WORKGROUPS * t}) {
          let v = x[i];
          acc = acc + v * v;
        }
        tlSquares[lane] = acc;
        workgroupBarrier();
        for (var stride = ${t / 2}; stride > 0; stride = stride / 2) {
          if (lane < stride) {
            tlSquares[lane] = tlSquares[lane] + tlSquares[lane + stride];
          }
          workgroupBarrier();
        }
        if (lane == 0) {
          result[uniforms.slot + group] = tlSquares[0];
        }
      }`;
  }
}
