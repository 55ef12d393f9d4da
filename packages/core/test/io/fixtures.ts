import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../../src/data/random/seeded-random.js';

/** test/fixtures/hf-tiny at the repo root: checkpoints written by HF transformers (see its README). */
export const HF_TINY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/hf-tiny');
export const FIXTURE_MODELS = ['bert-cls', 'bert-mlm', 'distilbert-cls', 'roberta-cls'] as const;

export function fixtureFile(model: string, file: string): string {
  return join(HF_TINY, model, file);
}

/** Parameter name → shape, as PyTorch reported them when the fixture was written (reference.json grads). */
export function referenceShapes(model: string): Map<string, number[]> {
  const reference = JSON.parse(readFileSync(fixtureFile(model, 'reference.json'), 'utf8')) as {
    grads: Record<string, { shape: number[] }>;
  };
  return new Map(Object.entries(reference.grads).map(([name, g]) => [name, g.shape]));
}

/** A deterministic PRNG so failures reproduce from the seed: core's SeededRandom (mulberry32). */
export function mulberry32(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** A safetensors file from a header (object or raw text) and data bytes, with an optional declared length. */
export function safetensorsBytes(
  header: string | Record<string, unknown>,
  data: Uint8Array = new Uint8Array(0),
  declaredLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}
