/**
 * WGSL for workgroup-wide reductions in tl's row programs (LayerNorm, attention softmax): one
 * workgroup per row, `threads` invocations, a tree over workgroup memory.
 *
 * Each reduction has its own workgroup array: reusing one array for the next reduction was seen to
 * hand invocations past llvmpipe's first 8-wide SIMD group the *next* reduction's partial sums
 * (Dawn's GL backend defers the `let` load of the total past the following writes), and a
 * per-reduction array leaves nothing to overwrite.
 */

/** The workgroup arrays for reductions `names` (module scope). */
export function workgroupArrays(names: readonly string[], threads: number): string {
  return names.map((r) => `var<workgroup> tlPartials_${r} : array<f32, ${threads}>;`).join('\n      ');
}

/**
 * WGSL that sets `name` to the workgroup-wide sum (or maximum) of `value`; every invocation runs it,
 * in uniform control flow. `threads` is a power of two.
 */
export function workgroupReduce(name: string, value: string, threads: number, op: 'sum' | 'max' = 'sum'): string {
  const partials = `tlPartials_${name}`;
  const combine = op === 'sum' ? (a: string, b: string) => `${a} + ${b}` : (a: string, b: string) => `max(${a}, ${b})`;
  return `
        ${partials}[localId.x] = ${value};
        workgroupBarrier();
        for (var stride = ${threads / 2}u; stride > 0u; stride = stride / 2u) {
          if (localId.x < stride) {
            ${partials}[localId.x] = ${combine(`${partials}[localId.x]`, `${partials}[localId.x + stride]`)};
          }
          workgroupBarrier();
        }
        let ${name} = ${partials}[0];`;
}
