import { TlError } from '../errors/tl-error.js';
import type { TaskKind } from '../model/model.js';
import { bertFamily } from './bert/bert-family.js';
import { distilbertFamily } from './distilbert/distilbert-family.js';
import type { EncoderFamily } from './family.js';
import { robertaFamily } from './roberta/roberta-family.js';

/** model_type → family: the one place a new architecture is added (`registerEncoderFamily`). */
const families = new Map<string, EncoderFamily>();

export function registerEncoderFamily(family: EncoderFamily): void {
  families.set(family.modelType, family);
}

for (const f of [bertFamily, robertaFamily, distilbertFamily]) registerEncoderFamily(f);

export function encoderFamily(modelType: unknown, source: string): EncoderFamily {
  const family = typeof modelType === 'string' ? families.get(modelType) : undefined;
  if (!family) {
    throw new TlError(
      'CONFIG',
      `${source}: unknown model_type ${JSON.stringify(modelType)}; supported: ${[...families.keys()].join(', ')}`,
    );
  }
  return family;
}

export function supportedModelTypes(): string[] {
  return [...families.keys()];
}

/** The task a checkpoint was saved for, read from config.json `architectures` (HF class names). */
export function taskFromArchitectures(architectures: unknown): TaskKind | undefined {
  if (!Array.isArray(architectures) || typeof architectures[0] !== 'string') return undefined;
  const arch = architectures[0];
  if (arch.endsWith('ForSequenceClassification')) return 'sequence-classification';
  if (arch.endsWith('ForMaskedLM')) return 'masked-lm';
  if (arch.endsWith('Model')) return 'feature-extraction';
  return undefined;
}
