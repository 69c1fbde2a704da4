/**
 * One forward/backward pass: the summed loss over trained tokens and the gradients by parameter name.
 * Optimizer, accumulation and logging live in the trainer; this file only differentiates.
 */
import * as tf from "@tensorflow/tfjs";
import type { GPT, ForwardOptions } from "../model/gpt";

/** A batch as tensors: inputs (B, T) and labels (B, T) int32 (IGNORE_INDEX where not trained). */
export interface TensorBatch {
  inputs: tf.Tensor2D;
  labels: tf.Tensor2D;
  /** (B, T) int32 position ids, for packed rows. */
  positions?: tf.Tensor2D;
  /** Added to attention scores, broadcastable to (B, 1, T, T): masks between packed samples. */
  attentionBias?: tf.Tensor;
  /** Number of labels that are trained (not IGNORE_INDEX), counted on the host. */
  trainedTokens: number;
}

export function disposeBatch(b: TensorBatch): void {
  b.inputs.dispose();
  b.labels.dispose();
  b.positions?.dispose();
  b.attentionBias?.dispose();
}

export interface Gradients {
  /** Sum of the per-token losses (not yet divided by the token count). */
  lossSum: number;
  /** Gradients of lossSum by HF parameter name; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/**
 * Gradients of the summed loss with respect to `params` (by name; default: the model's trainable
 * parameters). LoRA passes its adapter variables instead.
 */
export function lossAndGradients(model: GPT, batch: TensorBatch, params?: Map<string, tf.Variable>, opts: ForwardOptions = {}): Gradients {
  const { value, grads } = differentiate(model, batch, params, opts);
  const lossSum = value.dataSync()[0];
  value.dispose();
  return { lossSum, grads };
}

/**
 * lossAndGradients reading the loss asynchronously: the only way on the webgpu backend, where Node has no
 * synchronous read; on wasm and cpu the same numbers at the same cost.
 */
export async function lossAndGradientsAsync(model: GPT, batch: TensorBatch, params?: Map<string, tf.Variable>, opts: ForwardOptions = {}): Promise<Gradients> {
  const { value, grads } = differentiate(model, batch, params, opts);
  const lossSum = (await value.data())[0];
  value.dispose();
  return { lossSum, grads };
}

function differentiate(model: GPT, batch: TensorBatch, params: Map<string, tf.Variable> | undefined, opts: ForwardOptions) {
  const entries = [...(params ?? model.params).entries()].filter(([, v]) => v.trainable);
  const byVar = new Map(entries.map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(
    () => model.lossSum(batch.inputs, batch.labels, { ...opts, positions: batch.positions, attentionBias: batch.attentionBias }),
    entries.map(([, v]) => v),
  );
  const named = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) named.set(byVar.get(varName) ?? varName, g);
  return { value, grads: named };
}
