/**
 * The workgroup tilings tl's GEMM is compiled for. A workgroup computes a `tm × tn` block of C,
 * walking K in steps of `bk`; each invocation holds an `rm × rn` block of C in registers (as rm·rn/4
 * vec4 accumulators), so per k it reads rm/4 + rn/4 vec4s of workgroup memory for rm·rn FMAs.
 * tfjs's MatMulPackedProgram uses 32×32 tiles with 4×4 per invocation (64 invocations): 8 FMAs per
 * shared-memory float read, against 32 for `large` here.
 *
 * Invariants the shader generator relies on (checked by `tileConfigIsValid`, and a unit test):
 * rm and rn are multiples of 4; the invocations divide each operand tile's `bk × t/4` vec4 slots
 * evenly (every invocation stages the same number of vec4s per k-step).
 */
export interface TileConfig {
  readonly name: 'large' | 'medium' | 'small';
  /** Output rows per workgroup (from op(A)). */
  readonly tm: number;
  /** Output columns per workgroup (from op(B)). */
  readonly tn: number;
  /** K per shared-memory stage. */
  readonly bk: number;
  /** Output rows per invocation. */
  readonly rm: number;
  /** Output columns per invocation. */
  readonly rn: number;
}

/** Largest first: the planner prefers the most reuse that still fills the GPU. */
export const TILE_CONFIGS: readonly TileConfig[] = [
  // 256 invocations, 64 accumulators each: the main BERT-base tiling.
  { name: 'large', tm: 128, tn: 128, bk: 8, rm: 8, rn: 8 },
  // 128 invocations: the only one that fits compatibility mode's 128-invocation limit with 8×8 per
  // invocation; also exact for N = 64 (attention's context product) and twice the workgroups of
  // `large` where those are too few.
  { name: 'medium', tm: 128, tn: 64, bk: 8, rm: 8, rn: 8 },
  // 256 invocations of 4×4: small or ragged outputs (less padding waste, more workgroups).
  { name: 'small', tm: 64, tn: 64, bk: 16, rm: 4, rn: 4 },
];

export const threadsOf = (c: TileConfig): number => (c.tm / c.rm) * (c.tn / c.rn);

/** vec4s of padding after each staged k row of an operand that is transposed while staging (bank spread). */
export const TILE_ROW_PAD = 1;

/** Bytes of workgroup memory: one bk-deep stage of each operand tile (single-buffered), padding included. */
export const workgroupBytesOf = (c: TileConfig): number => c.bk * (c.tm + c.tn + 8 * TILE_ROW_PAD) * 4;

/** The device limits a tiling must respect (a subset of GPUSupportedLimits). */
export interface GemmLimits {
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupSizeY: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBufferBindingSize: number;
}

export function tileConfigFits(c: TileConfig, limits: GemmLimits): boolean {
  return (
    threadsOf(c) <= limits.maxComputeInvocationsPerWorkgroup &&
    c.tn / c.rn <= limits.maxComputeWorkgroupSizeX &&
    c.tm / c.rm <= limits.maxComputeWorkgroupSizeY &&
    workgroupBytesOf(c) <= limits.maxComputeWorkgroupStorageSize
  );
}

export function tileConfigIsValid(c: TileConfig): boolean {
  const threads = threadsOf(c);
  const slots = (t: number): number => (c.bk * t) / 4;
  return (
    c.rm % 4 === 0 &&
    c.rn % 4 === 0 &&
    c.tm % c.rm === 0 &&
    c.tn % c.rn === 0 &&
    c.bk % 4 === 0 &&
    slots(c.tm) % threads === 0 &&
    slots(c.tn) % threads === 0
  );
}
