import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The models this package ships, by short id: `tl-bert-en-small`, and two checkpoints along its
 * pretraining run (steps 400 and 1200), kept for transferability studies (`tl score` candidates). Each is a complete HF folder (config.json, fp16
 * model.safetensors, tokenizer.json, tokenizer_config.json, README.md model card) inside the package,
 * so `npm i` brings it and `fromPretrained('tl-bert-en-small')` needs no network.
 *
 * This package depends on nothing, so @tl/core can depend on it and resolve the ids itself.
 */
export const SHIPPED_MODEL_IDS = ['tl-bert-en-small', 'tl-bert-en-small-step400', 'tl-bert-en-small-step1200'] as const;

export type ShippedModelId = (typeof SHIPPED_MODEL_IDS)[number];

/** The folder of a shipped model, or undefined when `id` names none. */
export function shippedModelDir(id: string): string | undefined {
  if (!(SHIPPED_MODEL_IDS as readonly string[]).includes(id)) return undefined;
  const dir = fileURLToPath(new URL(`../weights/${id}/`, import.meta.url));
  return existsSync(dir) ? dir.replace(/\/$/, '') : undefined;
}
