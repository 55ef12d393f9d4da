import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { GemmPlan, GemmShape } from './plan.js';
import { TILE_ROW_PAD, threadsOf, type TileConfig } from './tile-configs.js';

/**
 * The memory layout of one operand as the GEMM reads it. `kContiguous`: consecutive k are adjacent
 * in memory (A without transposeA, B with transposeB); otherwise consecutive rows of op(A) /
 * columns of op(B) are (A with transposeA, B without transposeB). `vec4`: the operand is bound as
 * array<vec4<f32>> and staged with one 16-byte load per vec4 — only in the second layout, when the
 * contiguous dimension is a multiple of 4 (so a vec4 never straddles a row or the end).
 */
interface OperandLayout {
  readonly kContiguous: boolean;
  readonly vec4: boolean;
}

export interface GemmLayout {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/**
 * tl's register-blocked GEMM over 3-D views: A is [batchA, M, K] ([batchA, K, M] with transposeA),
 * B is [batchB, K, N] ([batchB, N, K] with transposeB), batch strides of 0 broadcast a batch of 1.
 * Writes C (or, with K split into `splits` slices, the slices' partial products) as
 * [splits · batch, M, N]; workgroup z = split · batch + b.
 *
 * Per workgroup (tile `tm × tn`, see tile-configs.ts): the K range of its slice is walked in
 * `bk`-deep stages. Each stage's A and B tiles are staged through workgroup memory, k-major, as
 * vec4s (tileA[k][m/4], tileB[k][n/4], rows padded where staging transposes), so that every
 * invocation's per-k operands are rm/4 + rn/4 vec4 reads. Global loads for stage s+1 are issued into registers before the FMAs of stage s (one
 * shared buffer, two barriers per stage). Layouts where k is contiguous in memory are transposed
 * while staging: an invocation loads the same k of 4 adjacent rows (scalar loads that coalesce
 * across invocations, which take consecutive k) and stores them as one vec4.
 *
 * An invocation owns rm/4 groups of 4 rows and rn/4 groups of 4 columns, the groups spread across
 * the tile (row group g covers rows 4·(g·tm/rm + ty) + 0..3), so that neighbouring invocations read
 * neighbouring vec4s of workgroup memory and write neighbouring vec4s of C.
 *
 * Numerics: f32 products accumulated in k order within a slice (the same order on every run);
 * slices are summed in slice order by the reduce pass. Out-of-range k reads as 0; out-of-range rows
 * and columns are computed from zeros and not written.
 */
export class TlGemmProgram implements WebGPUProgram {
  readonly variableNames = ['A', 'B'];
  readonly variableComponents: number[];
  readonly outputComponent: number;
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [2], y: [1], z: [0] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly uniforms = 'dimM : i32, dimN : i32, dimK : i32, dimBatch : i32, aBatchStride : i32, bBatchStride : i32, kPerSplit : i32,';
  shaderKey: string;
  private readonly a: OperandLayout;
  private readonly b: OperandLayout;

  constructor(
    private readonly plan: GemmPlan,
    shape: GemmShape,
    layout: GemmLayout,
  ) {
    const c = plan.config;
    this.a = { kContiguous: !layout.transposeA, vec4: layout.transposeA && shape.m % 4 === 0 };
    this.b = { kContiguous: layout.transposeB, vec4: !layout.transposeB && shape.n % 4 === 0 };
    this.variableComponents = [this.a.vec4 ? 4 : 1, this.b.vec4 ? 4 : 1];
    this.outputComponent = shape.n % 4 === 0 ? 4 : 1;
    this.outputShape = [plan.splits * shape.batch, shape.m, shape.n];
    this.workgroupSize = [c.tn / c.rn, c.tm / c.rm, 1];
    this.dispatch = [Math.ceil(shape.n / c.tn), Math.ceil(shape.m / c.tm), plan.splits * shape.batch];
    const flag = (x: boolean): string => (x ? '1' : '0');
    this.shaderKey = `tl_gemm_${c.name}_a${flag(this.a.kContiguous)}${flag(this.a.vec4)}_b${flag(this.b.kContiguous)}${flag(this.b.vec4)}_c${this.outputComponent}`;
  }

  getUserCode(): string {
    const c = this.plan.config;
    const threads = threadsOf(c);
    const rowGroups = c.rm / 4;
    const colGroups = c.rn / 4;
    const lines: string[] = [];
    const emit = (s: string): void => void lines.push(s);

    // Staging: which vec4 slots of each operand tile this invocation loads and stores.
    const staging = (name: 'A' | 'B', t: number, op: OperandLayout, stride: number): { decl: string[]; load: (kBase: string) => string[]; store: string[] } => {
      const slots = (c.bk * t) / 4 / threads;
      const decl: string[] = [];
      const store: string[] = [];
      const origin = name === 'A' ? 'm0' : 'n0';
      for (let i = 0; i < slots; i++) {
        const slot = `(t + ${i * threads})`;
        // Consecutive invocations take consecutive addresses in the contiguous dimension.
        const [p, k] = op.kContiguous ? [`${slot} / ${c.bk}`, `${slot} % ${c.bk}`] : [`${slot} % ${t / 4}`, `${slot} / ${t / 4}`];
        decl.push(`let stage${name}P${i} = ${p};`, `let stage${name}K${i} = ${k};`, `var stage${name}${i} : vec4<f32>;`);
        store.push(`tile${name}[stage${name}K${i} * ${stride} + stage${name}P${i}] = stage${name}${i};`);
      }
      const load = (kBase: string): string[] =>
        Array.from({ length: slots }, (_, i) => `stage${name}${i} = load${name}(${kBase} + stage${name}K${i}, ${origin} + 4 * stage${name}P${i}, kEnd, ${name === 'A' ? 'aOff' : 'bOff'});`);
      return { decl, load, store };
    };
    // Rows of a staged tile (one per k), in vec4s. A layout transposed while staging stores one k
    // row per invocation in a warp-sized group: a row stride of t/4 would put all of those stores in
    // the same banks, one vec4 of padding spreads them.
    const strideA = c.tm / 4 + (this.a.kContiguous ? TILE_ROW_PAD : 0);
    const strideB = c.tn / 4 + (this.b.kContiguous ? TILE_ROW_PAD : 0);
    const sa = staging('A', c.tm, this.a, strideA);
    const sb = staging('B', c.tn, this.b, strideB);

    emit(`var<workgroup> tileA : array<vec4<f32>, ${c.bk * strideA}>;`);
    emit(`var<workgroup> tileB : array<vec4<f32>, ${c.bk * strideB}>;`);
    emit(loadFunction('A', 'uniforms.dimM', this.a));
    emit(loadFunction('B', 'uniforms.dimN', this.b));
    emit('fn main() {');
    emit('  let t = i32(localIndex);');
    emit('  let tx = i32(localId.x);');
    emit('  let ty = i32(localId.y);');
    emit('  let z = i32(workgroupId.z);');
    emit('  let batch = z % uniforms.dimBatch;');
    emit('  let kBegin = (z / uniforms.dimBatch) * uniforms.kPerSplit;');
    emit('  let kEnd = min(uniforms.dimK, kBegin + uniforms.kPerSplit);');
    emit(`  let m0 = i32(workgroupId.y) * ${c.tm};`);
    emit(`  let n0 = i32(workgroupId.x) * ${c.tn};`);
    emit('  let aOff = batch * uniforms.aBatchStride;');
    emit('  let bOff = batch * uniforms.bBatchStride;');
    for (const l of [...sa.decl, ...sb.decl]) emit(`  ${l}`);
    for (let i = 0; i < c.rm; i++) for (let h = 0; h < colGroups; h++) emit(`  var acc${i}_${h} = vec4<f32>(0.0);`);
    for (const l of [...sa.load('kBegin'), ...sb.load('kBegin')]) emit(`  ${l}`);
    // The trip count comes from uniforms only: barriers must be in uniform control flow.
    emit(`  let stages = (uniforms.kPerSplit + ${c.bk - 1}) / ${c.bk};`);
    emit('  for (var s = 0; s < stages; s = s + 1) {');
    for (const l of [...sa.store, ...sb.store]) emit(`    ${l}`);
    emit('    workgroupBarrier();');
    emit(`    let kNext = kBegin + (s + 1) * ${c.bk};`);
    for (const l of [...sa.load('kNext'), ...sb.load('kNext')]) emit(`    ${l}`);
    for (let k = 0; k < c.bk; k++) {
      for (let g = 0; g < rowGroups; g++) emit(`    let a${k}_${g} = tileA[${k * strideA + g * (c.tm / c.rm)} + ty];`);
      for (let h = 0; h < colGroups; h++) emit(`    let b${k}_${h} = tileB[${k * strideB + h * (c.tn / c.rn)} + tx];`);
      for (let g = 0; g < rowGroups; g++) {
        for (let r = 0; r < 4; r++) {
          for (let h = 0; h < colGroups; h++) {
            const acc = `acc${4 * g + r}_${h}`;
            emit(`    ${acc} = ${acc} + a${k}_${g}.${'xyzw'[r]} * b${k}_${h};`);
          }
        }
      }
    }
    emit('    workgroupBarrier();');
    emit('  }');
    emit('  let cOff = z * uniforms.dimM * uniforms.dimN;');
    for (let g = 0; g < rowGroups; g++) {
      for (let r = 0; r < 4; r++) {
        const i = 4 * g + r;
        emit(`  let row${i} = m0 + 4 * (${g * (c.tm / c.rm)} + ty) + ${r};`);
        emit(`  if (row${i} < uniforms.dimM) {`);
        for (let h = 0; h < colGroups; h++) {
          emit(`    let col${i}_${h} = n0 + 4 * (${h * (c.tn / c.rn)} + tx);`);
          const flat = `cOff + row${i} * uniforms.dimN + col${i}_${h}`;
          if (this.outputComponent === 4) {
            emit(`    if (col${i}_${h} < uniforms.dimN) { result[(${flat}) / 4] = acc${i}_${h}; }`);
          } else {
            for (let j = 0; j < 4; j++) emit(`    if (col${i}_${h} + ${j} < uniforms.dimN) { result[${flat} + ${j}] = acc${i}_${h}.${'xyzw'[j]}; }`);
          }
        }
        emit('  }');
      }
    }
    emit('}');
    return lines.join('\n');
  }
}

/**
 * WGSL `loadA` / `loadB`: the vec4 of op(X) at depth `k` and outer indices outer..outer+3 (rows of
 * op(A), columns of op(B)); zero where k ≥ kEnd or an index is ≥ `dim`.
 */
function loadFunction(name: 'A' | 'B', dim: string, op: OperandLayout): string {
  const head = `fn load${name}(k : i32, outer : i32, kEnd : i32, off : i32) -> vec4<f32> {\n  let dim = ${dim};`;
  if (op.vec4) {
    return `${head}
  if (k < kEnd && outer < dim) {
    return ${name}[(off + k * dim + outer) / 4];
  }
  return vec4<f32>(0.0);
}`;
  }
  const index = (j: number): string => (op.kContiguous ? `off + (outer + ${j}) * uniforms.dimK + k` : `off + k * dim + outer + ${j}`);
  const lanes = [0, 1, 2, 3].map((j) => `  if (outer + ${j} < dim) { v.${'xyzw'[j]} = ${name}[${index(j)}]; }`);
  return `${head}
  var v = vec4<f32>(0.0);
  if (k < kEnd) {
${lanes.join('\n')}
  }
  return v;
}`;
}
