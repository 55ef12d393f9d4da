import { describeTrajectory, FREE_RUNNING } from './trajectory-suite.js';

// WebGPU on Dawn (Mesa llvmpipe here, as in test/parity): the same six steps against cpu.
describeTrajectory(
  'webgpu',
  { step: { loss: 1e-5, gradNormRel: 1e-5, weight: 1e-5, momentRel: 3e-5 }, run: FREE_RUNNING },
  () => import('@tl/backend-webgpu'),
);
