/**
 * GPT-2, as one readable file: learned positions, pre-LayerNorm blocks, GELU (tanh approximation),
 * causal self-attention, and an output head tied to the token embedding.
 *
 *   x = wte[idx] + wpe[pos]                                   token + position embeddings
 *   for each block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))
 *   logits = ln_f(x) wte^T                                    the head shares the token embedding
 *
 * Every step below is written as the math with plain TF.js ops. `useFusedKernels` (on by default) runs the
 * same function through lib/engine/ops.ts instead: nanoinstruct's fused kernels where the backend has them
 * (one kernel for attention, for layer norm, for a linear layer, for the loss, and on wasm one per whole
 * block, forward and backward, when training without dropout and while generating), the fast implementation. The two paths agree to float rounding
 * (tests/model/gpt-paths.test.ts); every published number was made on the default, fused path.
 * The key/value cache for generation lives in ./cache.ts.
 *
 * Parameters are TF.js variables named as Hugging Face's GPT-2 saves them
 * (`transformer.h.0.attn.c_attn.weight`, Conv1D layout [in, out]), so checkpoints map one to one.
 * The model knows nothing of training: it turns token ids into logits, and a loss when given labels.
 *
 * Shapes: B batch, T new tokens, S = past + T keys, C = nEmbd, nh heads, hs = C / nh, V vocab.
 */
import * as tf from "@tensorflow/tfjs";
import type { GPTConfig } from "./config";
import * as fused from "../engine/ops";
import { IGNORE_INDEX } from "../engine/ops";
import { appendToCache, canDecodeFused, decodeBlockFused, disposeCache, fusedBlockWeights, newCache, type KVCache } from "./cache";
import { normalSamples } from "./init";

export { disposeCache, type KVCache };

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
  /**
   * Compute through nanoinstruct's fused kernels where the backend has them (the default, and how every
   * published number was made), or, when false, as the plain TF.js ops written out in this file. Same
   * function either way, up to float rounding; the fused kernels are the fast implementation.
   */
  useFusedKernels = true;

  /** Distinguishes this model's TF.js variables from another's (TF.js variable names are global). */
  readonly id: number;

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

  /** y = x W + b: x (N, in) -> (N, out) through the Conv1D weight W (in, out) and bias b, plus its adapter if any. */
  linear(x: tf.Tensor2D, prefix: string, training = false): tf.Tensor2D {
    const W = this.p(`${prefix}.weight`) as tf.Tensor2D, b = this.p(`${prefix}.bias`) as tf.Tensor1D;
    const y = this.useFusedKernels ? fused.linear(x, W, b) : tf.add(tf.matMul(x, W), b) as tf.Tensor2D; // (N, out)
    const adapter = this.adapters.get(prefix);
    return adapter ? tf.add(y, adapter.apply(x, training)) : y;
  }

  /** Layer norm `name` (e.g. "transformer.h.0.ln_1") over the last axis: (..., C) -> (..., C). */
  private layerNorm(x: tf.Tensor3D, name: string): tf.Tensor3D {
    const gain = this.p(`${name}.weight`), bias = this.p(`${name}.bias`), eps = this.config.layerNormEpsilon;
    return (this.useFusedKernels ? fused.layerNorm(x, gain, bias, eps) : layerNorm(x, gain, bias, eps)) as tf.Tensor3D;
  }

  private dropout(x: tf.Tensor, opts: ForwardOptions, salt: number): tf.Tensor {
    const rate = this.config.dropout;
    if (!opts.training || rate <= 0) return x;
    return tf.dropout(x, rate, undefined, (opts.dropoutSeed ?? 0) * 7919 + salt);
  }

  /** Token plus position embeddings: wte[idx] + wpe[positions], idx (B, T) -> (B, T, C). */
  private embed(idx: tf.Tensor2D, past: number, opts: ForwardOptions): tf.Tensor3D {
    const T = idx.shape[1];
    const wte = this.p("transformer.wte.weight"), wpe = this.p("transformer.wpe.weight");
    if (this.useFusedKernels && opts.cache && !opts.training) {
      return fused.embedTokens(wte, wpe, idx, opts.positions, past); // generation: one kernel, no gradient
    }
    if (this.useFusedKernels && !opts.positions) {
      return this.dropout(fused.embedTrainable(wte, wpe, idx, past), opts, 0) as tf.Tensor3D; // one kernel with its gradient
    }
    const positions = opts.positions ?? tf.range(past, past + T, 1, "int32").reshape([1, T]) as tf.Tensor2D; // (B|1, T)
    const tok = tf.gather(wte, idx); // (B, T, C)
    const pos = tf.gather(wpe, positions); // (B|1, T, C)
    return this.dropout(tf.add(tok, pos), opts, 0) as tf.Tensor3D;
  }

  /** Causal self-attention of layer i: x (B, T, C) -> (B, T, C). */
  private attention(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const nh = this.config.nHead;
    const p = `transformer.h.${i}.attn`;
    // queries, keys and values of every head in one projection: columns [0, C), [C, 2C), [2C, 3C)
    const qkv = this.linear(x.reshape([B * T, C]), `${p}.c_attn`, opts.training).reshape([B, T, 3 * C]) as tf.Tensor3D; // (B, T, 3C)
    let y: tf.Tensor3D; // (B, T, C)
    if (opts.cache) {
      // generation: this step's keys/values join those of the past tokens; queries are only the new tokens'
      const past = opts.cache.length, S = past + T;
      const kv = appendToCache(opts.cache, i, qkv, this.config.blockSize); // (B, rows >= S, C) each
      if (this.useFusedKernels) y = fused.cachedAttention(qkv, kv.keys, kv.values, nh, opts.attentionBias, S);
      else {
        const q = tf.slice(qkv, [0, 0, 0], [B, T, C]) as tf.Tensor3D; // (B, T, C)
        const k = tf.slice(kv.keys, [0, 0, 0], [B, S, C]) as tf.Tensor3D; // (B, S, C)
        const v = tf.slice(kv.values, [0, 0, 0], [B, S, C]) as tf.Tensor3D; // (B, S, C)
        y = attend(q, k, v, nh, past, opts.attentionBias);
      }
    } else if (this.useFusedKernels) {
      y = fused.causalSelfAttention(qkv, nh, opts.attentionBias);
    } else {
      const [q, k, v] = tf.split(qkv, 3, 2) as tf.Tensor3D[]; // (B, T, C) each
      y = attend(q, k, v, nh, 0, opts.attentionBias);
    }
    const out = this.linear(y.reshape([B * T, C]) as tf.Tensor2D, `${p}.c_proj`, opts.training); // (B*T, C)
    return this.dropout(out, opts, 3 * i + 2).reshape([B, T, C]) as tf.Tensor3D;
  }

  /** The MLP of layer i: x (B, T, C) -> (B, T, C) through 4C hidden units, gelu(x W_fc + b_fc) W_proj + b_proj. */
  private mlp(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const p = `transformer.h.${i}.mlp`;
    const pre = this.linear(x.reshape([B * T, C]), `${p}.c_fc`, opts.training); // (B*T, 4C)
    const h = (this.useFusedKernels ? fused.geluTanh(pre) : gelu(pre)) as tf.Tensor2D; // (B*T, 4C)
    return this.dropout(this.linear(h, `${p}.c_proj`, opts.training), opts, 3 * i + 3).reshape([B, T, C]) as tf.Tensor3D;
  }

  /** Block i, pre-LayerNorm with residual connections: x (B, T, C) -> (B, T, C). */
  private block(x: tf.Tensor3D, i: number, opts: ForwardOptions): tf.Tensor3D {
    const p = `transformer.h.${i}`;
    if (this.useFusedKernels && canDecodeFused(opts.cache, opts.training, this.hasAdapters(p))) {
      // generation on wasm: this same block in one kernel, writing this step's keys/values into the cache in place
      const weights = fusedBlockWeights(this, i, (name) => this.p(name));
      return decodeBlockFused(x, weights, opts.cache, i, this.config.nHead, this.config.layerNormEpsilon, this.config.blockSize, opts.attentionBias);
    }
    if (this.useFusedKernels && !opts.cache && fused.canFuseTrainingBlock() && !this.hasAdapters(p) &&
      !(opts.training && this.config.dropout > 0)) {
      // training (and scoring without a cache) on wasm: this same block as one kernel, and its gradient as another
      const weights = fusedBlockWeights(this, i, (name) => this.p(name));
      return fused.trainingBlock(x, weights, this.config.nHead, this.config.layerNormEpsilon, opts.attentionBias);
    }
    x = tf.add(x, this.attention(this.layerNorm(x, `${p}.ln_1`), i, opts)); // (B, T, C)
    x = tf.add(x, this.mlp(this.layerNorm(x, `${p}.ln_2`), i, opts)); // (B, T, C)
    return x;
  }

  /** The final hidden states (B, T, C) for token ids (B, T). */
  hidden(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const T = idx.shape[1];
    const past = opts.cache?.length ?? 0;
    if (past + T > this.config.blockSize) {
      throw new Error(`GPT: ${past + T} positions exceed the block size ${this.config.blockSize}`);
    }
    let x = this.embed(idx, past, opts); // (B, T, C)
    for (let i = 0; i < this.config.nLayer; i++) x = this.block(x, i, opts);
    if (opts.cache) opts.cache.length = past + T;
    return this.layerNorm(x, "transformer.ln_f");
  }

  /** Logits (B, T, V) for token ids (B, T), through the output head tied to the token embedding. */
  forward(idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, T] = idx.shape;
      const h = this.hidden(idx, opts).reshape([B * T, this.config.nEmbd]) as tf.Tensor2D; // (B*T, C)
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
      const logits = this.forward(idx, opts).reshape([B * T, this.config.vocabSize]) as tf.Tensor2D; // (B*T, V)
      const flat = labels.reshape([B * T]) as tf.Tensor1D;
      return tf.sum(this.useFusedKernels ? fused.crossEntropyPerToken(logits, flat, IGNORE_INDEX) : crossEntropy(logits, flat));
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
    return newCache(reserve);
  }

  private hasAdapters(blockPrefix: string): boolean {
    for (const name of this.adapters.keys()) if (name.startsWith(`${blockPrefix}.`)) return true;
    return false;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/**
 * Causal self-attention as the math, per head: softmax(q k^T / sqrt(hs) + mask + bias) v.
 * q (B, T, C) holds T new tokens at positions past..past+T-1; k and v (B, S, C) all S = past + T positions
 * (heads side by side in C). Query t may look at keys 0..past+t. Returns (B, T, C), heads side by side again.
 */
function attend(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, nHead: number, past: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T, C] = q.shape;
  const S = k.shape[1], hs = C / nHead;
  const heads = (t: tf.Tensor3D) => t.reshape([B, t.shape[1], nHead, hs]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  const qh = heads(q); // (B, nh, T, hs)
  const kh = heads(k), vh = heads(v); // (B, nh, S, hs)
  let att = tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(hs)); // (B, nh, T, S)
  const mask = new Float32Array(T * S); // (T, S): 0 where query t may look, -1e9 at keys after it
  for (let t = 0; t < T; t++) for (let s = past + t + 1; s < S; s++) mask[t * S + s] = -1e9;
  att = tf.add(att, tf.tensor2d(mask, [T, S]));
  if (bias) att = tf.add(att, bias); // padding and packed-sample masks
  att = tf.softmax(att); // each query's weights over the keys sum to 1
  const y = tf.matMul(att, vh); // (B, nh, T, hs)
  return y.transpose([0, 2, 1, 3]).reshape([B, T, C]) as tf.Tensor3D; // (B, T, C)
}

/** GPT-2's GELU, the tanh approximation ("gelu_new"): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** Layer normalization over the last axis: (x - mean) / sqrt(variance + eps) * gain + bias. */
function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true); // (..., 1) each
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gain), bias);
}

/** -log softmax(logits)[label] per position: logits (N, V), labels (N) -> (N), 0 where label is IGNORE_INDEX. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const V = logits.shape[1];
  const trained = tf.notEqual(labels, IGNORE_INDEX); // (N)
  const target = tf.oneHot(tf.where(trained, labels, tf.zerosLike(labels)), V); // (N, V)
  const logProb = tf.sum(tf.mul(tf.logSoftmax(logits), target), 1); // (N): log-probability of the label
  return tf.mul(tf.neg(logProb), tf.cast(trained, "float32")) as tf.Tensor1D;
}
