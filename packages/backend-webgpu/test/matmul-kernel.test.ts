import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, describe, expect, it } from 'vitest';
import { BERT_SHAPES, bertLossAndGrads, createBertBatch, createBertParams, disposeBatch } from '../src/bench/bert-shaped.js';
import { withTfjsKernels } from '../src/index.js';
import { gemmHooks } from '../src/kernels/matmul/matmul-webgpu.js';
import { MIN_OUTPUT, planGemm, type GemmShape } from '../src/kernels/matmul/plan.js';
import { TILE_CONFIGS, tileConfigIsValid, type GemmLimits, type TileConfig } from '../src/kernels/matmul/tile-configs.js';
import { compare, randn, runOn, worstMismatch, type InputSpec } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { ATOL, RTOL } from './helpers/kernel-cases.js';

/** Limits of an H200 through Dawn/Vulkan (core WebGPU) and of compatibility mode's defaults. */
const CORE: GemmLimits = {
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupSizeY: 1024,
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 2 ** 31,
};
const COMPAT: GemmLimits = { ...CORE, maxComputeInvocationsPerWorkgroup: 128, maxComputeWorkgroupSizeX: 128, maxComputeWorkgroupSizeY: 128, maxComputeWorkgroupStorageSize: 16384, maxStorageBufferBindingSize: 2 ** 27 };

describe('tl GEMM planning (no GPU)', () => {
  it('every tiling satisfies the shader generator invariants', () => {
    for (const c of TILE_CONFIGS) expect(tileConfigIsValid(c), c.name).toBe(true);
  });

  it('BERT-base (batch 32 × seq 128) products get the large/medium tilings, dW splits K', () => {
    const plan = (s: GemmShape): string => {
      const p = planGemm(s, CORE);
      return p ? `${p.config.name}×${p.splits}` : 'tfjs';
    };
    const M = 4096;
    expect(plan({ batch: 1, m: M, n: 768, k: 768 })).toBe('medium×1'); // attention projections, dX of them
    expect(plan({ batch: 1, m: M, n: 3072, k: 768 })).toBe('large×1'); // FFN in
    expect(plan({ batch: 1, m: M, n: 768, k: 3072 })).toBe('medium×1'); // FFN out
    expect(plan({ batch: 1, m: 768, n: 768, k: M })).toBe('large×8'); // dW: 36 tiles, K split 8 ways
    expect(plan({ batch: 1, m: 3072, n: 768, k: M })).toBe('medium×1'); // 288 medium tiles
    expect(plan({ batch: 1, m: 128, n: 768, k: M })).toBe('small×11'); // 6 large tiles even at 16 slices: 24 small ones × 11
    expect(plan({ batch: 1, m: 256, n: 256, k: 256 })).toBe('small×1'); // K too short to split: the most workgroups
    expect(plan({ batch: 384, m: 128, n: 128, k: 64 })).toBe('large×1'); // attention scores
    expect(plan({ batch: 384, m: 128, n: 64, k: 128 })).toBe('medium×1'); // attention context
    expect(plan({ batch: 1, m: 32, n: 2, k: 768 })).toBe('tfjs'); // classifier head: tfjs's small-output programs
    expect(plan({ batch: 1, m: 64, n: 64, k: 3072 })).toBe('tfjs');
  });

  it('picks from what the device allows: compatibility mode gets the 128-invocation tiling; nothing fits → tfjs', () => {
    expect(planGemm({ batch: 1, m: 4096, n: 3072, k: 768 }, COMPAT)?.config.name).toBe('medium');
    expect(planGemm({ batch: 1, m: 4096, n: 3072, k: 768 }, { ...COMPAT, maxComputeInvocationsPerWorkgroup: 64 })).toBeUndefined();
    expect(planGemm({ batch: 1, m: 4096, n: 3072, k: 768 }, { ...CORE, maxComputeWorkgroupStorageSize: 4096 })).toBeUndefined();
    // A partials buffer beyond the binding limit: left to tfjs rather than failing on the device.
    expect(planGemm({ batch: 1, m: 768, n: 768, k: 4096 }, { ...CORE, maxStorageBufferBindingSize: 2 ** 20 })).toBeUndefined();
  });

  it('K slices are whole stages and none is empty', () => {
    const p = planGemm({ batch: 1, m: 130, n: 70, k: 700 }, CORE, { config: 'large', splits: 3 })!;
    expect(p.kPerSplit % p.config.bk).toBe(0);
    expect(p.splits).toBe(3);
    expect((p.splits - 1) * p.kPerSplit).toBeLessThan(700);
    expect(planGemm({ batch: 1, m: 130, n: 70, k: 5 }, CORE, { config: 'large', splits: 4 })!.splits).toBe(1);
  });
});

describe('tl GEMM on webgpu matches the cpu reference', () => {
  useBackendPair();
  afterEach(() => {
    gemmHooks.force = undefined;
  });

  const shapeOf = (rows: number, cols: number, transposed: boolean, batch: number[] = []): number[] => [...batch, ...(transposed ? [cols, rows] : [rows, cols])];
  const matMul = (ta: boolean, tb: boolean) => (x?: tf.Tensor, y?: tf.Tensor) => tf.matMul(x!, y!, ta, tb);

  /** Runs on both backends, asserts agreement, and returns what tl's GEMM ran (undefined: it did not run). */
  async function check(fn: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[]): Promise<typeof gemmHooks.last> {
    gemmHooks.last = undefined;
    const worst = await compare(fn, inputs, RTOL);
    expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
    return gemmHooks.last;
  }

  const combos = [[false, false], [false, true], [true, false], [true, true]] as const;

  // 130 × 70 × 33: a partial tile in M, N and K (and in the vec4 lanes of each) for every tiling.
  for (const config of TILE_CONFIGS.map((c) => c.name)) {
    for (const [ta, tb] of combos) {
      it(`${config} tiling, ta=${ta} tb=${tb}, 130×70×33 (edge tiles everywhere)`, async () => {
        gemmHooks.force = { config };
        const ran = await check(matMul(ta, tb), [randn(shapeOf(130, 33, ta), 1), randn(shapeOf(33, 70, tb), 2)]);
        expect(ran?.plan.config.name).toBe(config);
        expect(ran?.shaderKey).toMatch(/^tl_gemm_/);
      });
    }
  }

  // 132 × 68 × 36: multiples of 4, so A (transposeA) and B (no transposeB) load as vec4 and C stores vec4.
  for (const [ta, tb] of combos) {
    it(`vec4 loads and stores, ta=${ta} tb=${tb}, 132×68×36`, async () => {
      const ran = await check(matMul(ta, tb), [randn(shapeOf(132, 36, ta), 3), randn(shapeOf(36, 68, tb), 4)]);
      expect(ran, 'tl GEMM ran without forcing').toBeDefined();
      const key = ran!.shaderKey;
      expect(key).toContain(`_a${ta ? '01' : '10'}_b${tb ? '10' : '01'}_c4`);
    });
  }

  it('K = 1 (outer product)', async () => {
    const ran = await check(matMul(false, false), [randn([130, 1], 5), randn([1, 70], 6)]);
    expect(ran?.shape).toEqual({ batch: 1, m: 130, n: 70, k: 1 });
  });

  it('batched 4-D (attention-shaped) in every transpose combination', async () => {
    for (const [ta, tb] of combos) {
      const ran = await check(matMul(ta, tb), [randn(shapeOf(72, 20, ta, [4, 2]), 7), randn(shapeOf(20, 40, tb, [4, 2]), 8)]);
      expect(ran?.shape).toEqual({ batch: 8, m: 72, n: 40, k: 20 });
    }
  });

  it('broadcast batch: B with batch 1, and A with batch 1', async () => {
    let ran = await check(matMul(false, true), [randn([3, 2, 70, 33], 9), randn([1, 1, 50, 33], 10)]);
    expect(ran?.shape).toEqual({ batch: 6, m: 70, n: 50, k: 33 });
    ran = await check(matMul(true, false), [randn([1, 33, 70], 11), randn([5, 33, 50], 12)]);
    expect(ran?.shape).toEqual({ batch: 5, m: 70, n: 50, k: 33 });
  });

  it('split K (forced, ragged last slice): 130×70×700 in 3 slices, each tiling', async () => {
    for (const config of TILE_CONFIGS.map((c) => c.name)) {
      gemmHooks.force = { config, splits: 3 };
      const ran = await check(matMul(true, false), [randn([700, 130], 13, 0.5), randn([700, 70], 14, 0.5)]);
      expect(ran?.plan.splits).toBe(3);
    }
  });

  it('split K as planned (dW-shaped: 128×128 outputs, K = 1024) is deterministic and frees its partials', async () => {
    const inputs = [randn([1024, 128], 15, 0.5), randn([1024, 128], 16, 0.5)];
    const ran = await check(matMul(true, false), inputs);
    expect(ran?.plan.splits).toBe(4);
    const backend = tf.backend() as WebGPUBackend;
    const ids = backend.numDataIds();
    const [first] = await runOn('webgpu', matMul(true, false), inputs);
    const [second] = await runOn('webgpu', matMul(true, false), inputs);
    expect(backend.numDataIds()).toBe(ids);
    expect(Buffer.from(second!.buffer).equals(Buffer.from(first!.buffer))).toBe(true);
  });

  it('_FusedMatMul without bias/activation runs tl GEMM; with bias and relu it stays on tfjs (and both match cpu)', async () => {
    const inputs = [randn([130, 33], 17), randn([70, 33], 18), randn([70], 19)];
    const plain = await check((a, b) => tf.fused.matMul({ a: a!, b: b!, transposeB: true }), inputs.slice(0, 2));
    expect(plain).toBeDefined();
    const fused = await check((a, b, bias) => tf.fused.matMul({ a: a!, b: b!, transposeB: true, bias, activation: 'relu' }), inputs);
    expect(fused).toBeUndefined();
  });

  it('small outputs stay on tfjs; withTfjsKernels([BatchMatMul]) runs tfjs for large ones', async () => {
    expect(await check(matMul(false, false), [randn([33, 48], 20), randn([48, 20], 21)])).toBeUndefined();
    expect(32 * 200).toBeLessThan(MIN_OUTPUT);
    expect(await check(matMul(false, false), [randn([32, 48], 22), randn([48, 200], 23)])).toBeUndefined();
    const runs = gemmHooks.runs;
    await withTfjsKernels(() => check(matMul(false, true), [randn([130, 33], 24), randn([70, 33], 25)]), [tf.BatchMatMul]);
    expect(gemmHooks.runs).toBe(runs);
  });

  it('gradients of a product (dX = dY·Bᵀ-style and dW = Aᵀ·dY-style products) through tl GEMM', async () => {
    const before = gemmHooks.runs;
    await check(
      (x, w, dy) => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b, false, true), dy!)))([x!, w!]);
        return tf.concat([tf.reshape(gx!, [-1]), tf.reshape(gw!, [-1])]);
      },
      [randn([130, 96], 26), randn([96, 96], 27), randn([130, 96], 28)],
    );
    expect(gemmHooks.runs - before).toBe(3); // forward, dX, dW
  });

  it.each<[TileConfig['name'], number]>([['large', 1], ['medium', 2]])('%s tiling, %i slice(s), at a BERT-tiny-sized product (512×256×128)', async (config, splits) => {
    gemmHooks.force = { config, splits };
    const ran = await check(matMul(false, true), [randn([512, 128], 29), randn([256, 128], 30)]);
    expect(ran?.plan.config.name).toBe(config);
  });

  it('a BERT-shaped step with every product on tl GEMM (forced small tiling, K split 2): loss and all gradients match cpu', async () => {
    const shape = BERT_SHAPES.micro;
    const run = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const params = createBertParams(shape, 3);
      const batch = createBertBatch(shape, 3, 12, 5, [12, 7, 3]);
      const { loss, grads } = bertLossAndGrads(shape, params, batch);
      const names = Object.keys(grads).sort();
      const out = [Float32Array.from(await loss.data()), ...(await Promise.all(names.map(async (n) => Float32Array.from(await grads[n]!.data()))))];
      tf.dispose([loss, ...Object.values(grads), ...Object.values(params)]);
      disposeBatch(batch);
      return out;
    };
    gemmHooks.force = { config: 'small', splits: 2 };
    const before = gemmHooks.runs;
    const gpu = await run('webgpu');
    // Every product of the step: projections, attention, FFN, pooler, classifier, and their gradients.
    expect(gemmHooks.runs - before).toBeGreaterThan(40);
    gemmHooks.force = undefined;
    const cpu = await run('cpu');
    gpu.forEach((g, i) => {
      const worst = worstMismatch([g], [cpu[i]!], RTOL);
      expect(worst.excess, `output ${i}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
    });
  });
});
