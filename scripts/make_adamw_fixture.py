#!/usr/bin/python3
"""Build tests/fixtures/adamw/reference.json: AdamW steps computed by PyTorch, for tests/train/adamw.test.ts.

Three parameters named as in a GPT-2 (a 2-D weight, its bias, a token embedding) take STEPS steps of
torch.optim.AdamW in float64, exactly as nanoinstruct's trainer drives its optimizer:
  1. the summed gradients of a batch are scaled by GRAD_SCALE (1 / trained tokens in the trainer),
  2. clipped to a global L2 norm of MAX_NORM by torch.nn.utils.clip_grad_norm_,
  3. AdamW (decoupled weight decay, bias correction) with that step's learning rate (a warmup).
Gradient sizes vary by step so that some steps clip and some do not.

Two runs, which differ only in which tensors decay:
  default  biases, LayerNorm parameters and embeddings do not decay (nanoinstruct's default, optimizer.ts)
  nanogpt  every tensor of two or more dimensions decays, embeddings included (nanoGPT's configure_optimizers)

Initial values and gradients are written into the fixture (drawn from torch's generator with SEED), so the
test needs no random numbers of its own. Deterministic: the same torch gives byte-identical output.
Run from the repo root (Debian's python3 has torch: apt-get install python3-torch):
    /usr/bin/python3 scripts/make_adamw_fixture.py [--out tests/fixtures/adamw/reference.json] [--check]
--check rebuilds in memory and fails if the committed file differs.
"""
import argparse
import json
import os
import sys

import torch

SEED = 20261204
STEPS = 6
BETAS = (0.9, 0.95)
EPS = 1e-8
WEIGHT_DECAY = 0.1
MAX_NORM = 1.0
GRAD_SCALE = 1 / 12  # as if 12 trained tokens
PEAK_LR = 0.05
WARMUP = 3
# Multiplies each step's gradients: steps 2, 4 and 5 clip, the others do not.
GRAD_SIZES = [0.5, 40.0, 1.0, 25.0, 60.0, 0.3]
PARAMS = [
    ("transformer.h.0.mlp.c_fc.weight", (3, 4)),
    ("transformer.h.0.mlp.c_fc.bias", (4,)),
    ("transformer.wte.weight", (5, 3)),
]


def decays(run, name, shape):
    if run == "nanogpt":
        return len(shape) >= 2
    return not (name.endswith(".bias") or ".ln_" in name or ".wte." in name or ".wpe." in name)


def lr_at(step):
    """Linear warmup to PEAK_LR over WARMUP steps, then constant (step is 1-based, as lib/train/schedule.ts)."""
    return PEAK_LR * step / WARMUP if step <= WARMUP else PEAK_LR


def rounded(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def build():
    gen = torch.Generator().manual_seed(SEED)
    init = {name: torch.randn(shape, generator=gen, dtype=torch.float64) * 0.5 for name, shape in PARAMS}
    grads = [
        {name: torch.randn(shape, generator=gen, dtype=torch.float64) * size for name, shape in PARAMS}
        for size in GRAD_SIZES
    ]
    runs = {}
    for run in ("default", "nanogpt"):
        params = {name: torch.nn.Parameter(init[name].clone()) for name, _ in PARAMS}
        groups = [
            {"params": [params[n] for n, s in PARAMS if decays(run, n, s)], "weight_decay": WEIGHT_DECAY},
            {"params": [params[n] for n, s in PARAMS if not decays(run, n, s)], "weight_decay": 0.0},
        ]
        opt = torch.optim.AdamW(groups, lr=PEAK_LR, betas=BETAS, eps=EPS)
        steps = []
        for i, g in enumerate(grads):
            step = i + 1
            for name, p in params.items():
                p.grad = g[name] * GRAD_SCALE
            norm = torch.nn.utils.clip_grad_norm_(list(params.values()), MAX_NORM)
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
            opt.step()
            steps.append({
                "step": step,
                "lr": lr_at(step),
                "norm": float(norm),
                "clipped": bool(norm > MAX_NORM),
                "params": {name: rounded(p) for name, p in params.items()},
                "exp_avg": {name: rounded(opt.state[p]["exp_avg"]) for name, p in params.items()},
                "exp_avg_sq": {name: rounded(opt.state[p]["exp_avg_sq"]) for name, p in params.items()},
            })
        runs[run] = {"decays": {n: decays(run, n, s) for n, s in PARAMS}, "steps": steps}
    doc = {
        "about": "torch.optim.AdamW reference steps; made by scripts/make_adamw_fixture.py",
        "torch": torch.__version__.split("+")[0],
        "config": {"beta1": BETAS[0], "beta2": BETAS[1], "eps": EPS, "weightDecay": WEIGHT_DECAY,
                   "maxNorm": MAX_NORM, "gradScale": GRAD_SCALE, "clipFormula": "clip_grad_norm_: max_norm / (norm + 1e-6) when norm > max_norm"},
        "params": {name: {"shape": list(shape), "init": rounded(init[name])} for name, shape in PARAMS},
        "grads": [{name: rounded(g[name]) for name, _ in PARAMS} for g in grads],
        "runs": runs,
    }
    return json.dumps(doc, indent=1) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="tests/fixtures/adamw/reference.json")
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs from a rebuild")
    args = ap.parse_args()
    torch.set_num_threads(1)
    text = build()
    if args.check:
        with open(args.out, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{args.out} differs from a rebuild with torch {torch.__version__}")
        print(f"{args.out}: up to date")
        return
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
