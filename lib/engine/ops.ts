/**
 * The few operations the model and trainer need beyond TF.js's own, each using nanoinstruct's fused
 * kernel where the active backend has one and composite TF.js ops elsewhere. These are the fast path of
 * lib/model/gpt.ts (GPT.useFusedKernels, on by default); the same math written out for reading is there.
 */
import * as tf from "@tensorflow/tfjs";
import { BLOCK_BACKWARD_WEIGHTS, BLOCK_WEIGHTS, IGNORE_INDEX, KERNEL_NAMES } from "./kernel-names";
import { sharedSave } from "./shared-save";

export { IGNORE_INDEX };

/** tf.customGrad for functions with typed tensor parameters (TF.js's own signature mixes in the save function). */
const customGrad = (f: unknown) => tf.customGrad(f as Parameters<typeof tf.customGrad>[0]);

const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * Per-position cross-entropy: logits (N, V), int32 labels (N) -> loss (N), 0 where label === ignoreIndex.
 * Softmax and the loss are one fused kernel and the gradient another; no one-hot target is ever built.
 */
export function crossEntropyPerToken(logits: tf.Tensor2D, labels: tf.Tensor1D, ignoreIndex = IGNORE_INDEX): tf.Tensor1D {
  if (labels.dtype !== "int32") throw new Error("crossEntropyPerToken: labels must be int32");
  if (hasKernel(KERNEL_NAMES.xentForward)) {
    const fused = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
      sharedSave(save, [x]);
      const value = tf.engine().runKernel(KERNEL_NAMES.xentForward, { logits: x, labels }, { ignoreIndex }) as tf.Tensor1D;
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(KERNEL_NAMES.xentBackward, { logits: saved[0], labels, dloss: dy }, { ignoreIndex }) as tf.Tensor;
      return { value, gradFunc };
    });
    return fused(logits) as tf.Tensor1D;
  }
  return tf.tidy(() => {
    const valid = tf.notEqual(labels, ignoreIndex);
    const safe = tf.where(valid, labels, tf.zerosLike(labels));
    const picked = tf.gather(logits, safe.reshape([-1, 1]), 1, 1).reshape([-1]);
    const lse = tf.logSumExp(logits, 1);
    return tf.mul(tf.sub(lse, picked), tf.cast(valid, "float32")) as tf.Tensor1D;
  });
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

/** y = x W + b for x (N, in), W (in, out) in Conv1D layout, b (out). */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (!hasKernel(KERNEL_NAMES.linear)) return tf.add(tf.matMul(x, weight), bias) as tf.Tensor2D;
  const f = customGrad((xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    sharedSave(save, [xi, w]);
    const value = run(KERNEL_NAMES.linear, { x: xi, weight: w, bias: b }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, ws as tf.Tensor2D, false, true), // dx (N, in)
      tf.matMul(xs as tf.Tensor2D, dy as tf.Tensor2D, true, false), // dW (in, out)
      run(KERNEL_NAMES.colSum, { x: dy }) as tf.Tensor, // db (out)
    ];
    return { value, gradFunc };
  });
  return f(x, weight, bias) as tf.Tensor2D;
}

/** GPT-2's GELU, the tanh approximation ("gelu_new"). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  if (hasKernel(KERNEL_NAMES.gelu)) {
    const f = customGrad((xi: tf.Tensor, save: tf.GradSaveFunc) => {
      sharedSave(save, [xi]);
      const value = run(KERNEL_NAMES.gelu, { x: xi }) as tf.Tensor;
      return { value, gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => run(KERNEL_NAMES.geluGrad, { x: xs, dy }) as tf.Tensor };
    });
    return f(x);
  }
  return tf.tidy(() => {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  });
}

/** Layer normalization over the last axis with learned gain and bias. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (hasKernel(KERNEL_NAMES.layerNorm)) {
    const f = customGrad((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, mean, rstd] = run(KERNEL_NAMES.layerNorm, { x: xi, gamma: g, beta: b }, { eps }) as tf.Tensor[];
      sharedSave(save, [xi, g, mean, rstd]);
      const gradFunc = (dy: tf.Tensor, [xs, gs, ms, rs]: tf.Tensor[]) =>
        run(KERNEL_NAMES.layerNormGrad, { x: xs, gamma: gs, mean: ms, rstd: rs, dy }) as tf.Tensor[];
      return { value: y, gradFunc };
    });
    return f(x, gamma, beta);
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
  });
}

/**
 * The attention kernel reads its bias as a dense (B|1, 1, T, S) array. Batches from rowsToBatch and
 * generate() already have that shape; only other shapes are broadcast (a copy, made once per call).
 */
function denseBias(bias: tf.Tensor, B: number, T: number, S: number): tf.Tensor {
  const b0 = bias.shape.length === 4 && bias.shape[0] === 1 ? 1 : B;
  const want = [b0, 1, T, S];
  return bias.shape.length === 4 && bias.shape.every((d, i) => d === want[i]) ? bias : tf.broadcastTo(bias, want);
}

/** (B, rows, nh*hs) slice of heads -> (B, nh, rows, hs). */
function splitHeads(t: tf.Tensor3D, nh: number): tf.Tensor4D {
  const [B, R, C] = t.shape;
  return t.reshape([B, R, nh, C / nh]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** Composite attention over head-split q (B, nh, T, hs), k and v (B, nh, S, hs) -> (B, T, C). */
function attentionComposite(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, past: number, bias?: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, nh, T, hs] = q.shape;
    const S = k.shape[2];
    const mask = new Float32Array(T * S);
    for (let i = 0; i < T; i++) for (let j = past + i + 1; j < S; j++) mask[i * S + j] = -1e9;
    let att = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)), tf.tensor2d(mask, [T, S]));
    if (bias) att = tf.add(att, bias);
    const y = tf.matMul(tf.softmax(att), v); // (B, nh, T, hs)
    return y.transpose([0, 2, 1, 3]).reshape([B, T, nh * hs]) as tf.Tensor3D;
  });
}

/**
 * Causal self-attention from the fused projection qkv (B, T, 3C) -> (B, T, C), all heads at once.
 * `bias` (broadcastable to (B, 1, T, T)) adds to the scores: padding and packed-sample masks.
 */
export function causalSelfAttention(qkv: tf.Tensor3D, nHead: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  if (!hasKernel(KERNEL_NAMES.attention)) {
    return tf.tidy(() => {
      const [q, k, v] = tf.split(qkv, 3, 2) as tf.Tensor3D[];
      return attentionComposite(splitHeads(q, nHead), splitHeads(k, nHead), splitHeads(v, nHead), 0, bias);
    });
  }
  const fullBias = bias ? denseBias(bias, B, T, T) : undefined;
  const f = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const inputs: tf.NamedTensorMap = { q: x, k: x, v: x };
    if (fullBias) inputs.bias = fullBias;
    const [y, probs] = run(KERNEL_NAMES.attention, inputs,
      { nHead, headSize: C / nHead, past: 0, qOffset: 0, kOffset: C, vOffset: 2 * C }) as tf.Tensor[];
    sharedSave(save, [x, probs]);
    const gradFunc = (dy: tf.Tensor, [xs, ps]: tf.Tensor[]) => run(KERNEL_NAMES.attentionGrad, { qkv: xs, probs: ps, dy }, { nHead }) as tf.Tensor;
    return { value: y, gradFunc };
  });
  const out = f(qkv) as tf.Tensor3D;
  if (fullBias && fullBias !== bias) fullBias.dispose();
  return out;
}

/**
 * Attention for generation: new tokens' qkv (B, T, 3C) against cached keys/values (B, rows, C) whose first
 * S = past + T rows (`length`, default all) include these T tokens at their end. No gradient.
 */
export function cachedAttention(qkv: tf.Tensor3D, keys: tf.Tensor3D, values: tf.Tensor3D, nHead: number, bias?: tf.Tensor,
  length = keys.shape[1]): tf.Tensor3D {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3, S = length, past = S - T;
  if (!hasKernel(KERNEL_NAMES.attention)) {
    return tf.tidy(() => {
      const q = tf.slice(qkv, [0, 0, 0], [B, T, C]) as tf.Tensor3D;
      const k = S === keys.shape[1] ? keys : tf.slice(keys, [0, 0, 0], [B, S, C]) as tf.Tensor3D;
      const v = S === values.shape[1] ? values : tf.slice(values, [0, 0, 0], [B, S, C]) as tf.Tensor3D;
      return attentionComposite(splitHeads(q, nHead), splitHeads(k, nHead), splitHeads(v, nHead), past, bias);
    });
  }
  return tf.tidy(() => {
    const inputs: tf.NamedTensorMap = { q: qkv, k: keys, v: values };
    if (bias) inputs.bias = denseBias(bias, B, T, S);
    const [y] = run(KERNEL_NAMES.attention, inputs,
      { nHead, headSize: C / nHead, past, qOffset: 0, kOffset: 0, vOffset: 0 }) as tf.Tensor[];
    return y as tf.Tensor3D;
  });
}

/** One GPT-2 block's weights (Conv1D layout, [in, out]), as the fused decode kernel takes them. */
export interface BlockWeights {
  ln1G: tf.Tensor; ln1B: tf.Tensor; qkvW: tf.Tensor; qkvB: tf.Tensor; projW: tf.Tensor; projB: tf.Tensor;
  ln2G: tf.Tensor; ln2B: tf.Tensor; fcW: tf.Tensor; fcB: tf.Tensor; fc2W: tf.Tensor; fc2B: tf.Tensor;
}

/** Whether decodeBlock can run on the active backend (otherwise the model runs its ops one by one). */
export function canFuseDecode(): boolean {
  return hasKernel(KERNEL_NAMES.decodeBlock);
}

/**
 * A whole GPT-2 block for generation in one kernel (no gradient): x (B, T, C) -> (B, T, C), for T new
 * tokens after `past` cached ones. Writes their keys and values into `keys`/`values` (B, capacity, C) at
 * rows [past, past + T), in place (see kv-cache.ts reserveKV). `bias` as in causalSelfAttention. The
 * result equals the separate kernels' bit for bit; one call replaces about twenty kernel launches.
 */
export function decodeBlock(x: tf.Tensor3D, w: BlockWeights, keys: tf.Tensor3D, values: tf.Tensor3D, past: number,
  nHead: number, eps: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T] = x.shape;
  const fullBias = bias ? denseBias(bias, B, T, past + T) : undefined;
  const inputs: tf.NamedTensorMap = { x, keys, values, ...(w as unknown as tf.NamedTensorMap) };
  if (fullBias) inputs.bias = fullBias;
  const y = run(KERNEL_NAMES.decodeBlock, inputs, { nHead, past, eps }) as tf.Tensor3D;
  if (fullBias && fullBias !== bias) fullBias.dispose();
  return y;
}

/** Whether trainingBlock runs as one kernel forward and one backward on the active backend. */
export function canFuseTrainingBlock(): boolean {
  return hasKernel(KERNEL_NAMES.blockForward) && hasKernel(KERNEL_NAMES.blockBackward);
}

/**
 * A whole GPT-2 block with its gradient, no cache, no dropout: x (B, T, C) -> (B, T, C),
 *   x1 = x + proj(attention(ln_1(x))), y = x1 + fc2(gelu(fc(ln_2(x1)))),
 * with causal attention over the T positions and `bias` (broadcastable to (B, 1, T, T)) added to its scores.
 * On wasm (and the native build) one kernel forward and one backward: layer norms, bias adds, GELU and
 * residuals inside them, no TF.js glue between; the values and every gradient equal the separate fused
 * kernels' bit for bit. Elsewhere the same function from the ops above.
 */
export function trainingBlock(x: tf.Tensor3D, w: BlockWeights, nHead: number, eps: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T, C] = x.shape;
  if (!canFuseTrainingBlock()) {
    return tf.tidy(() => {
      const lin = (h: tf.Tensor, W: tf.Tensor, b: tf.Tensor, out: number) =>
        linear(h.reshape([B * T, h.shape[h.shape.length - 1]!]) as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D).reshape([B, T, out]);
      const qkv = lin(layerNorm(x, w.ln1G, w.ln1B, eps), w.qkvW, w.qkvB, 3 * C) as tf.Tensor3D;
      const x1 = tf.add(x, lin(causalSelfAttention(qkv, nHead, bias), w.projW, w.projB, C));
      const hid = geluTanh(lin(layerNorm(x1, w.ln2G, w.ln2B, eps), w.fcW, w.fcB, 4 * C));
      return tf.add(x1, lin(hid, w.fc2W, w.fc2B, C)) as tf.Tensor3D;
    });
  }
  const fullBias = bias ? denseBias(bias, B, T, T) : undefined;
  const f = customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[13] as tf.GradSaveFunc;
    const xi = args[0] as tf.Tensor;
    const ws = args.slice(1, 13) as tf.Tensor[];
    const inputs: tf.NamedTensorMap = { x: xi };
    BLOCK_WEIGHTS.forEach((n, i) => { inputs[n] = ws[i]; });
    if (fullBias) inputs.bias = fullBias;
    const [y, saved] = run(KERNEL_NAMES.blockForward, inputs, { nHead, eps }) as tf.Tensor[];
    // x, the activations, and the weights the backward pass multiplies by (shared, not copied)
    sharedSave(save, [xi, saved, ...BLOCK_BACKWARD_WEIGHTS.map((n) => inputs[n])]);
    const gradFunc = (dy: tf.Tensor, [xs, sv, ...bw]: tf.Tensor[]) => {
      const backInputs: tf.NamedTensorMap = { x: xs, saved: sv, dy };
      BLOCK_BACKWARD_WEIGHTS.forEach((n, i) => { backInputs[n] = bw[i]; });
      return run(KERNEL_NAMES.blockBackward, backInputs, { nHead }) as tf.Tensor[];
    };
    return { value: y, gradFunc };
  });
  const out = f(x, ...BLOCK_WEIGHTS.map((n) => w[n])) as tf.Tensor3D;
  if (fullBias && fullBias !== bias) fullBias.dispose();
  return out;
}

/**
 * Token plus position embeddings for training: wte[ids] + wpe[start..start+T-1] (B, T, C), one kernel on
 * wasm with its gradient (tokens' rows summed by id, positions' over the batch). TF.js-wasm's own gather
 * took ~4% of a training step for this one lookup. Elsewhere (or with explicit positions) gathers and an add.
 */
export function embedTrainable(wte: tf.Tensor, wpe: tf.Tensor, ids: tf.Tensor2D, start: number): tf.Tensor3D {
  const [B, T] = ids.shape;
  const [V, C] = wte.shape as [number, number];
  const P = wpe.shape[0]!;
  if (!hasKernel(KERNEL_NAMES.embed)) {
    return tf.tidy(() => tf.add(tf.gather(wte, ids), tf.slice(wpe, [start, 0], [T, C])) as tf.Tensor3D);
  }
  const f = customGrad((w: tf.Tensor, p: tf.Tensor, save: tf.GradSaveFunc) => {
    sharedSave(save, [ids]);
    const value = run(KERNEL_NAMES.embed, { wte: w, wpe: p, ids }, { start }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => {
      const dwte = tf.unsortedSegmentSum(tf.reshape(dy, [B * T, C]), tf.reshape(savedIds, [B * T]), V); // (V, C)
      const rows = tf.reshape(run(KERNEL_NAMES.colSum, { x: tf.reshape(dy, [B, T * C]) }) as tf.Tensor, [T, C]); // sum over B
      const dwpe = T === P ? rows : tf.pad(rows, [[start, P - start - T], [0, 0]]); // (P, C)
      return [dwte, dwpe];
    };
    return { value, gradFunc };
  });
  return f(wte, wpe) as tf.Tensor3D;
}

/**
 * Token plus position embeddings for inference: wte[ids] + wpe[positions] (B, T, C) for ids (B, T) int32
 * and positions (B|1, T) int32, or start..start+T-1 when absent. One kernel on wasm (instead of two gathers
 * and an add, a noticeable share of a decoding step); no gradient.
 */
export function embedTokens(wte: tf.Tensor, wpe: tf.Tensor, ids: tf.Tensor2D, positions: tf.Tensor2D | undefined, start: number): tf.Tensor3D {
  const [B, T] = ids.shape;
  const C = wte.shape[1]!;
  if (!hasKernel(KERNEL_NAMES.embed) || (positions && positions.shape[0] !== B)) {
    return tf.tidy(() => {
      const pos = positions ? tf.gather(wpe, positions) : tf.slice(wpe, [start, 0], [T, C]);
      return tf.add(tf.gather(wte, ids), pos) as tf.Tensor3D;
    });
  }
  const inputs: tf.NamedTensorMap = { wte, wpe, ids };
  if (positions) inputs.positions = positions;
  return run(KERNEL_NAMES.embed, inputs, { start }) as tf.Tensor3D;
}
