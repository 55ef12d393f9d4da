import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, createPair, type BackendPair } from './helpers/compare-backends.js';
import { ATOL, RTOL, kernelCases } from './helpers/kernel-cases.js';

describe('webgpu kernels match the cpu reference', () => {
  let pair: BackendPair;
  beforeAll(async () => {
    pair = await createPair();
  });
  afterAll(async () => {
    await pair?.webgpu.dispose();
  });

  for (const c of kernelCases()) {
    it(c.name, async () => {
      const worst = await compare(c.fn, c.inputs, RTOL);
      expect(worst.excess, `worst at output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
    });
  }
});
