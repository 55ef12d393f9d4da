import { createEngine, listBackends, TlError, type Engine } from '@tl/core';

/**
 * Backends shipped in their own packages: importing the package registers them with @tl/core's
 * container. Loaded lazily so `tl` works without the native or GPU packages installed.
 */
const BACKEND_PACKAGES: Record<string, string> = {
  webgpu: '@tl/backend-webgpu',
  cuda: '@tl/backend-cuda',
  'torch-cpu': '@tl/backend-cuda',
};

/** `--backend NAME` → an initialised engine. */
export async function engineFor(name: string): Promise<Engine> {
  const pkg = BACKEND_PACKAGES[name];
  if (pkg && !listBackends().includes(name)) {
    try {
      await import(pkg);
    } catch (e) {
      throw new TlError('BACKEND', `backend "${name}" needs the package ${pkg}: npm i ${pkg} (${(e as Error).message})`, { cause: e });
    }
  }
  return createEngine({ backend: name });
}
