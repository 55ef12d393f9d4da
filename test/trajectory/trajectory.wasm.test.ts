import { describeTrajectory, FREE_RUNNING } from './trajectory-suite.js';

// Measured (this machine): step by step, loss ≤ 9e-7, norm ≤ 4.5e-6 relative, resolved weights
// ≤ 1.8e-7, moments ≤ 1.4e-5 relative; free-running, losses 3.6e-6, norms 1.6e-5 relative, final
// resolved weights 7.9e-5.
describeTrajectory('wasm', {
  // exp_avg_sq is the gradient squared: twice the gradient's relative error.
  step: { loss: 1e-5, gradNormRel: 1e-5, weight: 1e-5, momentRel: 3e-5 },
  run: FREE_RUNNING,
});
