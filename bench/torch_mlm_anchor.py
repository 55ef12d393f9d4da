"""PyTorch CPU anchor for tl's pretraining benchmark: one masked-LM training step of a BERT-shaped
encoder, the step `tl pretrain --pack` takes, in plain PyTorch (Debian python3-torch; no transformers
needed).

Same work as tl's step: word + position + type embeddings and LayerNorm; post-LN encoder layers
(self-attention with a padding-free block, GELU FFN, dropout 0.1); the MLM head (dense, GELU,
LayerNorm, decoder tied to the word embeddings, bias) applied to the masked positions only (15%);
cross-entropy; backward; gradient clipping at 1.0; AdamW.

    python3 bench/torch_mlm_anchor.py LAYERS HIDDEN HEADS FFN VOCAB [STEPS] [BATCH] [SEQ]

Prints one JSON line: train_samples_per_s, train_tokens_per_s, step_ms, peak_rss_mib, threads.
"""
import json
import resource
import sys
import time

import torch
from torch import nn


class BertMlm(nn.Module):
    def __init__(self, layers, hidden, heads, ffn, vocab, positions):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(hidden, heads, ffn, dropout=0.1, activation="gelu", batch_first=True, norm_first=False, layer_norm_eps=1e-12)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.transform = nn.Linear(hidden, hidden)
        self.transform_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocab))

    def forward(self, ids, positions_flat):
        b, s = ids.shape
        pos = torch.arange(s).unsqueeze(0)
        x = self.drop(self.norm(self.word(ids) + self.position(pos) + self.token_type(torch.zeros_like(ids))))
        h = self.encoder(x).reshape(b * s, -1)[positions_flat]
        t = self.transform_norm(nn.functional.gelu(self.transform(h)))
        return t @ self.word.weight.t() + self.bias


def main():
    layers, hidden, heads, ffn, vocab = (int(a) for a in sys.argv[1:6])
    steps = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    batch = int(sys.argv[7]) if len(sys.argv) > 7 else 32
    seq = int(sys.argv[8]) if len(sys.argv) > 8 else 128
    torch.manual_seed(0)
    model = BertMlm(layers, hidden, heads, ffn, vocab, seq)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    ids = torch.randint(5, vocab, (batch, seq))
    n_masked = round(0.15 * batch * seq)
    positions = torch.randperm(batch * seq)[:n_masked].sort().values
    labels = ids.reshape(-1)[positions]
    masked = ids.clone().reshape(-1)
    masked[positions] = 4
    masked = masked.reshape(batch, seq)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(masked, positions), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()  # warm-up
    start = time.perf_counter()
    for _ in range(steps):
        step()
    ms = 1000 * (time.perf_counter() - start) / steps
    print(json.dumps({
        "train_samples_per_s": round(1000 * batch / ms, 2),
        "train_tokens_per_s": round(1000 * batch * seq / ms, 1),
        "step_ms": round(ms, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
