#!/usr/bin/env node
/**
 * Compiles the addon (native/build/Release/tl_torch.node) with node-gyp against the libtorch that
 * find-libtorch.mjs picks. Node's headers come from the running node's install prefix when it has
 * them (Debian/NodeSource put them in /usr/include/node), so nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let torch;
try {
  torch = findLibtorch();
} catch (e) {
  console.error(`build:native: ${e.message}`);
  process.exit(1);
}
console.log(`build:native: libtorch ${torch.source} (${torch.cxxStd}${torch.cuda ? ', CUDA' : ', CPU only'})`);

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/node_api.h'))) env.npm_config_nodedir = prefix;
}
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const jobs = String(Math.max(1, Number(env.TL_BUILD_JOBS) || 2));
// Incremental when a configured build exists (make recompiles only changed sources); --clean forces
// a full rebuild, which also re-reads where libtorch is.
const configured = existsSync(join(root, 'native/build/config.gypi'));
const command = process.argv.includes('--clean') || !configured ? 'rebuild' : 'build';
const result = spawnSync(process.execPath, [gyp, command, '--release', '-j', jobs], { cwd: join(root, 'native'), env, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('build:native: node-gyp failed (see above)');
  process.exit(result.status ?? 1);
}
console.log(`build:native: ${join(root, 'native/build/Release/tl_torch.node')}`);
