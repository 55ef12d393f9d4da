import { TlError } from '../../errors/tl-error.js';
import { joinName } from '../../models/naming.js';
import { firstToken, linear, type GraphContext } from './encoder-graph.js';

/**
 * The sequence-classification heads of tl's families, as in models/heads: BERT's pooler + classifier,
 * RoBERTa's dense → tanh → out_proj on <s>, DistilBERT's pre_classifier → ReLU → classifier.
 * Dropout is the identity at inference.
 */
export function classifierGraph(ctx: GraphContext, modelType: string, hidden: string): string {
  const g = ctx.graph;
  const scope = '/classifier';
  const first = firstToken(ctx, hidden, scope);
  switch (modelType) {
    case 'bert': {
      const pooled = g.op('Tanh', [linear(ctx, first, joinName(ctx.basePrefix, 'pooler', 'dense'), '/pooler')], '/pooler');
      return linear(ctx, pooled, 'classifier', scope);
    }
    case 'roberta':
      return linear(ctx, g.op('Tanh', [linear(ctx, first, 'classifier.dense', scope)], scope), 'classifier.out_proj', scope);
    case 'distilbert':
      return linear(ctx, g.op('Relu', [linear(ctx, first, 'pre_classifier', scope)], scope), 'classifier', scope);
    default:
      throw new TlError('MODEL', `ONNX export: no classification head graph for model_type ${modelType} (supported: bert, roberta, distilbert)`);
  }
}
