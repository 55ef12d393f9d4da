import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The browser entry (src/browser.ts, `@tl/core` under the "browser" export condition) must bundle for
 * a browser as it is: esbuild with platform 'browser' and no plugins, stubs or externals fails on any
 * node:* (or bare built-in) import it can reach. Needs a build (`pnpm run build`): it bundles dist/.
 */
const coreDir = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${coreDir}/package.json`, 'utf8')) as { browser: Record<string, string> };

async function bundleForBrowser(source: string) {
  return build({
    stdin: { contents: source, resolveDir: coreDir, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    absWorkingDir: coreDir,
    logLevel: 'silent',
  });
}

describe('@tl/core in a browser bundle', () => {
  it('bundles with no Node built-in reachable, through both `@tl/core` and `@tl/core/browser`', async () => {
    const result = await bundleForBrowser(`export * from '@tl/core'; export * as browser from '@tl/core/browser';`);
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    // Both names resolve to the one browser entry (one registry, one copy of every module).
    expect(inputs).toContain('dist/browser.js');
    expect(inputs).not.toContain('dist/index.js');
    // Every platform split is taken: the browser variant in, the Node module out.
    for (const [nodeModule, browserModule] of Object.entries(pkg.browser)) {
      expect(inputs).toContain(browserModule.replace(/^\.\//, ''));
      expect(inputs).not.toContain(nodeModule.replace(/^\.\//, ''));
    }
    // What needs a file system or threads stays out (these would also fail the build above).
    expect(inputs.filter((f) => /gemm-threads|\/io\/hub\/|\/io\/fs\/|save-pretrained|read-records/.test(f))).toEqual([]);
  });

  it('exports, under the same names, the very objects the Node entry exports', async () => {
    const node = (await import('@tl/core')) as Record<string, unknown>;
    const browser = (await import('@tl/core/browser')) as Record<string, unknown>;
    const names = Object.keys(browser);
    expect(names.length).toBeGreaterThan(100);
    for (const name of names) expect(node[name], name).toBe(browser[name]);
    for (const name of ['createEngine', 'WasmBackend', 'CpuBackend', 'fromUrl', 'loadModelFromUrl', 'buildModel', 'TextTokenizer', 'Trainer', 'AdamW', 'tokenizerCollator', 'registerBackend']) {
      expect(names).toContain(name);
    }
    // File-bound APIs are Node-only.
    for (const name of ['loadModel', 'fromPretrained', 'savePretrained', 'JsonlMetricsLogger', 'Checkpointing', 'ProgressBar', 'loadDataset']) {
      expect(names).not.toContain(name);
    }
  });

  it('each browser variant exports exactly what the module it replaces exports', async () => {
    expect(Object.keys(pkg.browser).length).toBeGreaterThanOrEqual(4);
    for (const [nodeModule, browserModule] of Object.entries(pkg.browser)) {
      const a = Object.keys(await import(`${coreDir}/${nodeModule}`)).sort();
      const b = Object.keys(await import(`${coreDir}/${browserModule}`)).sort();
      expect(b, browserModule).toEqual(a);
    }
  });
});
