import { FlatElementwiseProgram } from './flat-elementwise-program.js';

/**
 * result[i] = Σ_s partials[s·n + i] over `slices` stacked partial results of n elements each, in
 * slice order (so the sum is the same on every run): the second pass of tl's split-K GEMM and of
 * the leading-axes Sum.
 */
export class SliceSumProgram extends FlatElementwiseProgram {
  constructor(n: number) {
    super(
      'tl_slice_sum',
      ['partials'],
      'slices : i32,',
      `var sum = partials[index];
          for (var s = 1; s < uniforms.slices; s = s + 1) {
            sum = sum + partials[s * uniforms.size + index];
          }
          result[index] = sum;`,
      n,
    );
  }
}
