import { describeParity } from './parity-suite.js';

// WebGPU on Dawn (Mesa llvmpipe in CI: a real WebGPU implementation on a software GPU). Issue 6 asks
// for forward parity within 1e-4; gradients keep the 1e-4 relative bound of the other backends.
describeParity('webgpu', { forward: 1e-4, gradNormRel: 1e-4 }, () => import('@tl/backend-webgpu'));
