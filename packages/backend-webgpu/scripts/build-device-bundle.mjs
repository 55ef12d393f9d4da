// Prepares packages/backend-webgpu/.device/ for a GPU machine that has no Node toolchain or network:
//   device-check.mjs       scripts/device-check.ts bundled with tfjs, @tl/core and this package
//   node_modules/webgpu/   the webgpu package's loader + the linux-x64 dawn.node, xz-compressed
//   libvulkan1_*.deb       Debian's Vulkan loader, unpacked by device-check.sh if the machine lacks one
//   fixture/               the HF bert-cls fixture (config, weights, reference) for the parity check
// Run from the repo root after `pnpm install`:  node packages/backend-webgpu/scripts/build-device-bundle.mjs
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(pkg, '.device');
await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'node_modules/webgpu/dist/linux-x64'), { recursive: true });

await build({
  entryPoints: [join(pkg, 'scripts/device-check.ts')],
  outfile: join(out, 'device-check.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  // tfjs's ESM builds: its packages declare side effects (kernel and gradient registration) only for
  // those files, so bundling the CommonJS `main` files would drop `import '@tensorflow/tfjs-backend-cpu'`.
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ESM bundle call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

const require = createRequire(join(pkg, 'package.json'));
const webgpuDir = dirname(require.resolve('webgpu/package.json'));
for (const f of ['index.js', 'package.json']) await copyFile(join(webgpuDir, f), join(out, 'node_modules/webgpu', f));
const dawn = join(out, 'node_modules/webgpu/dist/linux-x64/dawn.node');
await copyFile(join(webgpuDir, 'dist/linux-x64/dawn.node'), dawn);
execFileSync('xz', ['-T0', '-6', dawn]);

const fixture = join(pkg, '../../test/fixtures/hf-tiny/bert-cls');
await mkdir(join(out, 'fixture'));
for (const f of ['config.json', 'model.safetensors', 'reference.json']) await copyFile(join(fixture, f), join(out, 'fixture', f));

try {
  execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: out, stdio: 'inherit' });
} catch {
  console.warn('apt-get download libvulkan1 failed: the device machine must have libvulkan.so.1 itself');
}
console.log(`bundle ready in ${out}:`);
for (const f of await readdir(out)) console.log(`  ${f}`);
