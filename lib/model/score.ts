/** Log-probabilities of text under a model: the basis of perplexity and of `nanoinstruct score`. */
import * as tf from "@tensorflow/tfjs";
import type { GPT } from "./gpt";

/**
 * logprobs[i] = log p(ids[i + 1] | ids[0..i]) for one sequence (length ids.length - 1), computed in
 * float64 on the host from the model's logits (log-softmax with the max subtracted).
 */
export function tokenLogprobs(model: GPT, ids: number[]): number[] {
  const logits = scoreLogits(model, ids);
  if (!logits) return [];
  const data = logits.dataSync() as Float32Array;
  logits.dispose();
  return fromLogits(data, ids, model.config.vocabSize);
}

/** tokenLogprobs reading the logits asynchronously (what the webgpu backend needs; the same numbers elsewhere). */
export async function tokenLogprobsAsync(model: GPT, ids: number[]): Promise<number[]> {
  const logits = scoreLogits(model, ids);
  if (!logits) return [];
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return fromLogits(data, ids, model.config.vocabSize);
}

function scoreLogits(model: GPT, ids: number[]): tf.Tensor | null {
  if (ids.length < 2) return null;
  if (ids.length > model.config.blockSize) {
    throw new Error(`${ids.length} tokens exceed the model's context of ${model.config.blockSize}`);
  }
  const T = ids.length;
  return tf.tidy(() => model.forward(tf.tensor2d([ids], [1, T], "int32")));
}

function fromLogits(data: Float32Array, ids: number[], V: number): number[] {
  const T = ids.length;
  const out: number[] = [];
  for (let t = 0; t < T - 1; t++) {
    const off = t * V;
    let mx = -Infinity;
    for (let j = 0; j < V; j++) if (data[off + j] > mx) mx = data[off + j];
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(data[off + j] - mx);
    out.push(data[off + ids[t + 1]] - mx - Math.log(s));
  }
  return out;
}

/** Negative mean log-probability (nats per token) and its exponent. */
export function perplexity(logprobs: number[]): { nll: number; perplexity: number } {
  if (logprobs.length === 0) return { nll: NaN, perplexity: NaN };
  const nll = -logprobs.reduce((a, b) => a + b, 0) / logprobs.length;
  return { nll, perplexity: Math.exp(nll) };
}
