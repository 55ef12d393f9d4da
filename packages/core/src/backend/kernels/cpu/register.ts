import '../register-gradients.js';

/** Registers tl's cpu kernel additions (idempotent). tfjs's cpu backend has every kernel training uses. */
export function registerCpuOverrides(): void {}
