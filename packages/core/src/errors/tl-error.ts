/**
 * Every error tl raises on purpose is a TlError: a stable `code` that callers and tests can switch on,
 * and a one-line message that names the file, line or tensor involved. The CLI prints only the message
 * (no stack) unless `--verbose`, so the message must stand on its own.
 */
export type TlErrorCode =
  | 'SAFETENSORS'
  | 'CHECKPOINT'
  | 'CONFIG'
  | 'TOKENIZER'
  | 'INPUT'
  | 'BACKEND'
  | 'KERNEL'
  | 'HUB'
  | 'MODEL'
  | 'TRAINING'
  | 'STRATEGY'
  | 'QUEUE';

export class TlError extends Error {
  readonly code: TlErrorCode;
  constructor(code: TlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlError';
    this.code = code;
  }
}

export function isTlError(e: unknown): e is TlError {
  return e instanceof TlError;
}
