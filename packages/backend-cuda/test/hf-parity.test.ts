/** The cross-package HF parity suite (every fixture: forward outputs, loss, gradient norms) on torch-cpu. */
import { describeParity } from '../../../test/parity/parity-suite.js';

describeParity('torch-cpu', { forward: 1e-5, gradNormRel: 1e-4 }, () => import('../src/index.js'));
