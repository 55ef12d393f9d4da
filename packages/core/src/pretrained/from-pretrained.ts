import { resolvePretrained, type ResolvePretrainedOptions } from '../io/hub/resolve-pretrained.js';
import type { ModelSpec } from '../models/build-model.js';
import type { EncoderModel } from '../models/encoder-model.js';
import { loadModel } from '../models/load-model.js';
import type { LoadReport } from '../models/load-weights.js';
import { TextTokenizer } from '../tokenization/text-tokenizer.js';
import { checkTokenizerFitsModel } from './check-tokenizer-fits.js';

export interface FromPretrainedOptions extends ModelSpec, ResolvePretrainedOptions {}

/** A loaded checkpoint: the model with its head, its tokenizer, and where it came from. */
export interface Pretrained {
  readonly model: EncoderModel;
  readonly tokenizer: TextTokenizer;
  readonly report: LoadReport;
  /** The local folder the files were read from (a hub snapshot for hub ids). */
  readonly dir: string;
}

/**
 * Loads a model and its tokenizer from a local HF folder or a Hub id (`org/name`, downloaded into the
 * HF cache). Call after `createEngine` so the weights land on the chosen backend.
 */
export async function fromPretrained(idOrPath: string, options: FromPretrainedOptions = {}): Promise<Pretrained> {
  const dir = await resolvePretrained(idOrPath, options);
  const tokenizer = await TextTokenizer.fromFolder(dir);
  const { model, report } = await loadModel(dir, options);
  try {
    checkTokenizerFitsModel(tokenizer, model.encoderConfig, dir);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, tokenizer, report, dir };
}
