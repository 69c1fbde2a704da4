/**
 * LoRA: a trainable low-rank update y += (dropout(x) A) B · alpha / r beside frozen linear layers
 * (Hu et al., 2021). A starts small and random, B at zero, so training starts from the base model.
 * Adapters save on their own in PEFT's layout (adapter_config.json + adapter_model.safetensors), merge
 * into the weights for inference, and unmerge again.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { mkdirSync, existsSync } from "node:fs";
import { UserError } from "../errors";
import { readJsonFile } from "../config";
import { writeJsonAtomic } from "../fsutil";
import { normalSamples } from "./init";
import { readSafetensors, writeSafetensors, type TensorData } from "./safetensors";
import type { GPT, LinearAdapter } from "./gpt";

export interface LoraConfig {
  /** Rank r of the update. */
  rank: number;
  /** Scale numerator: the update is multiplied by alpha / rank. */
  alpha: number;
  /** Dropout on the adapter's input while training. */
  dropout: number;
  /** Regular expressions over linear-layer names (e.g. "attn.c_attn", "h\\.[0-3]\\.mlp"); a layer matching any is adapted. */
  targets: string[];
  /** Seed of A's initialization. */
  seed: number;
}

export const DEFAULT_LORA: LoraConfig = { rank: 8, alpha: 16, dropout: 0.05, targets: ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"], seed: 0 };

export function validateLora(c: LoraConfig): string[] {
  const e: string[] = [];
  if (!Number.isInteger(c.rank) || c.rank <= 0) e.push(`lora.rank must be a positive integer, got ${JSON.stringify(c.rank)}`);
  if (!(c.alpha > 0)) e.push(`lora.alpha must be > 0, got ${JSON.stringify(c.alpha)}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) e.push(`lora.dropout must be in [0, 1), got ${JSON.stringify(c.dropout)}`);
  if (!Array.isArray(c.targets) || c.targets.length === 0) e.push("lora.targets must list at least one layer pattern");
  for (const t of c.targets ?? []) {
    try {
      new RegExp(t);
    } catch {
      e.push(`lora.targets: '${t}' is not a valid regular expression`);
    }
  }
  return e;
}

/** Linear-layer prefixes of a GPT ("transformer.h.0.attn.c_attn", ...), in order. */
export function linearLayers(model: GPT): string[] {
  return [...model.params.keys()].filter((n) => /\.(c_attn|c_proj|c_fc)\.weight$/.test(n)).map((n) => n.slice(0, -".weight".length));
}

class LoraAdapter implements LinearAdapter {
  merged = false;
  constructor(readonly A: tf.Variable, readonly B: tf.Variable, readonly scale: number, readonly dropout: number, private readonly seed: () => number) {}
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    if (this.merged) return tf.zeros([x.shape[0], this.B.shape[1]!]) as tf.Tensor2D;
    const xin = training && this.dropout > 0 ? tf.dropout(x, this.dropout, undefined, this.seed()) : x;
    return tf.mul(tf.matMul(tf.matMul(xin, this.A as tf.Tensor2D), this.B as tf.Tensor2D), this.scale) as tf.Tensor2D; // (N, out)
  }
}

/**
 * Adds adapters to the layers named by `cfg.targets` and freezes every base parameter. Returns the
 * trainable adapter variables by PEFT-style name (`<layer>.lora_A.weight`, `<layer>.lora_B.weight`).
 */
export function applyLora(model: GPT, cfg: LoraConfig): Map<string, tf.Variable> {
  const errors = validateLora(cfg);
  if (errors.length) throw new UserError(errors[0], 1);
  const patterns = cfg.targets.map((t) => new RegExp(t));
  const layers = linearLayers(model).filter((l) => patterns.some((p) => p.test(l)));
  if (layers.length === 0) throw new UserError(`lora.targets (${cfg.targets.join(", ")}) match no linear layer; layers look like ${linearLayers(model)[0]}`, 1);
  for (const v of model.params.values()) v.trainable = false;
  const out = new Map<string, tf.Variable>();
  let calls = 0;
  layers.forEach((layer, i) => {
    const [inDim, outDim] = model.p(`${layer}.weight`).shape;
    // A ~ N(0, 1/in): the update starts at zero through B and grows in a well-scaled direction.
    const a = tf.tensor(normalSamples(inDim * cfg.rank, 1 / Math.sqrt(inDim), cfg.seed * 7919 + i), [inDim, cfg.rank]);
    const b = tf.zeros([cfg.rank, outDim]);
    const A = tf.variable(a, true, `gpt${model.id}/lora/${layer}.lora_A.weight`);
    const B = tf.variable(b, true, `gpt${model.id}/lora/${layer}.lora_B.weight`);
    a.dispose();
    b.dispose();
    model.adapters.set(layer, new LoraAdapter(A, B, cfg.alpha / cfg.rank, cfg.dropout, () => cfg.seed * 31 + i * 1009 + calls++));
    out.set(`${layer}.lora_A.weight`, A);
    out.set(`${layer}.lora_B.weight`, B);
  });
  return out;
}

function adaptersOf(model: GPT): [string, LoraAdapter][] {
  return [...model.adapters.entries()].filter((e): e is [string, LoraAdapter] => e[1] instanceof LoraAdapter);
}

/** Folds every adapter into its layer's weight (W += A B scale); the adapters then contribute nothing. */
export function mergeLora(model: GPT): void {
  for (const [layer, ad] of adaptersOf(model)) {
    if (ad.merged) continue;
    const w = model.p(`${layer}.weight`);
    const next = tf.tidy(() => tf.add(w, tf.mul(tf.matMul(ad.A as tf.Tensor2D, ad.B as tf.Tensor2D), ad.scale)));
    w.assign(next);
    next.dispose();
    ad.merged = true;
  }
}

/** Undoes mergeLora (W -= A B scale), so the adapters can train or be removed again. */
export function unmergeLora(model: GPT): void {
  for (const [layer, ad] of adaptersOf(model)) {
    if (!ad.merged) continue;
    const w = model.p(`${layer}.weight`);
    const next = tf.tidy(() => tf.sub(w, tf.mul(tf.matMul(ad.A as tf.Tensor2D, ad.B as tf.Tensor2D), ad.scale)));
    w.assign(next);
    next.dispose();
    ad.merged = false;
  }
}

/** Removes the adapters (merge first to keep their effect) and makes the base trainable again. */
export function removeLora(model: GPT): void {
  for (const [layer, ad] of adaptersOf(model)) {
    ad.A.dispose();
    ad.B.dispose();
    model.adapters.delete(layer);
  }
  for (const v of model.params.values()) v.trainable = true;
}

const PEFT_PREFIX = "base_model.model.";

/** Writes adapter_config.json and adapter_model.safetensors in PEFT's naming and layout. */
export async function saveLoraAdapters(dir: string, model: GPT, cfg: LoraConfig, baseModel: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, TensorData>();
  for (const [layer, ad] of adaptersOf(model)) {
    // PEFT keeps A and B as nn.Linear weights: A (r, in), B (out, r); ours are (in, r) and (r, out).
    const At = tf.transpose(ad.A), Bt = tf.transpose(ad.B);
    tensors.set(`${PEFT_PREFIX}${layer}.lora_A.weight`, { shape: At.shape, data: (await At.data()) as Float32Array });
    tensors.set(`${PEFT_PREFIX}${layer}.lora_B.weight`, { shape: Bt.shape, data: (await Bt.data()) as Float32Array });
    tf.dispose([At, Bt]);
  }
  writeSafetensors(join(dir, "adapter_model.safetensors"), tensors, { format: "pt" });
  writeJsonAtomic(join(dir, "adapter_config.json"), {
    peft_type: "LORA", task_type: "CAUSAL_LM", base_model_name_or_path: baseModel, r: cfg.rank, lora_alpha: cfg.alpha,
    lora_dropout: cfg.dropout, target_modules: [...new Set(adaptersOf(model).map(([l]) => l.split(".").pop()!))],
    fan_in_fan_out: true, bias: "none", inference_mode: true, nanoinstruct: { targets: cfg.targets, seed: cfg.seed },
  });
}

/** Loads adapters saved by saveLoraAdapters (or PEFT) onto a model; returns the adapter variables. */
export function loadLoraAdapters(dir: string, model: GPT): Map<string, tf.Variable> {
  const cfgPath = join(dir, "adapter_config.json");
  if (!existsSync(cfgPath)) throw new UserError(`${cfgPath}: missing (not a LoRA adapter directory)`, 2);
  const raw = readJsonFile(cfgPath, 1024 * 1024, "adapter config") as Record<string, number>;
  const file = join(dir, "adapter_model.safetensors");
  const { tensors } = readSafetensors(file);
  const layers = [...new Set([...tensors.keys()].map((k) => k.replace(PEFT_PREFIX, "").replace(/\.lora_[AB]\.weight$/, "")))];
  const cfg: LoraConfig = { ...DEFAULT_LORA, rank: raw.r, alpha: raw.lora_alpha, dropout: raw.lora_dropout ?? 0, targets: layers.map((l) => l.replace(/\./g, "\\.")) };
  const vars = applyLora(model, cfg);
  for (const layer of layers) {
    for (const ab of ["A", "B"] as const) {
      const t = tensors.get(`${PEFT_PREFIX}${layer}.lora_${ab}.weight`);
      const v = vars.get(`${layer}.lora_${ab}.weight`);
      if (!t || !v) throw new UserError(`${file}: no lora_${ab} for ${layer}`, 2);
      const saved = tf.tensor(t.data as Float32Array, t.shape);
      const ours = tf.transpose(saved);
      if (ours.shape.join() !== v.shape.join()) throw new UserError(`${file}: ${layer}.lora_${ab} has shape [${t.shape}], expected [${[...v.shape].reverse()}]`, 2);
      v.assign(ours);
      tf.dispose([saved, ours]);
    }
  }
  return vars;
}

/** Freezes every parameter except the last `n` transformer blocks and the final LayerNorm. */
export function freezeAllButLastBlocks(model: GPT, n: number): void {
  const first = model.config.nLayer - n;
  for (const [name, v] of model.params) {
    const m = /^transformer\.h\.(\d+)\./.exec(name);
    v.trainable = m ? Number(m[1]) >= first : name.startsWith("transformer.ln_f.");
  }
}

/** Trainable and total parameter counts (adapters included). */
export function parameterCounts(model: GPT, extra: Map<string, tf.Variable> = new Map()): { trainable: number; total: number } {
  let trainable = 0, total = 0;
  for (const v of model.params.values()) {
    total += v.size;
    if (v.trainable) trainable += v.size;
  }
  for (const v of extra.values()) {
    total += v.size;
    trainable += v.size;
  }
  return { trainable, total };
}
