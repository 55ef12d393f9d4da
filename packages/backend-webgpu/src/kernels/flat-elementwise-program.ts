import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * One WGSL program over `n` elements of flat float32 inputs, an invocation per element: what tl's
 * fused elementwise kernels (AdamW, dropout, GELU) need. `body` runs for each `index < uniforms.size`;
 * `helpers` holds WGSL functions it calls; `uniforms` declares the program's own uniforms (tfjs's
 * syntax, `name : type,` each).
 */
export class FlatElementwiseProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;

  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly uniforms: string,
    private readonly body: string,
    n: number,
    private readonly helpers = '',
  ) {
    this.outputShape = [n];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${this.helpers}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.body}
        }
      }`;
  }
}
