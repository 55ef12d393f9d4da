/** BERT shapes of the benchmarks and their PyTorch anchor (bench/torch_anchor.py): layers, hidden, heads, intermediate. */
export const SHAPES = {
  tiny: { num_hidden_layers: 2, hidden_size: 128, num_attention_heads: 2, intermediate_size: 512 },
  mini: { num_hidden_layers: 4, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024 },
  small: { num_hidden_layers: 4, hidden_size: 512, num_attention_heads: 8, intermediate_size: 2048 },
  base: { num_hidden_layers: 12, hidden_size: 768, num_attention_heads: 12, intermediate_size: 3072 },
};

/** An HF BertForSequenceClassification config of the given shape (vocab 30522, 512 positions, 2 labels). */
export function bertConfig(shape) {
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: 30522,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    layer_norm_eps: 1e-12,
    initializer_range: 0.02,
    pad_token_id: 0,
    id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' },
    label2id: { NEGATIVE: 0, POSITIVE: 1 },
    ...SHAPES[shape],
  };
}
