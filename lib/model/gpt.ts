/**
 * GPT-2, as one readable file: learned positions, pre-LayerNorm blocks, GELU (tanh approximation),
 * causal self-attention, and an output head tied to the token embedding.
 *
 * Parameters are TF.js variables named as Hugging Face's GPT-2 saves them
 * (`transformer.h.0.attn.c_attn.weight`, Conv1D layout [in, out]), so checkpoints map one to one.
 * The model knows nothing of training: it turns token ids into logits, and a loss when given labels.
 *
 * Shapes: B batch, T new tokens, S = past + T keys, C = nEmbd, nh heads, hs = C / nh, V vocab.
 */
import * as tf from "@tensorflow/tfjs";
import type { GPTConfig } from "./config";
import {
  cachedAttention, canFuseDecode, causalSelfAttention, crossEntropyPerToken, decodeBlock, embedTokens, embedTrainable, geluTanh, layerNorm, linear,
  IGNORE_INDEX,
  type BlockWeights,
} from "../engine/ops";
import { appendKV, kvInPlace, reserveKV, type KVBuffers } from "../engine/kv-cache";
import { normalSamples } from "./init";

/**
 * Keys and values of the tokens seen so far, per layer, heads side by side: (B, rows, C) each, of which the
 * first `length` rows are filled. On wasm the buffers have spare rows and are written in place
 * (lib/engine/kv-cache.ts); elsewhere rows === length.
 */
export interface KVCache {
  keys: tf.Tensor3D[];
  values: tf.Tensor3D[];
  /** S: how many positions the cache holds. */
  length: number;
  /** Rows to allocate at first use (e.g. prompt + new tokens); buffers double beyond it. */
  reserve?: number;
}

/** Fewest rows a cache buffer is allocated with (growth doubles from there). */
const MIN_CACHE_ROWS = 32;

export interface ForwardOptions {
  /** (B, T) int32 position ids; default past..past+T-1. Packed sequences restart theirs per sample. */
  positions?: tf.Tensor2D;
  /**
   * Added to the attention scores after the causal mask, broadcastable to (B, nh, T, S): 0 where a query
   * may look, a large negative number where not (padding keys, other samples in a packed row).
   */
  attentionBias?: tf.Tensor;
  /** Reads past keys/values from it and appends this call's; the caller owns (and disposes) it. */
  cache?: KVCache;
  /** Enables dropout (when config.dropout > 0). */
  training?: boolean;
  /** Seed for dropout masks, so a training step is reproducible. */
  dropoutSeed?: number;
}

/** A low-rank update added to one linear layer: y += (x A) B * scale. Set by the LoRA module. */
export interface LinearAdapter {
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
}

/** Parameter names of the GPT-2 layout, in a fixed order (used for init, saving and optimizers). */
export function parameterShapes(cfg: GPTConfig): [string, number[]][] {
  const C = cfg.nEmbd;
  const out: [string, number[]][] = [
    ["transformer.wte.weight", [cfg.vocabSize, C]],
    ["transformer.wpe.weight", [cfg.blockSize, C]],
  ];
  for (let i = 0; i < cfg.nLayer; i++) {
    const p = `transformer.h.${i}`;
    out.push(
      [`${p}.ln_1.weight`, [C]], [`${p}.ln_1.bias`, [C]],
      [`${p}.attn.c_attn.weight`, [C, 3 * C]], [`${p}.attn.c_attn.bias`, [3 * C]],
      [`${p}.attn.c_proj.weight`, [C, C]], [`${p}.attn.c_proj.bias`, [C]],
      [`${p}.ln_2.weight`, [C]], [`${p}.ln_2.bias`, [C]],
      [`${p}.mlp.c_fc.weight`, [C, 4 * C]], [`${p}.mlp.c_fc.bias`, [4 * C]],
      [`${p}.mlp.c_proj.weight`, [4 * C, C]], [`${p}.mlp.c_proj.bias`, [C]],
    );
  }
  out.push(["transformer.ln_f.weight", [C]], ["transformer.ln_f.bias", [C]]);
  return out;
}

/** GPT-2's initialization: N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 nLayer)), LN 1/0, biases 0. */
export function initialParameters(cfg: GPTConfig, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let stream = 0;
  for (const [name, shape] of parameterShapes(cfg)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name.endsWith(".bias")) data = new Float32Array(size);
    else if (/ln_\d\.weight$|ln_f\.weight$/.test(name)) data = new Float32Array(size).fill(1);
    else {
      const std = name.endsWith("c_proj.weight") ? 0.02 / Math.sqrt(2 * cfg.nLayer) : 0.02;
      data = normalSamples(size, std, seed * 1000003 + stream);
    }
    stream++;
    out.set(name, data);
  }
  return out;
}

let nextModelId = 0;

export class GPT {
  readonly config: GPTConfig;
  /** Trainable parameters by Hugging Face name. */
  readonly params: Map<string, tf.Variable>;
  /** Low-rank adapters by linear-layer prefix (e.g. "transformer.h.0.attn.c_attn"). */
  readonly adapters = new Map<string, LinearAdapter>();

  /** Distinguishes this model's TF.js variables from another's (TF.js variable names are global). */
  readonly id: number;
  /** Each block's weights as the fused decode kernel takes them (the variables never change identity). */
  private readonly blockWeightCache: BlockWeights[] = [];

  constructor(config: GPTConfig, weights: Map<string, Float32Array>) {
    this.config = config;
    this.id = nextModelId++;
    this.params = new Map();
    for (const [name, shape] of parameterShapes(config)) {
      const data = weights.get(name);
      if (!data) throw new Error(`GPT: missing parameter ${name}`);
      if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`GPT: ${name} has ${data.length} values, expected [${shape}]`);
      const init = tf.tensor(data, shape, "float32");
      this.params.set(name, tf.variable(init, true, `gpt${this.id}/${name}`));
      init.dispose(); // the variable now owns the only reference to its buffer
    }
  }

  /** HF name of one of this model's TF.js variables (inverse of the `gptN/` prefix). */
  paramName(variableName: string): string {
    return variableName.slice(variableName.indexOf("/") + 1);
  }

  /** Current weights copied to the host, by HF name (for saving). */
  async weights(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.params) out.set(name, (await v.data()) as Float32Array);
    return out;
  }

  /** A freshly initialized model (GPT-2 init), reproducible from the seed on every backend. */
  static create(config: GPTConfig, seed = 0): GPT {
    return new GPT(config, initialParameters(config, seed));
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`GPT: no parameter ${name}`);
    return v;
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** x (N, in) -> (N, out) through the Conv1D weight [in, out] and bias, plus its adapter if any. */
  linear(x: tf.Tensor2D, prefix: string, training = false): tf.Tensor2D {
    const y = linear(x, this.p(`${prefix}.weight`) as tf.Tensor2D, this.p(`${prefix}.bias`) as tf.Tensor1D);
    const adapter = this.adapters.get(prefix);
    return adapter ? tf.add(y, adapter.apply(x, training)) : y;
  }

  private dropout(x: tf.Tensor, opts: ForwardOptions, salt: number): tf.Tensor {
    const rate = this.config.dropout;
    if (!opts.training || rate <= 0) return x;
    return tf.dropout(x, rate, undefined, (opts.dropoutSeed ?? 0) * 7919 + salt);
  }

  /** Causal self-attention of layer i: x (B, T, C) -> (B, T, C). */
  private attention(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const p = `transformer.h.${i}.attn`;
    const qkv = this.linear(x.reshape([B * T, C]), `${p}.c_attn`, opts.training).reshape([B, T, 3 * C]) as tf.Tensor3D;
    let y: tf.Tensor3D;
    if (opts.cache) {
      const cache = opts.cache, past = cache.length;
      const kv = this.storeKV(cache, i, appendKV(this.layerKV(cache, i), qkv, past, this.cacheRows(cache, i, past + T)));
      y = cachedAttention(qkv, kv.keys, kv.values, this.config.nHead, opts.attentionBias, past + T);
    } else {
      y = causalSelfAttention(qkv, this.config.nHead, opts.attentionBias);
    }
    const out = this.linear(y.reshape([B * T, C]) as tf.Tensor2D, `${p}.c_proj`, opts.training);
    return this.dropout(out, opts, 3 * i + 2).reshape([B, T, C]) as tf.Tensor3D;
  }

  /** The MLP of layer i: x (B, T, C) -> (B, T, C) through 4C hidden units. */
  private mlp(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const p = `transformer.h.${i}.mlp`;
    const h = geluTanh(this.linear(x.reshape([B * T, C]), `${p}.c_fc`, opts.training)) as tf.Tensor2D; // (B*T, 4C)
    return this.dropout(this.linear(h, `${p}.c_proj`, opts.training), opts, 3 * i + 3).reshape([B, T, C]) as tf.Tensor3D;
  }

  private block(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const eps = this.config.layerNormEpsilon;
    const p = `transformer.h.${i}`;
    if (opts.cache && !opts.training && canFuseDecode() && kvInPlace() && !this.hasAdapters(p)) {
      // Generation: the whole block in one kernel, writing this step's keys/values into the cache in place.
      const [B, T, C] = x.shape;
      const cache = opts.cache, past = cache.length;
      const kv = this.storeKV(cache, i, reserveKV(this.layerKV(cache, i), B, C, past, past + T, this.cacheRows(cache, i, past + T)));
      return decodeBlock(x, this.blockWeights(i), kv.keys, kv.values, past, this.config.nHead, eps, opts.attentionBias);
    }
    x = tf.add(x, this.attention(layerNorm(x, this.p(`${p}.ln_1.weight`), this.p(`${p}.ln_1.bias`), eps) as tf.Tensor3D, i, opts));
    x = tf.add(x, this.mlp(layerNorm(x, this.p(`${p}.ln_2.weight`), this.p(`${p}.ln_2.bias`), eps) as tf.Tensor3D, i, opts));
    return x;
  }

  /** The final hidden states (B, T, C) for token ids (B, T). */
  hidden(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const T = idx.shape[1];
    const past = opts.cache?.length ?? 0;
    if (past + T > this.config.blockSize) {
      throw new Error(`GPT: ${past + T} positions exceed the block size ${this.config.blockSize}`);
    }
    const wpe = this.p("transformer.wpe.weight"), wte = this.p("transformer.wte.weight");
    let x: tf.Tensor3D;
    if (opts.cache && !opts.training) {
      x = embedTokens(wte, wpe, idx, opts.positions, past); // generation: one kernel, no gradient
    } else if (!opts.positions) {
      x = this.dropout(embedTrainable(wte, wpe, idx, past), opts, 0) as tf.Tensor3D; // (B, T, C)
    } else {
      const tok = tf.gather(wte, idx); // (B, T, C)
      const pos = tf.gather(wpe, opts.positions); // (B|1, T, C)
      x = this.dropout(tf.add(tok, pos), opts, 0) as tf.Tensor3D;
    }
    for (let i = 0; i < this.config.nLayer; i++) x = this.block(x, i, opts);
    if (opts.cache) opts.cache.length = past + T;
    return layerNorm(x, this.p("transformer.ln_f.weight"), this.p("transformer.ln_f.bias"), this.config.layerNormEpsilon) as tf.Tensor3D;
  }

  /** Logits (B, T, V) for token ids (B, T), through the output head tied to the token embedding. */
  forward(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T] = idx.shape;
      const h = this.hidden(idx, opts).reshape([B * T, this.config.nEmbd]) as tf.Tensor2D;
      return tf.matMul(h, this.p("transformer.wte.weight"), false, true).reshape([B, T, this.config.vocabSize]) as tf.Tensor3D;
    });
  }

  /**
   * Summed cross-entropy over trained positions and their count: labels (B, T) int32, IGNORE_INDEX where
   * not trained. Labels are already aligned with the logits (label t is the token after input t).
   */
  lossSum(idx: tf.Tensor2D, labels: tf.Tensor2D, opts: ForwardOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const [B, T] = idx.shape;
      const logits = this.forward(idx, opts).reshape([B * T, this.config.vocabSize]) as tf.Tensor2D;
      return tf.sum(crossEntropyPerToken(logits, labels.reshape([B * T]) as tf.Tensor1D, IGNORE_INDEX));
    });
  }

  /** Mean cross-entropy over positions whose label is not IGNORE_INDEX (0 when there are none). */
  loss(idx: tf.Tensor2D, labels: tf.Tensor2D, opts: ForwardOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const count = tf.maximum(tf.sum(tf.cast(tf.notEqual(labels, IGNORE_INDEX), "float32")), 1);
      return tf.div(this.lossSum(idx, labels, opts), count) as tf.Scalar;
    });
  }

  /** A new, empty cache (dispose it with disposeCache); `reserve`: positions it will likely hold. */
  newCache(reserve?: number): KVCache {
    return { keys: [], values: [], length: 0, reserve };
  }

  private layerKV(cache: KVCache, i: number): KVBuffers | undefined {
    return cache.keys[i] ? { keys: cache.keys[i], values: cache.values[i] } : undefined;
  }

  /** Makes `kv` layer i's buffers: keeps new tensors past the forward pass's tidy, disposes replaced ones. */
  private storeKV(cache: KVCache, i: number, kv: KVBuffers): KVBuffers {
    if (cache.keys[i] !== kv.keys) {
      cache.keys[i]?.dispose();
      cache.keys[i] = tf.keep(kv.keys);
    }
    if (cache.values[i] !== kv.values) {
      cache.values[i]?.dispose();
      cache.values[i] = tf.keep(kv.values);
    }
    return kv;
  }

  /** Rows to give layer i's buffers when they must grow to hold `needed`: the reserve, else double. */
  private cacheRows(cache: KVCache, i: number, needed: number): number {
    const current = cache.keys[i]?.shape[1] ?? 0;
    return Math.min(this.config.blockSize, Math.max(needed, cache.reserve ?? 0, 2 * current, MIN_CACHE_ROWS));
  }

  private hasAdapters(blockPrefix: string): boolean {
    for (const name of this.adapters.keys()) if (name.startsWith(`${blockPrefix}.`)) return true;
    return false;
  }

  private blockWeights(i: number): BlockWeights {
    const known = this.blockWeightCache[i];
    if (known) return known;
    const w = (name: string) => this.p(`transformer.h.${i}.${name}`);
    return this.blockWeightCache[i] = {
      ln1G: w("ln_1.weight"), ln1B: w("ln_1.bias"), qkvW: w("attn.c_attn.weight"), qkvB: w("attn.c_attn.bias"),
      projW: w("attn.c_proj.weight"), projB: w("attn.c_proj.bias"), ln2G: w("ln_2.weight"), ln2B: w("ln_2.bias"),
      fcW: w("mlp.c_fc.weight"), fcB: w("mlp.c_fc.bias"), fc2W: w("mlp.c_proj.weight"), fc2B: w("mlp.c_proj.bias"),
    };
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

export function disposeCache(cache: KVCache): void {
  for (const t of [...cache.keys, ...cache.values]) t?.dispose();
  cache.keys = [];
  cache.values = [];
  cache.length = 0;
}
