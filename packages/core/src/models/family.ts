import type { TaskKind } from '../model/model.js';
import type { EncoderConfig } from './config.js';
import type { EncoderLayout } from './encoder.js';
import type { HeadBuilder } from './heads/head.js';

/**
 * One architecture family: how to read its config, how its encoder is laid out, and its heads.
 * The family table (registry.ts) is the one place a new architecture is added.
 */
export interface EncoderFamily {
  /** HF `model_type`. */
  readonly modelType: string;
  /** HF `base_model_prefix`: task models keep the encoder under it (`bert.encoder...`). */
  readonly basePrefix: string;
  readonly layout: EncoderLayout;
  parseConfig(raw: unknown, source: string): EncoderConfig;
  readonly heads: Partial<Record<TaskKind, HeadBuilder>>;
  /** Every dropout-rate key of the family's config (`--dropout X` sets them all). */
  readonly dropoutKeys: readonly string[];
  /** HF class name per task, written into config.json `architectures` on save. */
  readonly architectures: Partial<Record<TaskKind, string>>;
}
