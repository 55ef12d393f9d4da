import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  createEngine,
  loadModel,
  TextTokenizer,
  tokenizerCollator,
  type EncoderModel,
  type Example,
  type Model,
  type PaddingCollator,
} from '@tl/core';

/** The HF-written tiny checkpoints (BERT H32 L2, vocab 600). */
export const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/hf-tiny/', import.meta.url));

export async function useCpu(): Promise<void> {
  await createEngine({ backend: 'cpu' });
}

export interface Tiny {
  readonly model: EncoderModel;
  readonly tokenizer: TextTokenizer;
  readonly collator: PaddingCollator;
}

/** bert-cls (3 labels) with its tokenizer; `dropout: 0` unless asked, so runs compare exactly. */
export async function tinyClassifier(options: { dropout?: number; seed?: number } = {}): Promise<Tiny> {
  const dir = `${FIXTURES}bert-cls`;
  const { model } = await loadModel(dir, { dropout: options.dropout ?? 0, ...(options.seed !== undefined && { seed: options.seed }) });
  const tokenizer = await TextTokenizer.fromFolder(dir);
  return { model, tokenizer, collator: tokenizerCollator(tokenizer, { maxLength: 24 }) };
}

/** Twelve short labeled texts (labels 0..2), enough for a few steps of every strategy. */
export const TRAIN: readonly Example[] = [
  'permission is hereby granted free of charge',
  'the software is provided as is without warranty',
  'copyright holders shall not be liable for any claim',
  'you may copy and distribute verbatim copies',
  'the quick brown fox jumps over the lazy dog',
  'redistribution in binary form must reproduce the notice',
  'licensor grants you a license to the work',
  'a second segment follows the first one',
  'free software foundation publishes the license',
  'any person obtaining a copy may use it',
  'the above copyright notice shall be included',
  'in no event shall the authors be liable',
].map((text, i) => ({ text, label: i % 3 }));

/** A copy of every parameter's values, by name. */
export function snapshot(model: Model): Map<string, Float32Array> {
  return new Map([...model.parameters.entries()].map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
}

/** True when the two arrays hold the same bits. */
export function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

export function numTensors(): number {
  return tf.memory().numTensors;
}
