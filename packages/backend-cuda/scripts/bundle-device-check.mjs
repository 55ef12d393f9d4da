#!/usr/bin/env node
/**
 * Prepares what scripts/device-check.sh needs on a GPU machine that has no node_modules:
 *   .device/check.mjs  — scripts/device-check/main.ts bundled with tfjs-core, the cpu reference
 *                        backend, tfjs's gradients, @tl/core (its Trainer is benchmarked) and this
 *                        package's TS (esbuild);
 *   .device/include/   — Node-API and node-addon-api headers for compiling the addon there.
 * Run on the host: `pnpm --filter @tl/backend-cuda run bundle:device`, then carry
 * packages/backend-cuda/.device to the GPU machine (it is git-ignored).
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.device');
const require = createRequire(import.meta.url);
mkdirSync(join(out, 'include'), { recursive: true });

await build({
  entryPoints: [join(root, 'scripts/device-check/main.ts')],
  outfile: join(out, 'check.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  // tfjs's ESM builds, so the gradients (an ESM-only module) register into the same tfjs-core copy.
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ESM bundle need a require.
  banner: { js: "import { createRequire as __tlCreateRequire } from 'node:module'; const require = __tlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Node-API headers: from the running node's install (Debian/NodeSource: <prefix>/include/node).
const nodeInclude = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))]
  .filter(Boolean)
  .map((p) => join(p, 'include/node'))
  .find((p) => existsSync(join(p, 'node_api.h')));
if (!nodeInclude) throw new Error('Node-API headers (node_api.h) not found under the node install prefix; set npm_config_nodedir');
for (const h of ['node_api.h', 'node_api_types.h', 'js_native_api.h', 'js_native_api_types.h']) {
  copyFileSync(join(nodeInclude, h), join(out, 'include', h));
}
const addonApi = dirname(require.resolve('node-addon-api/package.json'));
for (const f of readdirSync(addonApi).filter((f) => f.endsWith('.h'))) copyFileSync(join(addonApi, f), join(out, 'include', f));

const kb = Math.round(statSync(join(out, 'check.mjs')).size / 1024);
console.log(`bundle:device: ${join(out, 'check.mjs')} (${kb} KiB) and ${join(out, 'include')}; carry packages/backend-cuda/.device`);
