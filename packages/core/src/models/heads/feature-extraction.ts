import type { HeadBuilder } from './head.js';
import { Pooler } from './pooler.js';

/** Bare encoder (HF `BertModel` / `RobertaModel`): hidden states plus the pooler when the family has one. */
export const featureExtractionWithPooler: HeadBuilder = (ctx) => {
  const pooler = new Pooler(ctx);
  return { apply: (encoded) => ({ poolerOutput: pooler.apply(encoded.lastHiddenState) }) };
};

/** Bare encoder without pooler (HF `DistilBertModel`). */
export const featureExtractionWithoutPooler: HeadBuilder = () => ({ apply: () => ({}) });
