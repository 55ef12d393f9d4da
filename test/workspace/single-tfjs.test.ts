import { realpathSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@tl/core';
import { REPO_ROOT } from '../support/cli.js';

/**
 * Backends register kernels into one tfjs-core engine; a second copy of tfjs-core anywhere would
 * silently split the registry (kernels "not registered", tensors from another engine).
 */
describe('one tfjs-core instance', () => {
  it('every workspace package resolves the same tfjs-core file', () => {
    const dirs = readdirSync(join(REPO_ROOT, 'packages')).map((p) => join(REPO_ROOT, 'packages', p));
    dirs.push(join(REPO_ROOT, 'test'));
    const resolved = new Set<string>();
    for (const dir of dirs) {
      const req = createRequire(join(dir, 'package.json'));
      let path: string;
      try {
        path = req.resolve('@tensorflow/tfjs-core');
      } catch {
        continue; // packages that do not use tfjs-core directly
      }
      resolved.add(realpathSync(path));
    }
    expect(resolved.size).toBe(1);
  });

  it('the engine @tl/core drives is the one user code imports', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    expect(engine.tf.engine()).toBe(tf.engine());
    expect(tf.getBackend()).toBe('cpu');
  });
});
