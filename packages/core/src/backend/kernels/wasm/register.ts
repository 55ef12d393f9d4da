/** Registers tl's wasm kernel overrides (idempotent). Filled in by the kernels in this folder. */
export function registerWasmOverrides(): void {}
