#!/usr/bin/python3
"""Build tests/fixtures/tiny-gpt2: a tiny random GPT-2 in Hugging Face format plus reference outputs.

Everything here is written from the published formats, with no Hugging Face code:
  config.json        GPT-2 config (model_type gpt2, GPT2LMHeadModel, gelu_new, tied embeddings)
  model.safetensors  float32 weights under HF GPT-2 key names, Conv1D layout [in, out], no lm_head
                     (tied); written by the small safetensors writer below
  vocab.json         byte-level BPE vocabulary: 256 byte tokens (GPT-2's bytes_to_unicode order),
  merges.txt         then the merges learned by the tiny BPE trainer below from CORPUS, then
                     <|endoftext|> as the last id
  tokenizer.json     the same tokenizer as one file (for tokenizers / tokenizers.js)
  tokenizer_config.json  minimal (GPT2Tokenizer, special tokens, no clean-up of spaces)
  reference.json     test strings -> token ids (this file's GPT-2 BPE encoder) and the
                     log-probabilities of every next token from a float64 PyTorch forward pass

Pre-tokenization implements GPT-2's pattern
    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
as a hand-written scanner (Python's `re` has no \\p{L}): \\p{L} = Unicode categories L*, \\p{N} = N*
(from unicodedata, Unicode %s in this Python), \\s = the Unicode White_Space set. Regex engines differ
on a few \\s code points (U+001C..U+001F, U+0085, U+FEFF) and on Unicode versions, so the test
strings avoid those and use only long-assigned characters.

Deterministic: the same torch/Python give byte-identical files. Run from the repo root:
    /usr/bin/python3 scripts/make_parity_fixture.py [--out tests/fixtures/tiny-gpt2] [--check]
--check rebuilds in memory and fails if the committed files differ.
""" % __import__("unicodedata").unidata_version
import argparse
import collections
import json
import math
import os
import struct
import sys
import unicodedata

import torch

# ----------------------------------------------------------------------------- settings

N_LAYER, N_HEAD, N_EMBD, N_POSITIONS = 2, 2, 32, 64
NUM_MERGES = 100
SEED = 20240601
EOT = "<|endoftext|>"

# A small English text written for this fixture (BPE training data only).
CORPUS = """\
The little robot woke up early in the morning. It looked out of the window and saw the sun
rising over the hills. "Today is a good day to learn something new," it said to itself.
The robot walked to the kitchen, where the old cat was sleeping next to the warm stove.
It made a cup of tea for the farmer and a bowl of milk for the cat. Then it went outside.

In the garden there were apples, pears and three kinds of beans. The robot counted them:
twelve apples, nine pears, and more beans than it could count before lunch. It wrote the
numbers in a notebook, because the farmer liked to know what was growing and what was not.
When the farmer came out, she thanked the robot and asked it to help with the fence.

They worked together all afternoon. The fence was long and the wood was heavy, but the robot
was strong and the farmer was patient. "You are learning quickly," she told it. "Tomorrow we
will plant the seeds for the winter." The robot was happy. It did not sleep, but at night it
stood by the window and thought about the seeds, the apples, the cat and the long fence.

Questions are the start of learning. What is the name of the river? Where does the road go?
Why is the sky blue in the day and dark at night? The robot wrote every question down, and
every morning it tried to answer one of them. Some answers were easy and some were hard, and
some questions had no answer at all, which the robot found the most interesting of them all.
"""

# name, text, tags. Every case must encode to at most N_POSITIONS tokens.
CASES = [
    ("english", "The robot walked to the garden and counted the apples.", ["english"]),
    ("contractions", "It's late, isn't it? We'll see; they'd've said I'm RIGHT'S.", ["contractions", "punctuation"]),
    ("punctuation", "Wait... what?! (yes) [no] {maybe} -- \"quoted\" & 'single' #tag @user", ["punctuation"]),
    ("digits", "In 2024 we sold 1,234,567 apples at $3.50 each: 99.9% sold!", ["digits"]),
    ("spaces", "  two leading spaces,   three inside and trailing   ", ["spaces"]),
    ("newlines", "line one\nline two\n\n\tindented line\r\nend\n", ["newlines", "tabs"]),
    ("unicode", "Café naïve Straße – ½ ² Ⅻ 東京 😀👍🏽!", ["unicode", "emoji"]),
    ("single", "a", ["short"]),
]
LOGITS_CASE = "english"          # full last-position logits are stored for this case
GREEDY_CASE = "english"          # a greedy continuation from this case's first tokens
GREEDY_PROMPT_TOKENS = 6
GREEDY_NEW_TOKENS = 16


# ----------------------------------------------------------------------------- byte <-> unicode

def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table, as (byte order list, dict).

    Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68
    bytes get characters 256, 257, ... in increasing byte order."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    order = keep[:]
    chars = keep[:]
    extra = 0
    for b in range(256):
        if b not in keep:
            order.append(b)
            chars.append(256 + extra)
            extra += 1
    return order, {b: chr(c) for b, c in zip(order, chars)}


BYTE_ORDER, BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


# ----------------------------------------------------------------------------- pre-tokenization

WHITE_SPACE = set("\t\n\x0b\x0c\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")  # after an apostrophe, in the pattern's order


def is_space(ch):
    return ch in WHITE_SPACE


def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def is_number(ch):
    return unicodedata.category(ch).startswith("N")


def is_other(ch):
    return not (is_space(ch) or is_letter(ch) or is_number(ch))


def pretokenize(text):
    """Split text exactly like GPT-2's regex (leftmost alternative that matches, greedy runs)."""
    out, i, n = [], 0, len(text)

    def run(j, pred):
        while j < n and pred(text[j]):
            j += 1
        return j

    while i < n:
        ch = text[i]
        # 's|'t|'re|'ve|'m|'ll|'d
        if ch == "'":
            hit = next((s for s in CONTRACTIONS if text.startswith(s, i + 1)), None)
            if hit is not None:
                out.append(text[i:i + 1 + len(hit)])
                i += 1 + len(hit)
                continue
        # ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional literal space, then a run
        start = i + 1 if ch == " " and i + 1 < n else i
        matched = False
        for pred in (is_letter, is_number, is_other):
            if pred(text[start]):
                j = run(start, pred)
                out.append(text[i:j])
                i, matched = j, True
                break
        # (retrying those three without the space cannot match: the space itself is \s)
        if matched:
            continue
        # here text[i] is whitespace. `\s+(?!\S)`: the longest whitespace run not followed by non-space
        j = run(i, is_space)
        if j < n and j - i >= 2:
            j -= 1  # give the last space back to the next token
        # (j - i == 1 followed by non-space: `\s+(?!\S)` fails and `\s+` takes the single char)
        out.append(text[i:j])
        i = j
    return out


# ----------------------------------------------------------------------------- BPE train / encode

def to_symbols(piece):
    return tuple(BYTE_TO_CHAR[b] for b in piece.encode("utf-8"))


def train_bpe(text, num_merges):
    """Learn merges on pre-tokenized words; ties between equally frequent pairs go to the smaller pair."""
    words = collections.Counter(to_symbols(p) for p in pretokenize(text))
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        new_words = collections.Counter()
        for w, c in words.items():
            new_words[merge_word(w, best)] += c
        words = new_words
    return merges


def merge_word(word, pair):
    a, b = pair
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def build_vocab(merges):
    vocab = {}
    for b in BYTE_ORDER:
        vocab[BYTE_TO_CHAR[b]] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    vocab[EOT] = len(vocab)
    return vocab


class Encoder:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.inv = {i: s for s, i in vocab.items()}
        self.ranks = {p: r for r, p in enumerate(merges)}

    def bpe(self, piece):
        word = to_symbols(piece)
        while len(word) > 1:
            best = min(zip(word, word[1:]), key=lambda p: self.ranks.get(p, math.inf))
            if best not in self.ranks:
                break
            word = merge_word(word, best)
        return word

    def encode(self, text):
        """GPT-2 encoding; <|endoftext|> in the text is the special token (split out first)."""
        ids = []
        for k, part in enumerate(text.split(EOT)):
            if k:
                ids.append(self.vocab[EOT])
            for piece in pretokenize(part):
                ids.extend(self.vocab[s] for s in self.bpe(piece))
        return ids

    def decode(self, ids):
        out, buf = [], bytearray()
        for i in ids:
            s = self.inv[i]
            if s == EOT:
                out.append(buf.decode("utf-8", errors="replace"))
                out.append(EOT)
                buf = bytearray()
            else:
                buf.extend(CHAR_TO_BYTE[c] for c in s)
        out.append(buf.decode("utf-8", errors="replace"))
        return "".join(out)


def tokenizer_json(vocab, merges):
    """The same tokenizer in the single-file `tokenizer.json` layout (ByteLevel pre-tokenizer with
    GPT-2's regex, BPE model, ByteLevel decoder, <|endoftext|> as an added special token)."""
    byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[EOT], "content": EOT, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", **byte_level},
        "post_processor": {"type": "ByteLevel", **byte_level, "trim_offsets": False},
        "decoder": {"type": "ByteLevel", **byte_level},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def dump_reference(ref):
    """Readable but compact JSON: one top-level key per line, one case per line."""
    lines = []
    for k, v in ref.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            body = ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in v)
            lines.append(f" {json.dumps(k)}: [\n{body}\n ]")
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    assert json.loads(text) == ref
    return text


# ----------------------------------------------------------------------------- safetensors

def write_safetensors(path, tensors, metadata=None):
    """tensors: name -> float32 torch tensor. Header keys sorted; data in the same order; header
    padded with spaces to a multiple of 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    import numpy as np
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + hlen])
    base = 8 + hlen
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        a, b = info["data_offsets"]
        arr = np.frombuffer(raw[base + a:base + b], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


# ----------------------------------------------------------------------------- weights

def make_weights(vocab_size):
    g = torch.Generator().manual_seed(SEED)

    def normal(*shape, std):
        return torch.randn(*shape, generator=g, dtype=torch.float32) * std

    C = N_EMBD
    W = {
        "transformer.wte.weight": normal(vocab_size, C, std=0.2),
        "transformer.wpe.weight": normal(N_POSITIONS, C, std=0.1),
    }
    for i in range(N_LAYER):
        p = f"transformer.h.{i}."
        W[p + "ln_1.weight"] = 1 + normal(C, std=0.1)
        W[p + "ln_1.bias"] = normal(C, std=0.1)
        W[p + "attn.c_attn.weight"] = normal(C, 3 * C, std=0.2)    # Conv1D: [in, out]
        W[p + "attn.c_attn.bias"] = normal(3 * C, std=0.1)
        W[p + "attn.c_proj.weight"] = normal(C, C, std=0.2)
        W[p + "attn.c_proj.bias"] = normal(C, std=0.1)
        W[p + "ln_2.weight"] = 1 + normal(C, std=0.1)
        W[p + "ln_2.bias"] = normal(C, std=0.1)
        W[p + "mlp.c_fc.weight"] = normal(C, 4 * C, std=0.2)
        W[p + "mlp.c_fc.bias"] = normal(4 * C, std=0.1)
        W[p + "mlp.c_proj.weight"] = normal(4 * C, C, std=0.2)
        W[p + "mlp.c_proj.bias"] = normal(C, std=0.1)
    W["transformer.ln_f.weight"] = 1 + normal(C, std=0.1)
    W["transformer.ln_f.bias"] = normal(C, std=0.1)
    return W


# ----------------------------------------------------------------------------- forward (float64)

def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def forward_logits(W, ids, dtype=torch.float64):
    """Logits [T, V] of one sequence, straight from the HF-layout weights (Conv1D: x @ W + b)."""
    w = {k: v.to(dtype) for k, v in W.items()}
    T, C, H = len(ids), N_EMBD, N_HEAD
    D = C // H
    idx = torch.tensor(ids, dtype=torch.long)
    x = w["transformer.wte.weight"][idx] + w["transformer.wpe.weight"][:T]
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    for i in range(N_LAYER):
        p = f"transformer.h.{i}."
        h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"])
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = (t.view(T, H, D).transpose(0, 1) for t in qkv.split(C, dim=-1))  # [H, T, D]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        o = (att @ v).transpose(0, 1).reshape(T, C)
        x = x + o @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"])
        m = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = layer_norm(x, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"])
    return x @ w["transformer.wte.weight"].T


def next_token_logprobs(W, ids):
    lp = torch.log_softmax(forward_logits(W, ids), dim=-1)
    return [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]


def greedy(W, ids, new_tokens):
    ids = list(ids)
    steps = []
    for _ in range(new_tokens):
        lp = torch.log_softmax(forward_logits(W, ids)[-1], dim=-1)
        top = torch.topk(lp, 2)
        nxt = int(top.indices[0])
        steps.append({"id": nxt, "logprob": lp[nxt].item(), "margin": (top.values[0] - top.values[1]).item()})
        ids.append(nxt)
    return ids, steps


def cross_check_with_bench_model(W, ids, vocab_size):
    """The benchmark's nn.Module GPT (float32, nn.Linear [out, in]) must give the same logits."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    import torch_reference as R
    m = R.GPT(N_LAYER, N_HEAD, N_EMBD, N_POSITIONS, vocab_size)
    sd = {}
    for k, v in W.items():
        k2 = k[len("transformer."):]
        if k2.endswith(".weight") and any(s in k2 for s in ("c_attn", "c_proj", "c_fc")):
            v = v.T.contiguous()  # Conv1D [in, out] -> Linear [out, in]
        sd[k2] = v
    m.load_state_dict(sd, strict=True)
    m.eval()
    with torch.no_grad():
        a = m(torch.tensor([ids]))[0].double()
    b = forward_logits(W, ids)
    return (a - b).abs().max().item()


# ----------------------------------------------------------------------------- build

def build():
    merges = train_bpe(CORPUS, NUM_MERGES)
    vocab = build_vocab(merges)
    enc = Encoder(vocab, merges)
    V = len(vocab)
    eot = vocab[EOT]
    W = make_weights(V)

    files = {}
    config = {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": eot,
        "embd_pdrop": 0.0,
        "eos_token_id": eot,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": N_POSITIONS,
        "n_embd": N_EMBD,
        "n_head": N_HEAD,
        "n_inner": None,
        "n_layer": N_LAYER,
        "n_positions": N_POSITIONS,
        "resid_pdrop": 0.0,
        "scale_attn_weights": True,
        "summary_first_dropout": 0.0,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "use_cache": True,
        "vocab_size": V,
    }
    files["config.json"] = json.dumps(config, indent=2, sort_keys=True) + "\n"
    files["vocab.json"] = json.dumps(vocab, ensure_ascii=False, separators=(",", ":")) + "\n"
    files["merges.txt"] = "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)
    files["tokenizer_config.json"] = json.dumps({
        "add_bos_token": False,
        "add_prefix_space": False,
        "bos_token": EOT,
        "clean_up_tokenization_spaces": False,
        "eos_token": EOT,
        "unk_token": EOT,
        "model_max_length": N_POSITIONS,
        "tokenizer_class": "GPT2Tokenizer",
    }, indent=2, sort_keys=True) + "\n"
    files["tokenizer.json"] = tokenizer_json(vocab, merges)

    cases = []
    for name, text, tags in CASES:
        ids = enc.encode(text)
        assert enc.decode(ids) == text, name
        assert 0 < len(ids) <= N_POSITIONS, (name, len(ids))
        lps = next_token_logprobs(W, ids)
        cases.append({
            "name": name,
            "tags": tags,
            "text": text,
            "pieces": pretokenize(text),
            "ids": ids,
            "logprobs": lps,
            "sum_logprob": math.fsum(lps),
        })
    # special token: split out before pre-tokenization, as HF tokenizers do for added special tokens
    sp_text = "Hello world" + EOT + "Next doc"
    sp_ids = enc.encode(sp_text)
    assert enc.decode(sp_ids) == sp_text

    by_name = {c["name"]: c for c in cases}
    lc = by_name[LOGITS_CASE]
    last_logits = forward_logits(W, lc["ids"])[-1]
    gc = by_name[GREEDY_CASE]
    g_prompt = gc["ids"][:GREEDY_PROMPT_TOKENS]
    g_ids, g_steps = greedy(W, g_prompt, GREEDY_NEW_TOKENS)
    f32_diff = max(cross_check_with_bench_model(W, c["ids"], V) for c in cases)
    assert f32_diff < 1e-3, f32_diff
    f32_lp_diff = 0.0
    for c in cases:
        lp32 = torch.log_softmax(forward_logits(W, c["ids"], torch.float32).double(), -1)
        f32_lp_diff = max(f32_lp_diff, max((abs(lp32[i, c["ids"][i + 1]].item() - c["logprobs"][i])
                                            for i in range(len(c["ids"]) - 1)), default=0.0))

    reference = {
        "about": ("Reference outputs for tests/fixtures/tiny-gpt2, made by scripts/make_parity_fixture.py "
                  "(independent Python GPT-2 BPE encoder and a float64 PyTorch forward pass over the float32 "
                  "weights in model.safetensors)."),
        "torch": torch.__version__,
        "unicode_version": unicodedata.unidata_version,
        "forward_dtype": "float64",
        "float32_max_abs_logprob_diff": f32_lp_diff,
        "vocab_size": V,
        "eos_token_id": eot,
        "logprobs_definition": "logprobs[i] = log p(ids[i+1] | ids[0..i]); length len(ids)-1",
        "cases": cases,
        "special_token_case": {
            "text": sp_text,
            "ids": sp_ids,
            "note": "<|endoftext|> in the text is matched literally as the special token before pre-tokenization",
        },
        "last_logits": {
            "case": LOGITS_CASE,
            "position": len(lc["ids"]) - 1,
            "logits": [float(v) for v in last_logits],
        },
        "greedy": {
            "case": GREEDY_CASE,
            "prompt_ids": g_prompt,
            "new_tokens": GREEDY_NEW_TOKENS,
            "ids": g_ids,
            "steps": g_steps,
            "note": "argmax continuation without sampling; margin = top1 - top2 log-probability",
        },
    }
    files["reference.json"] = dump_reference(reference)
    return files, W, {"merges": len(merges), "vocab": V, "f32_logit_diff_vs_bench_model": f32_diff,
                      "f32_logprob_diff": f32_lp_diff}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "tiny-gpt2"))
    ap.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = ap.parse_args()
    torch.set_num_threads(1)
    files, W, info = build()
    out = os.path.normpath(args.out)
    if args.check:
        import tempfile
        bad = []
        with tempfile.TemporaryDirectory() as tmp:
            write_safetensors(os.path.join(tmp, "m"), W, {"format": "pt"})
            with open(os.path.join(tmp, "m"), "rb") as f:
                files_b = {"model.safetensors": f.read()}
        for name, text in files.items():
            files_b[name] = text.encode("utf-8")
        for name, data in files_b.items():
            p = os.path.join(out, name)
            if not os.path.exists(p) or open(p, "rb").read() != data:
                bad.append(name)
        print(json.dumps({"check": "ok" if not bad else "differs", "files": bad, **info}))
        return 1 if bad else 0
    os.makedirs(out, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    st = os.path.join(out, "model.safetensors")
    write_safetensors(st, W, {"format": "pt"})
    back = read_safetensors(st)
    assert set(back) == set(W) and all(torch.equal(back[k], W[k]) for k in W)
    sizes = {n: os.path.getsize(os.path.join(out, n)) for n in sorted(os.listdir(out))}
    print(json.dumps({"out": out, **info, "bytes": sizes, "total_bytes": sum(sizes.values())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
