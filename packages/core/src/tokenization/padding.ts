import type { Side } from './tokenizer-config.js';
import type { AssembledSequence } from './special-tokens-template.js';

export interface PaddedSequence {
  readonly inputIds: number[];
  readonly attentionMask: number[];
  readonly tokenTypeIds: number[];
}

export interface PadSpec {
  /** Pad up to this many tokens; longer sequences are left as they are (as HF does). */
  readonly length: number;
  readonly side: Side;
  readonly padId: number;
  /** Type id of padding positions; HF's `pad_token_type_id` is 0 for every tl family. */
  readonly padTypeId: number;
}

/** Rounds `length` up to a multiple of `multiple` (HF `pad_to_multiple_of`); no-op when undefined. */
export function roundUpToMultiple(length: number, multiple: number | undefined): number {
  if (multiple === undefined || length % multiple === 0) return length;
  return length + multiple - (length % multiple);
}

export function padSequence(seq: AssembledSequence, spec: PadSpec): PaddedSequence {
  const n = Math.max(0, spec.length - seq.ids.length);
  const fill = (v: number): number[] => new Array<number>(n).fill(v);
  const ones = new Array<number>(seq.ids.length).fill(1);
  return spec.side === 'right'
    ? {
        inputIds: [...seq.ids, ...fill(spec.padId)],
        attentionMask: [...ones, ...fill(0)],
        tokenTypeIds: [...seq.typeIds, ...fill(spec.padTypeId)],
      }
    : {
        inputIds: [...fill(spec.padId), ...seq.ids],
        attentionMask: [...fill(0), ...ones],
        tokenTypeIds: [...fill(spec.padTypeId), ...seq.typeIds],
      };
}
