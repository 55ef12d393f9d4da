import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the HF-written tiny checkpoints copied from shared/fixtures (see its README). */
export const HF_TINY = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hf-tiny');
export const FIXTURE_NAMES = ['bert-cls', 'bert-mlm', 'roberta-cls', 'distilbert-cls'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface ArrayRef {
  shape: number[];
  data: number[] | number[][] | number[][][];
}
export interface GradRef {
  shape: number[];
  norm: number;
  sum: number;
  head: number[];
}
export interface Reference {
  inputs: { input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][] };
  labels?: number[];
  mlm_labels?: number[][];
  mask_positions?: [number, number][];
  masked_logits?: ArrayRef;
  embeddings_output?: ArrayRef;
  last_hidden_state?: ArrayRef;
  pooler_output?: ArrayRef;
  logits?: ArrayRef;
  loss: number;
  grads: Record<string, GradRef>;
  adamw?: {
    lr: number;
    betas: [number, number];
    eps: number;
    weight_decay: number;
    params_after_one_step: Record<string, { norm: number; sum: number; head: number[] }>;
  };
  tokenizer_probes: { text: string; input_ids: number[]; tokens: string[] }[];
}

export function fixtureDir(name: FixtureName): string {
  return join(HF_TINY, name);
}

export function reference(name: FixtureName): Reference {
  return JSON.parse(readFileSync(join(fixtureDir(name), 'reference.json'), 'utf8')) as Reference;
}

/** The texts (and BERT pair texts) the fixtures were made from (fixtures README). */
export const FIXTURE_TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'Permission is hereby granted, free of charge, to any person obtaining a copy!',
  'Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>',
];
export const FIXTURE_PAIRS = ['A second segment.', 'Licensor grants You a license.', 'Naïve café — déjà vu?'];

export function flat(data: unknown): number[] {
  return (data as unknown[]).flat(Infinity as 1) as number[];
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
