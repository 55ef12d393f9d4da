/// <reference types="@webgpu/types" />

/**
 * Opens a device with every limit raised to what the adapter supports (tfjs asks for only a few;
 * compatibility-mode defaults are small, e.g. 4 storage buffers per stage, which some tfjs programs
 * exceed), plus the optional features tfjs uses when present.
 */
export async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const wanted: GPUFeatureName[] = ['timestamp-query', 'shader-f16'];
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  return adapter.requestDevice({ requiredLimits, requiredFeatures });
}
