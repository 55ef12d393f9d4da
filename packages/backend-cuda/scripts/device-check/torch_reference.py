"""PyTorch reference for device-check.sh: the BERT-shaped classifier of shared/anchors/torch_cpu_bert.py
(same dims and FLOPs as HF BERT) trained on the GPU, fp32 and bf16 autocast, batch 32, seq 128, AdamW.
Usage: torch_reference.py [base] [steps] [dropout]. Prints one JSON line."""
import json, sys, time
import torch
import torch.nn as nn

DIMS = {"tiny": (2, 128, 2, 512), "mini": (4, 256, 4, 1024), "base": (12, 768, 12, 3072)}
name = sys.argv[1] if len(sys.argv) > 1 else "base"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
dropout = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
B, T, V = 32, 128, 30522
L, H, A, I = DIMS[name]
dev = torch.device("cuda")


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, H); self.pos = nn.Embedding(512, H); self.typ = nn.Embedding(2, H)
        self.ln = nn.LayerNorm(H, eps=1e-12)
        layer = nn.TransformerEncoderLayer(H, A, I, dropout=dropout, activation="gelu", batch_first=True, layer_norm_eps=1e-12)
        self.enc = nn.TransformerEncoder(layer, L, enable_nested_tensor=False)
        self.pool = nn.Linear(H, H); self.cls = nn.Linear(H, 2)

    def forward(self, ids, mask):
        pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = self.ln(self.tok(ids) + self.pos(pos) + self.typ(torch.zeros_like(ids)))
        x = self.enc(x, src_key_padding_mask=~mask.bool())
        return self.cls(torch.tanh(self.pool(x[:, 0])))


def run(bf16):
    torch.manual_seed(0)
    m = Bert().to(dev).train()
    ids = torch.randint(1000, 30000, (B, T), device=dev); mask = torch.ones(B, T, dtype=torch.long, device=dev)
    y = torch.randint(0, 2, (B,), device=dev)
    opt = torch.optim.AdamW(m.parameters(), lr=2e-5)
    lossf = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            loss = lossf(m(ids, mask), y)
        loss.backward(); opt.step()
        return loss.item()  # a host sync per step, as the tfjs step's loss read

    for _ in range(2):
        step()
    torch.cuda.synchronize(); t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    dt = (time.perf_counter() - t0) / steps
    return {"step_ms": round(dt * 1e3, 2), "samples_per_s": round(B / dt, 1)}


print(json.dumps({"reference": "pytorch", "torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "model": name,
                  "batch": B, "seq": T, "dropout": dropout, "fp32": run(False), "bf16": run(True)}))
