import { TILE_CONFIGS, tileConfigFits, type GemmLimits, type TileConfig } from './tile-configs.js';

/** A batched product C[b] = op(A)[b] · op(B)[b], op(A): M×K, op(B): K×N, as the kernel sees it. */
export interface GemmShape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** How tl's GEMM runs one product: the tiling and how many slices K is split into. */
export interface GemmPlan {
  readonly config: TileConfig;
  /** K slices computed by separate workgroups into a [splits, batch, M, N] buffer, then summed in slice order. */
  readonly splits: number;
  /** K per slice (a multiple of config.bk); the last slice may be shorter. */
  readonly kPerSplit: number;
  /** Workgroups of the GEMM pass. */
  readonly workgroups: number;
}

/**
 * Outputs below this many elements (or with fewer than MIN_OUTER rows or columns) stay on tfjs's
 * kernels: its reduce / small-output / split-K programs exist for exactly those (a 128×128 tile
 * would be mostly padding), and the BERT step's time is in the large products.
 */
export const MIN_OUTPUT = 8192;
export const MIN_OUTER = 16;
/**
 * Workgroups the GEMM pass should have to fill a big GPU: an H200 has 132 SMs, and a 256-invocation,
 * ~128-register workgroup leaves room for two per SM. Fewer (e.g. dW = dYᵀ·X of BERT-base: 768×768
 * outputs, 36 large tiles, K = 4096) and K is split.
 */
export const TARGET_WORKGROUPS = 256;
/** A K slice shorter than this spends more on the partials' traffic than it gains. */
export const MIN_K_PER_SPLIT = 256;
export const MAX_SPLITS = 16;
/** A tiling may pad the output by at most this factor (edge tiles compute, then discard). */
const MAX_PADDING = 1.3;

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);
const I32_MAX = 2 ** 31 - 1;

export function workgroupsFor(c: TileConfig, s: GemmShape): number {
  return s.batch * ceilDiv(s.m, c.tm) * ceilDiv(s.n, c.tn);
}

function padding(c: TileConfig, s: GemmShape): number {
  return (ceilDiv(s.m, c.tm) * c.tm * ceilDiv(s.n, c.tn) * c.tn) / (s.m * s.n);
}

/**
 * Chooses the tiling for a product, or undefined to leave it to tfjs (small outputs, sizes beyond
 * i32 indexing or the device's dispatch / binding limits, no tiling that fits the device).
 *
 * Among the tilings that fit the device and pad the output by ≤ 30% (if none does, the smallest),
 * the largest that gives TARGET_WORKGROUPS workgroups wins. If none does, K is split into slices
 * of ≥ MIN_K_PER_SPLIT (at most MAX_SPLITS) until one does, the largest such tiling winning; failing
 * that, the tiling with the most workgroups after splitting.
 * `force` pins the tiling and the number of slices (tests use it to run every path on small shapes).
 */
export function planGemm(s: GemmShape, limits: GemmLimits, force?: { config: TileConfig['name']; splits?: number }): GemmPlan | undefined {
  if (s.k < 1 || s.m < 1 || s.n < 1 || s.batch < 1) return undefined;
  if (!force && (s.m < MIN_OUTER || s.n < MIN_OUTER || s.batch * s.m * s.n < MIN_OUTPUT)) return undefined;
  const fitting = TILE_CONFIGS.filter((c) => tileConfigFits(c, limits));
  let config: TileConfig | undefined;
  let splits = 1;
  if (force) {
    config = fitting.find((c) => c.name === force.config);
    splits = Math.max(1, Math.min(force.splits ?? 1, s.k));
  } else {
    const snug = fitting.filter((c) => padding(c, s) <= MAX_PADDING);
    const candidates = snug.length > 0 ? snug : fitting.slice(-1);
    config = candidates.find((c) => workgroupsFor(c, s) >= TARGET_WORKGROUPS);
    if (!config) {
      // Too few tiles: split K, preferring the largest tiling that then fills the GPU, else the
      // one that comes closest (the first, i.e. largest, on ties).
      const splitFor = (c: TileConfig): number => Math.max(1, Math.min(ceilDiv(TARGET_WORKGROUPS, workgroupsFor(c, s)), Math.floor(s.k / MIN_K_PER_SPLIT), MAX_SPLITS));
      const total = (c: TileConfig): number => workgroupsFor(c, s) * splitFor(c);
      config = candidates.find((c) => total(c) >= TARGET_WORKGROUPS) ?? candidates.reduce<TileConfig | undefined>((best, c) => (!best || total(c) > total(best) ? c : best), undefined);
      if (config) splits = splitFor(config);
    }
  }
  if (!config) return undefined;
  // Slices are whole bk stages; recount so that none is empty.
  const kPerSplit = ceilDiv(ceilDiv(s.k, splits), config.bk) * config.bk;
  splits = ceilDiv(s.k, kPerSplit);
  const plan: GemmPlan = { config, splits, kPerSplit, workgroups: workgroupsFor(config, s) * splits };
  return withinLimits(plan, s, limits) ? plan : undefined;
}

/** i32 element indices in the shader, and the dispatch / buffer limits of the device. */
function withinLimits(p: GemmPlan, s: GemmShape, limits: GemmLimits): boolean {
  const outElements = p.splits * s.batch * s.m * s.n;
  return (
    outElements <= I32_MAX &&
    s.batch * s.m * s.k <= I32_MAX &&
    s.batch * s.k * s.n <= I32_MAX &&
    outElements * 4 <= limits.maxStorageBufferBindingSize &&
    ceilDiv(s.n, p.config.tn) <= limits.maxComputeWorkgroupsPerDimension &&
    ceilDiv(s.m, p.config.tm) <= limits.maxComputeWorkgroupsPerDimension &&
    p.splits * s.batch <= limits.maxComputeWorkgroupsPerDimension
  );
}
