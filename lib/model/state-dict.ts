/**
 * Parameter names and shapes of a GPT-2 checkpoint. Canonical names are the ones HF's
 * `GPT2LMHeadModel.save_pretrained` writes ("transformer.h.0.attn.c_attn.weight", ...), with linear weights
 * in Conv1D layout [in, out] and the output layer tied to wte (so no lm_head.weight is saved).
 * `normalizeGpt2StateDict` turns whatever a real checkpoint holds into exactly that set.
 */
import { UserError } from "../errors";
import type { GPTConfig } from "./config";
import type { LoadedTensor, TensorData } from "./safetensors";

const PREFIX = "transformer.";

/** Canonical name -> shape, in a stable order (embeddings, blocks 0..n-1, final LayerNorm). */
export function expectedShapes(cfg: GPTConfig): Map<string, number[]> {
  const { vocabSize: V, blockSize: T, nEmbd: C, nLayer } = cfg;
  const bias = cfg.bias !== false;
  const out = new Map<string, number[]>();
  const add = (name: string, shape: number[], isBias = false) => {
    if (!isBias || bias) out.set(PREFIX + name, shape);
  };
  add("wte.weight", [V, C]);
  add("wpe.weight", [T, C]);
  for (let i = 0; i < nLayer; i++) {
    const h = `h.${i}.`;
    add(h + "ln_1.weight", [C]);
    add(h + "ln_1.bias", [C], true);
    add(h + "attn.c_attn.weight", [C, 3 * C]);
    add(h + "attn.c_attn.bias", [3 * C], true);
    add(h + "attn.c_proj.weight", [C, C]);
    add(h + "attn.c_proj.bias", [C], true);
    add(h + "ln_2.weight", [C]);
    add(h + "ln_2.bias", [C], true);
    add(h + "mlp.c_fc.weight", [C, 4 * C]);
    add(h + "mlp.c_fc.bias", [4 * C], true);
    add(h + "mlp.c_proj.weight", [4 * C, C]);
    add(h + "mlp.c_proj.bias", [C], true);
  }
  add("ln_f.weight", [C]);
  add("ln_f.bias", [C], true);
  return out;
}

/** Total number of parameters for a config (tied output layer counted once). */
export function countParameters(cfg: GPTConfig): number {
  let n = 0;
  for (const shape of expectedShapes(cfg).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Non-parameter buffers some GPT-2 checkpoints carry (the causal mask); safe to drop. */
const BUFFER_RE = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/** True for names `normalizeGpt2StateDict` drops anyway: pass as `readSafetensors`' filter to skip reading them. */
export function isGpt2Buffer(name: string): boolean {
  return BUFFER_RE.test(name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name);
}

function fmt(shape: number[]): string {
  return `[${shape.join(",")}]`;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function andMore(list: string[]): string {
  return list.length > 1 ? ` (and ${list.length - 1} more)` : "";
}

/**
 * Maps a checkpoint's tensors to canonical names and checks them against `cfg`. Accepts names with or
 * without "transformer.", drops the attention-mask buffers, accepts an `lm_head.weight` only if it equals
 * wte. Any missing, unexpected, non-float or mis-shaped tensor is a one-line UserError (exit 1) naming
 * `file` and the tensor. Returns canonical name -> tensor in `expectedShapes` order.
 */
export function normalizeGpt2StateDict(
  tensors: Map<string, LoadedTensor | TensorData> | Record<string, LoadedTensor | TensorData>,
  cfg: GPTConfig,
  file: string,
): Map<string, TensorData> {
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`, 1);
  };
  const expected = expectedShapes(cfg);
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const found = new Map<string, { original: string; t: LoadedTensor | TensorData }>();
  let lmHead: { original: string; t: LoadedTensor | TensorData } | undefined;
  const unexpected: string[] = [];
  for (const [original, t] of entries) {
    const short = original.startsWith(PREFIX) ? original.slice(PREFIX.length) : original;
    if (BUFFER_RE.test(short)) continue;
    if (short === "lm_head.weight") {
      lmHead = { original, t };
      continue;
    }
    const canonical = PREFIX + short;
    if (!expected.has(canonical)) {
      unexpected.push(original);
      continue;
    }
    const prev = found.get(canonical);
    if (prev) fail(`tensor ${canonical} appears twice (as '${prev.original}' and '${original}')`);
    found.set(canonical, { original, t });
  }

  const missing = [...expected.keys()].filter((k) => !found.has(k));
  if (missing.length > 0) {
    const hint = missing.length === expected.size ? " (is this a GPT-2 checkpoint?)" : "";
    fail(`missing tensor ${missing[0]}${andMore(missing)}${hint}`);
  }
  if (unexpected.length > 0) {
    fail(`unexpected tensor '${unexpected[0]}'${andMore(unexpected)} (not part of a GPT-2 model with this config.json)`);
  }

  const out = new Map<string, TensorData>();
  for (const [name, shape] of expected) {
    const { original, t } = found.get(name)!;
    if (!(t.data instanceof Float32Array)) {
      fail(`tensor '${original}' is ${(t as LoadedTensor).dtype ?? "integer"}, expected a float tensor`);
    }
    if (!sameShape(t.shape, shape)) {
      const transposed = t.shape.length === 2 && t.shape[0] === shape[1] && t.shape[1] === shape[0];
      const hint = transposed ? "; it looks transposed (nn.Linear [out,in] layout instead of Conv1D [in,out])" : "";
      fail(`tensor '${original}' has shape ${fmt(t.shape)} but config.json implies ${fmt(shape)}${hint}`);
    }
    out.set(name, { shape, data: t.data as Float32Array });
  }

  if (lmHead) {
    const wte = out.get(PREFIX + "wte.weight")!;
    const { original, t } = lmHead;
    if (!sameShape(t.shape, wte.shape)) {
      fail(`tensor '${original}' has shape ${fmt(t.shape)} but must equal transformer.wte.weight ${fmt(wte.shape)} (tied)`);
    }
    if (t.data !== wte.data) {
      const a = t.data;
      const b = wte.data;
      for (let i = 0; i < b.length; i++) {
        if (a[i] !== b[i]) fail(`tensor '${original}' differs from transformer.wte.weight; untied output layers are not supported`);
      }
    }
  }
  return out;
}
