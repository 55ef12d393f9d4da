import * as tf from '@tensorflow/tfjs-core';
import { tfjsSeed, type Parametrization, type ParameterStore } from '@tl/core';

export interface LoraAdapterSpec {
  /** The Linear weight to adapt, [out, in] (torch layout). */
  readonly weight: string;
  readonly rank: number;
  readonly alpha: number;
  readonly seed: number;
}

/** PEFT's names for the two factors of the adapter of `<module>.weight`. */
export function loraNames(weight: string): { a: string; b: string } {
  const module = weight.replace(/\.weight$/, '');
  return { a: `${module}.lora_A.weight`, b: `${module}.lora_B.weight` };
}

/**
 * A LoRA adapter (Hu et al. 2021) on one Linear: W' = W + (alpha / r) · B·A with A [r, in] and B
 * [out, r]. As in PEFT, A starts Kaiming-uniform (a = √5, i.e. U(±1/√in)) and B at zero, so the
 * adapted model starts exactly as the base model. The factors live in the model's parameter store
 * under PEFT's names; the store's parametrisation makes every forward pass read W'.
 */
export function addLoraAdapter(store: ParameterStore, spec: LoraAdapterSpec): Parametrization {
  const w = store.get(spec.weight);
  const [out, inFeatures] = w.shape as [number, number];
  const { a, b } = loraNames(spec.weight);
  const bound = 1 / Math.sqrt(inFeatures);
  store.create(a, tf.randomUniform([spec.rank, inFeatures], -bound, bound, 'float32', tfjsSeed(spec.seed)));
  store.create(b, tf.zeros([out, spec.rank]));
  const scale = spec.alpha / spec.rank;
  const parametrization: Parametrization = {
    parameters: [a, b],
    apply: (weight) => tf.add(weight, tf.mul(tf.matMul(store.get(b), store.get(a)), scale)),
  };
  store.parametrize(spec.weight, parametrization);
  return parametrization;
}

/** Folds the adapter into W (W ← W + s·B·A) and removes its factors: the store is a plain model again. */
export function mergeLoraAdapter(store: ParameterStore, weight: string): void {
  store.unparametrize(weight, { merge: true });
  const { a, b } = loraNames(weight);
  store.delete(a);
  store.delete(b);
}
