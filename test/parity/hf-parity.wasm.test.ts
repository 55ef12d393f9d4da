import { describeParity } from './parity-suite.js';

describeParity('wasm');
