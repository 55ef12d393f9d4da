import { describeParity } from './parity-suite.js';

describeParity('cpu');
