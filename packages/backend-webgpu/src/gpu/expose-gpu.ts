/// <reference types="@webgpu/types" />

/**
 * tfjs-backend-webgpu checks `globalThis.navigator.gpu` before it constructs a backend (and base.js
 * registers its own factory only when it is there at import). In Node there is no navigator (≤ 20)
 * or one without `gpu` (≥ 21): give it the Dawn GPU so the check passes. Never replaces a browser's.
 */
export function exposeGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu) return;
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}
