"""The benchmarks' PyTorch CPU anchor: HF BertForSequenceClassification's computation written out in
plain PyTorch (so no `transformers` is needed), timed for fine-tuning steps and for inference on the
same machine as the tl run it is compared with.

Usage: torch_anchor.py LAYERS HIDDEN HEADS INTERMEDIATE [STEPS] [BATCH] [THREADS]
(bench/anchor.mjs passes the dims from bench/shapes.mjs). Prints one JSON line.

The FLOPs are BERT's: per layer the Q, K, V and output projections, QK^T and PV, the two-matmul GELU
feed-forward, two post-LayerNorms; word/position/type embeddings and their LayerNorm; the tanh pooler
on [CLS] and a 2-way classifier. Sequence 128, vocabulary 30522, dropout 0.1 as in training, AdamW.
"""
import json
import math
import resource
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

SEQ = 128
VOCAB = 30522
POSITIONS = 512
LABELS = 2


class SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.output = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + additive_mask
        context = self.dropout(scores.softmax(-1)) @ v
        context = context.transpose(1, 2).reshape(x.shape)
        return self.norm(x + self.dropout(self.output(context)))


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.up = nn.Linear(hidden, intermediate)
        self.down = nn.Linear(intermediate, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        x = self.attention(x, additive_mask)
        return self.norm(x + self.dropout(self.down(F.gelu(self.up(x)))))


class BertClassifier(nn.Module):
    def __init__(self, layers: int, hidden: int, heads: int, intermediate: int):
        super().__init__()
        self.words = nn.Embedding(VOCAB, hidden, padding_idx=0)
        self.positions = nn.Embedding(POSITIONS, hidden)
        self.types = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer(hidden, heads, intermediate) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, LABELS)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.dropout(self.norm(self.words(ids) + self.positions(positions) + self.types(torch.zeros_like(ids))))
        # HF's extended attention mask: 0 where attended, a large negative number on padding.
        additive_mask = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, additive_mask)
        return self.classifier(self.dropout(torch.tanh(self.pooler(x[:, 0]))))


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    if len(args) < 4:
        sys.exit(__doc__)
    layers, hidden, heads, intermediate = args[:4]
    steps = args[4] if len(args) > 4 else 5
    batch = args[5] if len(args) > 5 else 32
    threads = args[6] if len(args) > 6 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    model = BertClassifier(layers, hidden, heads, intermediate)
    ids = torch.randint(1000, VOCAB, (batch, SEQ))
    mask = torch.ones(batch, SEQ, dtype=torch.long)
    labels = torch.randint(0, LABELS, (batch,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)

    def train_step() -> None:
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(ids, mask), labels).backward()
        optimizer.step()

    model.train()
    train_step()  # warm-up: allocations and first-call dispatch, as tl's first step is untimed too
    start = time.perf_counter()
    for _ in range(steps):
        train_step()
    train_s = (time.perf_counter() - start) / steps

    model.eval()
    with torch.no_grad():
        model(ids, mask)
        start = time.perf_counter()
        for _ in range(steps):
            model(ids, mask)
        infer_s = (time.perf_counter() - start) / steps

    print(json.dumps({
        "anchor": "pytorch-cpu",
        "script": "bench/torch_anchor.py",
        "torch": torch.__version__,
        "dims": {"layers": layers, "hidden": hidden, "heads": heads, "intermediate": intermediate},
        "batch": batch,
        "seq": SEQ,
        "threads": threads,
        "train_step_ms": round(train_s * 1e3, 1),
        "train_samples_per_s": round(batch / train_s, 2),
        "infer_samples_per_s": round(batch / infer_s, 2),
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
