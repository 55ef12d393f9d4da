import { z } from 'zod';
import { TlError } from '@tl/core';

/** Dawn's native backends (`create(['backend=NAME'])`); which ones exist depends on the platform. */
export const DAWN_BACKENDS = ['vulkan', 'opengl', 'opengles', 'metal', 'd3d12', 'd3d11', 'null'] as const;
export type DawnBackendName = (typeof DAWN_BACKENDS)[number];

const optionsSchema = z
  .object({
    /**
     * Dawn's native backend, Node only. Unset: Dawn's platform default (Vulkan on Linux), then on
     * Linux Mesa's software OpenGL (llvmpipe) at feature level `compatibility`.
     */
    dawnBackend: z.enum(DAWN_BACKENDS).optional(),
    /** Dawn adapter name (Node only), as Dawn lists it when a name does not match, e.g. `NVIDIA H200`. */
    adapter: z.string().min(1).optional(),
    /** WebGPU feature level; Mesa's OpenGL adapter only exists at `compatibility`. */
    featureLevel: z.enum(['core', 'compatibility']).optional(),
    powerPreference: z.enum(['high-performance', 'low-power']).optional(),
    /** Extra Dawn `create()` flags, e.g. `enable-dawn-features=allow_unsafe_apis` (Node only). */
    dawnFlags: z.array(z.string()).optional(),
  })
  .strict();

/** Options of the `webgpu` backend; every field optional (see the schema's comments). */
export type WebGpuBackendOptions = z.infer<typeof optionsSchema>;

/** Environment knobs, so `--backend webgpu` and `createEngine({ backend: 'webgpu' })` can be steered without code. */
const ENV = {
  dawnBackend: 'TL_WEBGPU_DAWN_BACKEND',
  adapter: 'TL_WEBGPU_ADAPTER',
  featureLevel: 'TL_WEBGPU_FEATURE_LEVEL',
  powerPreference: 'TL_WEBGPU_POWER_PREFERENCE',
} as const;

/**
 * Validates options (from code or CLI-style records) and fills unset fields from the `TL_WEBGPU_*`
 * environment variables. Explicit options win over the environment.
 */
export function parseWebGpuOptions(raw: unknown = {}, env: Record<string, string | undefined> = readEnv()): WebGpuBackendOptions {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV)) {
    const value = env[name];
    if (value) fromEnv[key] = value;
  }
  const merged = { ...fromEnv, ...(raw as Record<string, unknown>) };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(options)';
    const envName = (ENV as Record<string, string>)[field];
    const source = envName && !(field in (raw as object)) ? ` (from ${envName})` : '';
    throw new TlError('BACKEND', `webgpu backend option ${field}${source}: ${issue.message}`);
  }
  return parsed.data;
}

function readEnv(): Record<string, string | undefined> {
  return typeof process !== 'undefined' && process.env ? process.env : {};
}
