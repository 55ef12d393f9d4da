#!/usr/bin/env node
/**
 * Finds a libtorch to build the addon against, in this order:
 *   1. $LIBTORCH — an unpacked libtorch (include/, lib/) or a torch package directory;
 *   2. a Python torch install (`python3 -c "import torch"`), which carries its own libtorch;
 *   3. Debian's libtorch-dev (headers in /usr/include, libraries in the multiarch lib dir).
 * Prints JSON: { source, version, includeDirs, libDir, libs, defines, cxxStd, cuda }.
 * Imported by build-native.mjs; run directly to see what would be used.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** libtorch ≥ 2.13 headers require C++20; older ones are written for C++17. */
function cxxStdFor(version) {
  const [major, minor] = String(version).split('.').map((n) => Number.parseInt(n, 10));
  return major > 2 || (major === 2 && minor >= 13) ? 'c++20' : 'c++17';
}

function libsIn(libDir) {
  const have = (name) => existsSync(join(libDir, `lib${name}.so`));
  const libs = ['torch', 'torch_cpu', 'c10'];
  const cuda = have('torch_cuda') && have('c10_cuda');
  if (cuda) libs.push('torch_cuda', 'c10_cuda');
  return { libs, cuda };
}

/** Reads TORCH_VERSION_* from the headers (present in 1.13 and 2.x). */
function headerVersion(includeDir) {
  const file = join(includeDir, 'torch/csrc/api/include/torch/version.h');
  if (!existsSync(file)) return 'unknown';
  const text = readFileSync(file, 'utf8');
  const pick = (k) => new RegExp(`#define\\s+TORCH_VERSION_${k}\\s+(\\d+)`).exec(text)?.[1];
  return [pick('MAJOR'), pick('MINOR'), pick('PATCH')].filter(Boolean).join('.') || 'unknown';
}

function fromDir(root, source, abi) {
  const include = join(root, 'include');
  const libDir = join(root, 'lib');
  if (!existsSync(join(include, 'ATen/ATen.h')) || !existsSync(join(libDir, 'libc10.so'))) return undefined;
  const version = headerVersion(include);
  const { libs, cuda } = libsIn(libDir);
  return {
    source,
    version,
    includeDirs: [include, join(include, 'torch/csrc/api/include')],
    libDir,
    libs,
    // An unpacked libtorch from pytorch.org is built with the new ABI unless its name says cxx11-abi=0.
    defines: abi === undefined ? [] : [`_GLIBCXX_USE_CXX11_ABI=${abi ? 1 : 0}`],
    cxxStd: cxxStdFor(version),
    cuda,
  };
}

function fromPython(python) {
  let out;
  try {
    out = execFileSync(
      python,
      ['-c', 'import json, os, torch; print(json.dumps({"root": os.path.dirname(torch.__file__), "version": torch.__version__, "abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI)}))'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch {
    return undefined;
  }
  const info = JSON.parse(out.trim().split('\n').pop());
  const found = fromDir(info.root, `python torch ${info.version} (${python})`, info.abi);
  if (!found) return undefined;
  return { ...found, version: info.version.split('+')[0], cxxStd: cxxStdFor(info.version) };
}

function fromDebian() {
  const multiarch = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];
  const libDir = multiarch.find((d) => existsSync(join(d, 'libtorch_cpu.so')));
  if (!libDir || !existsSync('/usr/include/ATen/ATen.h')) return undefined;
  const version = headerVersion('/usr/include');
  const { libs, cuda } = libsIn(libDir);
  return {
    source: `Debian libtorch-dev ${version}`,
    version,
    includeDirs: ['/usr/include', '/usr/include/torch/csrc/api/include'],
    libDir,
    libs,
    defines: [],
    cxxStd: cxxStdFor(version),
    cuda,
  };
}

/** Returns the libtorch to use, or throws with every place that was looked at. */
export function findLibtorch(env = process.env) {
  const tried = [];
  if (env.LIBTORCH) {
    const root = env.LIBTORCH;
    const direct = fromDir(root, `LIBTORCH=${root}`, env.LIBTORCH_CXX11_ABI === undefined ? undefined : env.LIBTORCH_CXX11_ABI !== '0');
    if (direct) return direct;
    tried.push(`LIBTORCH=${root} (no include/ATen/ATen.h and lib/libc10.so there)`);
  } else tried.push('LIBTORCH (unset)');
  for (const python of [env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const py = fromPython(python);
    if (py) return py;
    tried.push(`${python} -c "import torch"`);
  }
  const deb = fromDebian();
  if (deb) return deb;
  tried.push('Debian libtorch-dev (/usr/include/ATen, /usr/lib/*/libtorch_cpu.so)');
  throw new Error(
    `no libtorch found; tried: ${tried.join('; ')}. ` +
      'Install one: `apt-get install libtorch-dev` (CPU), `pip install torch`, or set LIBTORCH=<unpacked libtorch>.',
  );
}

// `find-libtorch.mjs --field NAME` prints one field space-separated (binding.gyp's <!@(...) reads it).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const found = findLibtorch();
    const at = process.argv.indexOf('--field');
    if (at > 0) {
      const value = found[process.argv[at + 1]];
      console.log(Array.isArray(value) ? value.join(' ') : String(value));
    } else console.log(JSON.stringify(found, null, 2));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
