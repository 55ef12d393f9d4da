import { afterAll, beforeAll } from 'vitest';
import { createPair, type BackendPair } from './compare-backends.js';

/**
 * Creates the webgpu engine under test and the cpu reference before the calling file's (or describe
 * block's) tests and disposes the webgpu engine after them. (Kept apart from compare-backends.ts,
 * which the device check bundles without vitest.)
 */
export function useBackendPair(): void {
  let pair: BackendPair | undefined;
  beforeAll(async () => {
    pair = await createPair();
  });
  afterAll(async () => {
    await pair?.webgpu.dispose();
  });
}
