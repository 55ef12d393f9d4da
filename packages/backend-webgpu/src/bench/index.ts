// A BERT-shaped classifier in plain tfjs ops and a minimal HF-folder reader: the workload of this
// package's parity tests, browser example and device benchmark (`@tl/backend-webgpu/bench`).
export * from './bert-shaped.js';
export * from './hf-folder.js';
export * from './dispatch-counter.js';
