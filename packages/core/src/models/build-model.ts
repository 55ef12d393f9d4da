import { TlError } from '../errors/tl-error.js';
import type { TaskKind } from '../model/model.js';
import { EncoderModel, type BuildOptions } from './encoder-model.js';
import { encoderFamily, taskFromArchitectures } from './registry.js';

export interface ModelSpec extends BuildOptions {
  /** Head to build; defaults to the checkpoint's `architectures`, else feature extraction. */
  readonly task?: TaskKind;
  /** Overrides for the classification head's labels (a new task on a pretrained encoder). */
  readonly id2label?: Readonly<Record<string, string>>;
  /** Overrides every dropout rate (`--dropout X`). */
  readonly dropout?: number;
  /** Skip (and report) checkpoint tensors whose shape differs, e.g. a head with another label count. */
  readonly ignoreMismatchedSizes?: boolean;
}

/**
 * Builds an (uninitialised-from-checkpoint) model from an HF config object. The returned model's
 * `config` is the HF config with the head's architecture and label maps updated, ready to save.
 */
export function buildModel(rawConfig: Readonly<Record<string, unknown>>, spec: ModelSpec = {}, source = 'config.json'): EncoderModel {
  const family = encoderFamily(rawConfig['model_type'], source);
  const task = spec.task ?? taskFromArchitectures(rawConfig['architectures']) ?? 'feature-extraction';
  const config: Record<string, unknown> = { ...rawConfig };
  if (spec.id2label) {
    config['id2label'] = { ...spec.id2label };
    config['label2id'] = Object.fromEntries(Object.entries(spec.id2label).map(([i, l]) => [l, Number(i)]));
    delete config['num_labels'];
  }
  if (spec.dropout !== undefined) {
    if (!(spec.dropout >= 0 && spec.dropout < 1)) throw new TlError('CONFIG', `dropout must be within [0, 1), got ${spec.dropout}`);
    for (const key of family.dropoutKeys) config[key] = spec.dropout;
  }
  const architecture = family.architectures[task];
  if (architecture) config['architectures'] = [architecture];
  const encoderConfig = family.parseConfig(config, source);
  // HF always writes the label maps on save; keep them explicit so predictions and saved configs agree.
  config['id2label'] ??= { ...encoderConfig.id2label };
  config['label2id'] ??= { ...encoderConfig.label2id };
  try {
    return new EncoderModel(family, task, encoderConfig, config, spec);
  } catch (e) {
    // A config whose sizes multiply past what a typed array can hold (vocab_size 3e9, found by the CLI fuzzer).
    if (!(e instanceof RangeError)) throw e;
    const c = encoderConfig;
    throw new TlError(
      'CONFIG',
      `${source}: the model it describes cannot be allocated (vocab_size ${c.vocabSize}, hidden_size ${c.hiddenSize}, intermediate_size ${c.intermediateSize}, max_position_embeddings ${c.maxPositions}): ${e.message}`,
      { cause: e },
    );
  }
}
