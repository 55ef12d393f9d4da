/** What a backend can do, for strategies and the Trainer to adapt to (e.g. batch sizes, fp16). */
export interface BackendCapabilities {
  /** Where tensors live. */
  readonly device: 'cpu' | 'gpu';
  /** Whether float16 storage/compute is supported. */
  readonly float16: boolean;
  /** Human-readable device description (adapter name, GPU model, thread count). */
  readonly description: string;
}

/**
 * A Backend owns one tfjs backend: `init()` registers (if needed) and activates it in the shared
 * tfjs-core engine; afterwards every tl op runs there. Implementations live in @tl/core (`wasm`, `cpu`)
 * and in backend packages (@tl/backend-webgpu, @tl/backend-cuda).
 */
export interface Backend {
  /** The name tfjs knows this backend by (`tf.getBackend()` after `init()`). */
  readonly name: string;
  init(): Promise<void>;
  capabilities(): BackendCapabilities;
  /** Releases device resources; the engine falls back to no active backend. */
  dispose(): Promise<void>;
}

/** Creates a backend from CLI-style options (`--backend NAME`). */
export type BackendFactory = (options?: Record<string, unknown>) => Backend;
