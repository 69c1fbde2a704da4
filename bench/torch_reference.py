#!/usr/bin/python3
"""PyTorch GPT-2 speed reference for nanoinstruct's benchmarks.

An independent, plain PyTorch GPT-2 (learned positions, pre-LayerNorm, GELU with the tanh
approximation, causal self-attention, biases everywhere, output head tied to the token
embedding). It is written the way a competent PyTorch user would write it for the CPU:
one fused QKV projection, F.scaled_dot_product_attention when the installed torch has it
(otherwise a single baddbmm with an additive causal mask), AdamW with foreach/fused
updates when available, float32, no autocast.

Modes (each prints exactly ONE JSON line on stdout):
  train     AdamW steps with cross-entropy (ignore_index -100) on random tokens.
  generate  greedy decoding from a random 8-token prompt, with a preallocated KV cache
            (or recomputing the whole prefix every token with --no-cache).
  peak      GFLOP/s of a plain 1024^3 matmul (torch.mm) with the same threads: the machine's peak.

Threads: --threads sets torch's intra-op (OpenMP) threads AND the thread count of the BLAS
library torch calls (Debian's torch uses OpenBLAS through libblas.so.3, whose thread pool
torch.set_num_threads does not touch). Use --blas-threads to set the latter separately.
OMP_WAIT_POLICY defaults to PASSIVE (see below); set it in the environment to override.

Run with Debian's interpreter: /usr/bin/python3 bench/torch_reference.py --help
"""
import argparse
import ctypes
import json
import math
import os
import resource
import statistics
import sys
import time

if __name__ == "__main__":
    # OpenMP workers that spin while idle (libgomp's default) collapse multi-thread throughput 3-10x
    # as soon as anything else runs on the machine; PASSIVE makes them sleep. It must be set before
    # libgomp starts (before `import torch`). An OMP_WAIT_POLICY already in the environment wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torch.nn as nn
import torch.nn.functional as F

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


# ----------------------------------------------------------------------------- BLAS threads

def _loaded_openblas():
    """Return a ctypes handle to the OpenBLAS library loaded in this process, or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return None
    for p in sorted(paths):
        name = p.rsplit("/", 1)[-1]
        if "openblas" in p or name.startswith("libblas.so"):
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_num_threads  # raises AttributeError if not OpenBLAS
                lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
                lib.openblas_get_config.restype = ctypes.c_char_p
                return lib
            except (OSError, AttributeError):
                continue
    return None


def set_threads(threads, blas_threads):
    torch.set_num_threads(threads)
    lib = _loaded_openblas()
    info = {"threads": torch.get_num_threads()}
    if lib is not None:
        lib.openblas_set_num_threads(blas_threads)
        info["blas"] = lib.openblas_get_config().decode()
        info["blas_threads"] = lib.openblas_get_num_threads()
    else:
        info["blas"] = "not OpenBLAS (thread count not set)"
    return info


# ----------------------------------------------------------------------------- model

class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, n_positions):
        super().__init__()
        assert n_embd % n_head == 0
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        # additive causal mask (0 on and below the diagonal, -inf above), used without SDPA
        mask = torch.full((n_positions, n_positions), float("-inf")).triu(1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x, cache=None, pos=0):
        B, T, C = x.shape
        H, D = self.n_head, self.head_dim
        q, k, v = self.c_attn(x).view(B, T, 3, H, D).permute(2, 0, 3, 1, 4)  # each (B, H, T, D)
        if cache is not None:
            k_cache, v_cache = cache
            k_cache[:, :, pos:pos + T] = k
            v_cache[:, :, pos:pos + T] = v
            k = k_cache[:, :, :pos + T]
            v = v_cache[:, :, :pos + T]
        L = k.shape[2]  # keys visible (pos + T)
        if HAS_SDPA:
            if T == L:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            elif T == 1:
                y = F.scaled_dot_product_attention(q, k, v)
            else:
                y = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask[pos:pos + T, :L])
        else:
            qf = q.reshape(B * H, T, D)
            kf = k.reshape(B * H, L, D)
            vf = v.reshape(B * H, L, D)
            scale = 1.0 / math.sqrt(D)
            if T == 1:
                att = torch.bmm(qf, kf.transpose(1, 2)).mul_(scale)  # last query sees every key
            else:
                att = torch.baddbmm(self.mask[pos:pos + T, :L], qf, kf.transpose(1, 2), alpha=scale)
            y = torch.bmm(torch.softmax(att, dim=-1), vf).view(B, H, T, D)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, n_positions, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=eps)
        self.attn = CausalSelfAttention(n_embd, n_head, n_positions)
        self.ln_2 = nn.LayerNorm(n_embd, eps=eps)
        self.mlp = MLP(n_embd)

    def forward(self, x, cache=None, pos=0):
        x = x + self.attn(self.ln_1(x), cache, pos)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, n_layer, n_head, n_embd, n_positions, vocab_size, eps=1e-5):
        super().__init__()
        self.n_layer, self.n_head, self.n_embd = n_layer, n_head, n_embd
        self.n_positions = n_positions
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.h = nn.ModuleList(Block(n_embd, n_head, n_positions, eps) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd, eps=eps)
        self.apply(self._init)
        for name, p in self.named_parameters():  # GPT-2's scaled init of residual projections
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def hidden(self, idx, caches=None, pos=0):
        T = idx.shape[1]
        if pos + T > self.n_positions:
            raise ValueError(f"sequence of {pos + T} tokens exceeds n_positions={self.n_positions}")
        positions = torch.arange(pos, pos + T, device=idx.device)
        x = self.wte(idx) + self.wpe(positions)
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i], pos)
        return self.ln_f(x)

    def forward(self, idx, targets=None):
        """Logits for every position (B, T, V); with targets, also the mean cross-entropy."""
        logits = F.linear(self.hidden(idx), self.wte.weight)  # tied head, no bias
        if targets is None:
            return logits
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    def new_cache(self, batch, length, dtype=torch.float32):
        D = self.n_embd // self.n_head
        shape = (batch, self.n_head, length, D)
        return [(torch.empty(shape, dtype=dtype), torch.empty(shape, dtype=dtype)) for _ in self.h]

    @torch.inference_mode()
    def generate_greedy(self, prompt, new_tokens, use_cache=True):
        B, P = prompt.shape
        out = torch.empty(B, P + new_tokens, dtype=torch.long)
        out[:, :P] = prompt
        if use_cache:
            caches = self.new_cache(B, P + new_tokens)
            x = self.hidden(prompt, caches, 0)[:, -1]
            for t in range(new_tokens):
                nxt = F.linear(x, self.wte.weight).argmax(-1)
                out[:, P + t] = nxt
                if t + 1 < new_tokens:
                    x = self.hidden(nxt.view(B, 1), caches, P + t)[:, -1]
        else:
            for t in range(new_tokens):
                x = self.hidden(out[:, :P + t])[:, -1]  # whole prefix again; head on the last position only
                out[:, P + t] = F.linear(x, self.wte.weight).argmax(-1)
        return out


# ----------------------------------------------------------------------------- benchmarks

def make_optimizer(model, lr=3e-4, weight_decay=0.1):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    import inspect
    sig = inspect.signature(torch.optim.AdamW.__init__).parameters
    kwargs, kind = {}, "for-loop"
    # torch's fused AdamW is CUDA-only before 2.4; on the CPU try it and fall back to foreach.
    if "fused" in sig:
        try:
            opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95), fused=True)
            return opt, "fused"
        except (RuntimeError, ValueError):
            pass
    if "foreach" in sig:
        kwargs["foreach"] = True
        kind = "foreach"
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95), **kwargs), kind


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bench_train(args, model, gen):
    opt, opt_kind = make_optimizer(model)
    B, T, V = args.batch_size, args.block_size, args.vocab_size
    model.train()
    times, cpu, losses = [], [], []
    for i in range(args.warmup + args.steps):
        data = torch.randint(V, (B, T + 1), generator=gen)
        x, y = data[:, :-1], data[:, 1:].clone()
        t0, c0 = time.perf_counter(), time.process_time()
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        lv = loss.item()  # also synchronises (no-op on the CPU)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if i >= args.warmup:
            times.append(dt)
            cpu.append(dc)
            losses.append(lv)
    med = statistics.median(times)
    return {
        "mode": "train",
        "tokens_per_s": round(B * T / med, 1),
        # CPU time of all threads: moves less than wall time with other jobs' load on a shared machine
        "tokens_per_cpu_s": round(B * T / statistics.median(cpu), 1),
        "step_ms_median": round(med * 1000, 3),
        "step_ms_mean": round(statistics.fmean(times) * 1000, 3),
        "step_ms_min": round(min(times) * 1000, 3),
        "steps": args.steps,
        "warmup": args.warmup,
        "optimizer": f"AdamW ({opt_kind})",
        "last_loss": round(losses[-1], 4),
    }


def bench_generate(args, model, gen):
    model.eval()
    B, P, N = args.gen_batch, args.prompt_len, args.gen_tokens
    times, cpu = [], []
    for i in range(args.warmup + args.steps):
        prompt = torch.randint(args.vocab_size, (B, P), generator=gen)
        n = N if i >= args.warmup else min(N, 32)  # warm-up runs are short
        t0, c0 = time.perf_counter(), time.process_time()
        model.generate_greedy(prompt, n, use_cache=not args.no_cache)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if i >= args.warmup:
            times.append(dt)
            cpu.append(dc)
    med = statistics.median(times)
    return {
        "mode": "generate",
        "batch": B,
        "prompt_tokens": P,
        "new_tokens": N,
        "kv_cache": not args.no_cache,
        "tokens_per_s": round(B * N / med, 1),
        "tokens_per_cpu_s": round(B * N / statistics.median(cpu), 1),
        "ms_per_token_step": round(med * 1000 / N, 3),
        "run_ms_median": round(med * 1000, 3),
        "runs": args.steps,
        "warmup": args.warmup,
    }


def bench_peak(args):
    """GFLOP/s of a plain 1024^3 float32 matmul with these threads: the machine's peak as torch sees it."""
    n = 1024
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(max(args.steps, 5)):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    return {"mode": "peak", "gflops": round(2 * n ** 3 / min(times) / 1e9, 1), "n": n}  # fastest run: a peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--block-size", type=int, default=128,
                    help="training sequence length and the model's position table size")
    ap.add_argument("--vocab-size", type=int, default=512)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--blas-threads", type=int, default=None, help="OpenBLAS threads (default: --threads)")
    ap.add_argument("--steps", type=int, default=20, help="timed steps (train) or timed runs (generate)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--mode", choices=["train", "generate", "peak"], default="train")
    ap.add_argument("--gen-batch", type=int, default=1)
    ap.add_argument("--gen-tokens", type=int, default=256)
    ap.add_argument("--prompt-len", type=int, default=8)
    ap.add_argument("--no-cache", action="store_true", help="generate without a KV cache")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    thread_info = set_threads(args.threads, args.blas_threads if args.blas_threads is not None else args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed + 1)

    n_positions = args.block_size
    if args.mode == "generate":
        # prompt + new tokens may exceed the training block (8 + 256 > 128): the position table is
        # made long enough so every token attends to the whole sequence (no sliding window).
        n_positions = max(n_positions, args.prompt_len + args.gen_tokens)
    model = GPT(args.n_layer, args.n_head, args.n_embd, n_positions, args.vocab_size)
    n_params = sum(p.numel() for p in model.parameters())

    if args.mode == "peak":
        result = bench_peak(args)
    elif args.mode == "train":
        result = bench_train(args, model, gen)
    else:
        result = bench_generate(args, model, gen)
    result.update({
        "threads": thread_info["threads"],
        "blas_threads": thread_info.get("blas_threads"),
        "blas": thread_info["blas"],
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "torch": torch.__version__,
        "sdpa": HAS_SDPA,
        "config": {"n_layer": args.n_layer, "n_head": args.n_head, "n_embd": args.n_embd,
                   "block_size": args.block_size, "n_positions": n_positions,
                   "vocab_size": args.vocab_size, "batch_size": args.batch_size},
        "params": n_params,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    })
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
