import { z } from 'zod';
import { TlError } from '../errors/tl-error.js';

/** The architecture-neutral view of an HF encoder config that tl's layers are built from. */
export interface EncoderConfig {
  readonly modelType: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: string;
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  readonly maxPositions: number;
  /** 0 when the family has no segment embeddings (DistilBERT). */
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly padTokenId: number;
  readonly initializerRange: number;
  /** Dropout before the classifier (HF `classifier_dropout` ?? hidden dropout; DistilBERT `seq_classif_dropout`). */
  readonly classifierDropout: number;
  readonly numLabels: number;
  readonly id2label: Readonly<Record<string, string>>;
  readonly label2id: Readonly<Record<string, number>>;
  readonly problemType?: 'regression' | 'single_label_classification' | 'multi_label_classification';
}

const positiveInt = z.number().int().positive();
// Below 1: a dropout rate of 1 drops everything, and tfjs refuses it (found by scripts/faults/fuzz-cli.mjs).
const rate = z.number().min(0).lt(1);

/** Keys every family shares (HF PretrainedConfig). */
export const commonConfigSchema = z.object({
  model_type: z.string(),
  vocab_size: positiveInt,
  max_position_embeddings: positiveInt,
  pad_token_id: z.number().int().nonnegative().nullish(),
  initializer_range: z.number().positive().default(0.02),
  id2label: z.record(z.string(), z.string()).optional(),
  label2id: z.record(z.string(), z.number().int()).optional(),
  num_labels: positiveInt.optional(),
  problem_type: z.enum(['regression', 'single_label_classification', 'multi_label_classification']).nullish(),
});

export const bertLikeConfigSchema = commonConfigSchema.extend({
  hidden_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  intermediate_size: positiveInt,
  hidden_act: z.string().default('gelu'),
  hidden_dropout_prob: rate.default(0.1),
  attention_probs_dropout_prob: rate.default(0.1),
  type_vocab_size: z.number().int().nonnegative().default(2),
  layer_norm_eps: z.number().positive().default(1e-12),
  classifier_dropout: rate.nullish(),
});

/** Parses with a schema, turning zod issues into one line naming the config key. */
export function parseConfig<T extends z.ZodTypeAny>(schema: T, raw: unknown, source: string): z.infer<T> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new TlError('CONFIG', `${source}: "${issue.path.join('.') || '(root)'}": ${issue.message}`);
  }
  return result.data;
}

/** HF's label bookkeeping: num_labels = len(id2label), default 2 with LABEL_i names. */
export function labelMaps(raw: z.infer<typeof commonConfigSchema>): {
  numLabels: number;
  id2label: Record<string, string>;
  label2id: Record<string, number>;
} {
  const id2label =
    raw.id2label ??
    Object.fromEntries(Array.from({ length: raw.num_labels ?? 2 }, (_, i) => [String(i), `LABEL_${i}`]));
  const label2id = raw.label2id ?? Object.fromEntries(Object.entries(id2label).map(([i, l]) => [l, Number(i)]));
  return { numLabels: Object.keys(id2label).length, id2label, label2id };
}

export function checkHeads(hidden: number, heads: number, source: string): void {
  if (hidden % heads !== 0) {
    throw new TlError('CONFIG', `${source}: hidden size ${hidden} is not a multiple of the number of attention heads ${heads}`);
  }
}
