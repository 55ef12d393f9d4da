/** Registers tl's cpu kernel additions (idempotent). */
export function registerCpuOverrides(): void {}
