/**
 * What the device bundle takes from @tl/core: the error type and tfjs activation, from core's own
 * sources. The full package (tokenizers, wasm, the tfjs union with webgl) is not needed on the GPU
 * machine, so the bundler maps '@tl/core' here instead.
 */
export { TlError, isTlError } from '../../../core/src/errors/tl-error.js';
export { activateTfjsBackend } from '../../../core/src/backend/tfjs-backend.js';
export type { Backend, BackendCapabilities } from '../../../core/src/backend/backend.js';

/** The device check constructs its backends directly; name registration is a no-op here. */
export function registerBackend(): void {}
