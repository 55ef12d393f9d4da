// Pretraining throughput: masked-LM steps through the real Trainer (packed 128-token blocks, 15%
// masking with the collator tl pretrain uses, forward with the vocabulary projected at the masked
// positions only, backward, clipping, AdamW), beside the same MLM step in plain PyTorch
// (bench/torch_mlm_anchor.py) run in the same benchmark.
//   node bench/pretrain.mjs [--backend torch-cpu] [--shapes small,mini] [--steps N] [--batch 32]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, createEngine, MaskedLmCollator, StepTimer, TextTokenizer, Trainer } from '@tl/core';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backend = flag('backend', 'torch-cpu');
const shapes = flag('shapes', 'small,mini').split(',');
const BATCH = Number(flag('batch', 32));
const SEQ = 128;
const VOCAB = 8192;
/** `small` is tl-bert-en-small's shape; `mini` is Google's BERT-mini. */
const SHAPES = {
  small: { num_hidden_layers: 4, hidden_size: 128, num_attention_heads: 2, intermediate_size: 512 },
  mini: { num_hidden_layers: 4, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024 },
};

const BACKEND_PACKAGES = { webgpu: '@tl/backend-webgpu', cuda: '@tl/backend-cuda', 'torch-cpu': '@tl/backend-cuda' };
if (BACKEND_PACKAGES[backend]) await import(BACKEND_PACKAGES[backend]);
await createEngine({ backend });
// The shipped model's tokenizer gives the masking its special and random-token ids.
const tokenizer = await TextTokenizer.fromFolder(flag('tokenizer', join(here, '..', 'packages', 'models', 'weights', 'tl-bert-en-small')));
for (const shape of shapes) {
  const steps = Number(flag('steps', 6));
  const config = { model_type: 'bert', vocab_size: VOCAB, max_position_embeddings: SEQ, type_vocab_size: 2, hidden_act: 'gelu', hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, layer_norm_eps: 1e-12, initializer_range: 0.02, pad_token_id: 0, ...SHAPES[shape] };
  const model = buildModel(config, { task: 'masked-lm', seed: 0 });
  // Packed blocks, as `tl pretrain --pack` makes them: full 128-token rows, no padding.
  const examples = Array.from({ length: BATCH * (steps + 1) }, (_, i) => ({
    text: '',
    label: 0,
    key: `block:${i}`,
    encoded: { inputIds: Array.from({ length: SEQ }, (_, j) => 5 + ((i * 7919 + j * 104729) % (VOCAB - 5))), tokenTypeIds: new Array(SEQ).fill(0) },
  }));
  const clock = new StepTimer();
  const trainer = new Trainer({
    model,
    collator: new MaskedLmCollator(tokenizer, { maxLength: SEQ, seed: 1 }),
    args: { batchSize: BATCH, maxSteps: steps + 1, learningRate: 1e-4, weightDecay: 0.01, outputDir: mkdtempSync(join(tmpdir(), 'tl-bench-')), shuffle: false },
    callbacks: [clock],
  });
  await trainer.fit(examples);
  const tokensPerS = (1000 * BATCH * SEQ) / clock.msPerStep;
  const s = SHAPES[shape];
  let anchor;
  try {
    const out = execFileSync('/usr/bin/python3', [join(here, 'torch_mlm_anchor.py'), s.num_hidden_layers, s.hidden_size, s.num_attention_heads, s.intermediate_size, VOCAB, 5, BATCH, SEQ].map(String), { encoding: 'utf8' });
    anchor = JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    console.error(`anchor: PyTorch MLM anchor failed (${e.message.split('\n')[0]}); install python3-torch libopenblas0-pthread`);
  }
  console.log(JSON.stringify({
    workload: 'mlm-pretrain-step',
    shape,
    backend,
    batch: BATCH,
    seq: SEQ,
    vocab: VOCAB,
    tl_tokens_per_s: Math.round(tokensPerS),
    tl_step_ms: +clock.msPerStep.toFixed(1),
    tl_peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    tensors_flat: clock.tensorsFlat,
    pytorch_cpu_tokens_per_s: anchor?.train_tokens_per_s,
    pytorch_peak_rss_mib: anchor?.peak_rss_mib,
    ratio: anchor ? +(tokensPerS / anchor.train_tokens_per_s).toFixed(3) : undefined,
  }));
  trainer.dispose();
  model.dispose();
}
