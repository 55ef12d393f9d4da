import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The HF-written fixtures shared by the repository's tests (test/fixtures/hf-tiny). */
export const HF_TINY = fileURLToPath(new URL('../../../../test/fixtures/hf-tiny/', import.meta.url));

export const FIXTURES = ['bert-cls', 'bert-mlm', 'roberta-cls', 'distilbert-cls'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export interface TokenizerProbe {
  readonly text: string;
  readonly input_ids: number[];
  readonly tokens: string[];
}

export interface Reference {
  readonly inputs: { input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][] };
  readonly tokenizer_probes: TokenizerProbe[];
  readonly mask_positions?: [number, number][];
  readonly mlm_labels?: number[][];
}

export function readReference(name: FixtureName): Reference {
  return JSON.parse(readFileSync(`${HF_TINY}${name}/reference.json`, 'utf8')) as Reference;
}

export function fixtureDir(name: FixtureName): string {
  return `${HF_TINY}${name}`;
}

/** The texts reference.json `inputs` were made from (test/fixtures/hf-tiny/README.md). */
export const TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'Permission is hereby granted, free of charge, to any person obtaining a copy!',
  'Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>',
];
export const PAIR_TEXTS = ['A second segment.', 'Licensor grants You a license.', 'Naïve café — déjà vu?'];
