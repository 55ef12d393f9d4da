import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs build script without types
import { assembleSimdKernels, generatedSource } from '../../scripts/build-simd-kernels.mjs';

describe('the committed SIMD kernel module', () => {
  it('is what the generator assembles now (run scripts/build-simd-kernels.mjs after editing it)', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const committed = readFileSync(join(here, '../../src/backend/kernels/wasm/simd/simd-kernels.generated.ts'), 'utf8');
    const binaries = await assembleSimdKernels();
    expect(committed).toBe(generatedSource(binaries));
  });
});
