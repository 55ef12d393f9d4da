import 'reflect-metadata';

export * from './errors/tl-error.js';
export * from './di/tokens.js';
export * from './di/container.js';
export * from './backend/backend.js';
export { CpuBackend } from './backend/cpu-backend.js';
export { WasmBackend, type WasmBackendOptions } from './backend/wasm-backend.js';
export { activateTfjsBackend } from './backend/tfjs-backend.js';
export * from './engine/create-engine.js';
export * from './model/model.js';
export { ParameterStore } from './nn/parameter-store.js';
export * from './training/callback.js';
export * from './training/trainer.js';
export * from './transfer/transfer-strategy.js';
