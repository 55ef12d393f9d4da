import { describe, expect, it } from 'vitest';
import { compare } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { ATOL, RTOL, kernelCases } from './helpers/kernel-cases.js';

describe('webgpu kernels match the cpu reference', () => {
  useBackendPair();

  for (const c of kernelCases()) {
    it(c.name, async () => {
      const worst = await compare(c.fn, c.inputs, RTOL);
      expect(worst.excess, `worst at output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
    });
  }
});
