// Builds the page into dist/: the esbuild bundle, index.html and tfjs's wasm binaries.
// `node build.mjs --serve [port]` also serves it, with the bert-cls fixture at ./model/.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, 'dist');
export const fixtureDir = join(here, '../../test/fixtures/hf-tiny/bert-cls');

export async function buildPage() {
  await mkdir(distDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'src/main.ts')],
    outfile: join(distDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    // No plugins, stubs or externals: `@tl/core` resolves to its browser entry (the "browser" export
    // condition) and @tl/backend-webgpu leaves Dawn out, so nothing here may reach a Node built-in.
  });
  await copyFile(join(here, 'index.html'), join(distDir, 'index.html'));
  const require = createRequire(import.meta.url);
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const f of await readdir(wasmDist)) if (f.endsWith('.wasm')) await copyFile(join(wasmDist, f), join(distDir, f));
  return distDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPage();
  console.log(`built ${distDir}`);
  if (process.argv.includes('--serve')) {
    const { serve } = await import('./serve.mjs');
    const port = Number(process.argv[process.argv.indexOf('--serve') + 1]) || 8080;
    const server = await serve({ port, routes: { '/model/': fixtureDir, '/': distDir } });
    console.log(`open http://127.0.0.1:${server.address().port}/`);
  }
}
