"""
Pretrains a GPT-2 on a token stream from scripts/gpu-pretrain/export-tokens.ts, on a GPU when there is one,
and writes a model directory nanoinstruct loads like any Hugging Face GPT-2 checkpoint (config.json,
model.safetensors with Conv1D-layout weights and the output layer tied to wte, our tokenizer.json).

Used where the 2-core CPU machine cannot go: many more tokens per parameter than `nanoinstruct pretrain`
affords here. The model is GPT-2 exactly as lib/model/gpt.ts computes it (pre-LN blocks, tanh GELU, learned
positions, tied embeddings), written out in plain PyTorch so it runs on PyTorch 1.13 (CPU, for a smoke test)
and 2.x (GPU, bf16 autocast).

  python3 train_gpt2.py --data DIR --out DIR --layers 6 --embd 160 --heads 5 --seconds 240 [--name NAME]

The learning-rate schedule is cosine over a step count fixed after timing the first steps, so the run ends
near --seconds of training whatever the machine.
"""
import argparse, contextlib, gzip, json, math, os, shutil, struct, time

import numpy as np
import torch
import torch.nn.functional as F


def load_tokens(path):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype="<u2").astype(np.int64)


class GPT(torch.nn.Module):
    """Parameters named and laid out as GPT2LMHeadModel saves them (Conv1D: weight is (in, out))."""

    def __init__(self, V, T, C, L, H):
        super().__init__()
        self.V, self.T, self.C, self.L, self.H = V, T, C, L, H
        P = torch.nn.Parameter
        self.params = torch.nn.ParameterDict()
        std, proj_std = 0.02, 0.02 / math.sqrt(2 * L)

        def add(name, shape, std=None, ones=False):
            t = torch.ones(shape) if ones else (torch.randn(shape) * std if std else torch.zeros(shape))
            self.params[name.replace(".", "__")] = P(t)

        add("wte.weight", (V, C), std)
        add("wpe.weight", (T, C), 0.01)
        for i in range(L):
            h = f"h.{i}."
            add(h + "ln_1.weight", (C,), ones=True); add(h + "ln_1.bias", (C,))
            add(h + "attn.c_attn.weight", (C, 3 * C), std); add(h + "attn.c_attn.bias", (3 * C,))
            add(h + "attn.c_proj.weight", (C, C), proj_std); add(h + "attn.c_proj.bias", (C,))
            add(h + "ln_2.weight", (C,), ones=True); add(h + "ln_2.bias", (C,))
            add(h + "mlp.c_fc.weight", (C, 4 * C), std); add(h + "mlp.c_fc.bias", (4 * C,))
            add(h + "mlp.c_proj.weight", (4 * C, C), proj_std); add(h + "mlp.c_proj.bias", (C,))
        add("ln_f.weight", (C,), ones=True); add("ln_f.bias", (C,))

    def p(self, name):
        return self.params[name.replace(".", "__")]

    def forward(self, idx):
        B, T = idx.shape
        C, H = self.C, self.H
        x = self.p("wte.weight")[idx] + self.p("wpe.weight")[:T]  # (B, T, C)
        for i in range(self.L):
            h = f"h.{i}."
            a = F.layer_norm(x, (C,), self.p(h + "ln_1.weight"), self.p(h + "ln_1.bias"), 1e-5)
            qkv = a @ self.p(h + "attn.c_attn.weight") + self.p(h + "attn.c_attn.bias")  # (B, T, 3C)
            q, k, v = qkv.split(C, dim=2)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))  # (B, H, T, hs)
            if hasattr(F, "scaled_dot_product_attention"):
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
                mask = torch.ones(T, T, dtype=torch.bool, device=idx.device).tril()
                y = att.masked_fill(~mask, float("-inf")).softmax(-1) @ v
            y = y.transpose(1, 2).reshape(B, T, C)
            x = x + y @ self.p(h + "attn.c_proj.weight") + self.p(h + "attn.c_proj.bias")
            m = F.layer_norm(x, (C,), self.p(h + "ln_2.weight"), self.p(h + "ln_2.bias"), 1e-5)
            m = F.gelu(m @ self.p(h + "mlp.c_fc.weight") + self.p(h + "mlp.c_fc.bias"), approximate="tanh")
            x = x + m @ self.p(h + "mlp.c_proj.weight") + self.p(h + "mlp.c_proj.bias")
        x = F.layer_norm(x, (C,), self.p("ln_f.weight"), self.p("ln_f.bias"), 1e-5)
        return x @ self.p("wte.weight").t()  # (B, T, V), tied output layer

    def named_hf(self):
        return [(k.replace("__", "."), v) for k, v in self.params.items()]


def write_safetensors(path, tensors, metadata):
    """safetensors: 8-byte little-endian header length, JSON header, then the raw float32 data."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors:
        b = t.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="gpu-base")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--embd", type=int, default=160)
    ap.add_argument("--heads", type=int, default=5)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=240)
    ap.add_argument("--max-steps", type=int, default=0, help="fixed step count instead of timing (smoke tests)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--world-seed", type=int, default=0, help="recorded in config.json (the data's world)")
    ap.add_argument("--corpus-seed", type=int, default=0, help="recorded in config.json (the data's corpus)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    if dev == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    train = torch.from_numpy(load_tokens(os.path.join(args.data, "train.u16.gz"))).to(dev)
    val = torch.from_numpy(load_tokens(os.path.join(args.data, "val.u16.gz"))).to(dev)
    tok = json.load(open(os.path.join(args.data, "tokenizer.json")))
    V = 1 + max(max(tok["model"]["vocab"].values()), max(t["id"] for t in tok.get("added_tokens", [])))
    eos = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<|endoftext|>")
    model = GPT(V, args.block, args.embd, args.layers, args.heads).to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator(device=dev).manual_seed(args.seed)
    T = args.block

    def batch(src, B):
        ix = torch.randint(0, len(src) - T - 1, (B,), device=dev, generator=gen)
        rows = torch.stack([src[i:i + T + 1] for i in ix.tolist()])
        return rows[:, :-1], rows[:, 1:]

    def step_loss(x, y):
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16) if dev == "cuda" else contextlib.nullcontext():
            logits = model(x)
        return F.cross_entropy(logits.float().reshape(-1, V), y.reshape(-1))

    metrics = open(os.path.join(args.out, "metrics.jsonl"), "w")
    max_steps = args.max_steps or 10**9
    t0 = time.time()
    step = 0
    while step < max_steps:
        lr_ratio = (step + 1) / args.warmup if step < args.warmup else (
            args.min_lr_ratio + (1 - args.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - args.warmup) / max(1, max_steps - args.warmup)))))
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_ratio
        x, y = batch(train, args.batch)
        loss = step_loss(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step == 30 and not args.max_steps:
            if dev == "cuda":
                torch.cuda.synchronize()
            per_step = (time.time() - t0) / 30
            max_steps = max(args.warmup + 100, int(args.seconds / per_step))
            print(f"{per_step * 1000:.1f} ms/step -> {max_steps} steps, {max_steps * args.batch * T / 1e6:.0f}M tokens", flush=True)
        if step % 100 == 0 or step == max_steps:
            rec = {"type": "train", "step": step, "max_steps": max_steps, "loss": loss.item(), "lr": args.lr * lr_ratio,
                   "grad_norm": gn.item(), "elapsed_s": time.time() - t0, "tokens": step * args.batch * T}
            metrics.write(json.dumps(rec) + "\n")
            if step % 1000 == 0 or step == max_steps:
                print(json.dumps(rec), flush=True)
    train_s = time.time() - t0
    model.eval()
    with torch.no_grad():
        g = torch.Generator(device=dev).manual_seed(1)
        losses = []
        for _ in range(16):
            ix = torch.randint(0, len(val) - T - 1, (16,), device=dev, generator=g)
            rows = torch.stack([val[i:i + T + 1] for i in ix.tolist()])
            losses.append(step_loss(rows[:, :-1], rows[:, 1:]).item())
    val_loss = sum(losses) / len(losses)
    summary = {"type": "eval", "step": step, "eval_loss": val_loss, "parameters": n_params, "train_seconds": train_s,
               "tokens": step * args.batch * T, "tokens_per_s": step * args.batch * T / train_s, "device": torch.cuda.get_device_name() if dev == "cuda" else "cpu",
               "torch": torch.__version__}
    metrics.write(json.dumps(summary) + "\n")
    metrics.close()
    print(json.dumps(summary), flush=True)

    write_safetensors(os.path.join(args.out, "model.safetensors"), [("transformer." + k, v) for k, v in model.named_hf()], {"format": "pt"})
    config = {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": V, "n_positions": T, "n_ctx": T,
        "n_embd": args.embd, "n_layer": args.layers, "n_head": args.heads, "n_inner": None, "activation_function": "gelu_new",
        "resid_pdrop": 0, "embd_pdrop": 0, "attn_pdrop": 0, "layer_norm_epsilon": 1e-5, "initializer_range": 0.02,
        "scale_attn_weights": True, "tie_word_embeddings": True, "use_cache": True,
        "bos_token_id": eos, "eos_token_id": eos, "torch_dtype": "float32",
        "nanoinstruct": {"name": args.name, "worldSeed": args.world_seed, "corpusSeed": args.corpus_seed, "pretrainedWith": "scripts/gpu-pretrain/train_gpt2.py", "args": vars(args), "summary": summary},
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    shutil.copyfile(os.path.join(args.data, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))


if __name__ == "__main__":
    main()
