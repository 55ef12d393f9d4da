// Builds the page into dist/: the esbuild bundle, index.html and tfjs's wasm binaries.
// `node build.mjs --serve [port]` also serves it, with the bert-cls fixture at ./model/.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, 'dist');
export const fixtureDir = join(here, '../../test/fixtures/hf-tiny/bert-cls');

/**
 * Node built-ins that @tl/core and its CLI-side dependencies import for Node-only paths (file IO,
 * wasm paths, progress bars): empty modules in the page, except `events`, whose EventEmitter is
 * subclassed at load time. TODO(lead): a browser entry for @tl/core would make this unnecessary.
 */
const builtins = new Set(builtinModules);
builtins.delete('buffer'); // the npm `buffer` package stands in for it (see src/buffer-global.ts)
const nodeBuiltinsStub = {
  name: 'node-builtins-stub',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return builtins.has(name) ? { path: name, namespace: 'node-stub' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: args.path === 'events' ? 'class EventEmitter { on() { return this; } emit() { return false; } }\nmodule.exports = EventEmitter; module.exports.EventEmitter = EventEmitter;' : 'module.exports = {};',
      loader: 'js',
    }));
  },
};

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
    plugins: [nodeBuiltinsStub],
    inject: [join(here, 'src/buffer-global.ts')],
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
