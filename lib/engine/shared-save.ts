/**
 * Saving tensors for a custom gradient without copying them. TF.js clones every tensor a gradient saves
 * (the Identity kernel), and on wasm a clone is a copy: about 5% of a training step, most of it attention
 * probabilities and layer inputs. While sharedSave runs, our wasm Identity kernel (wasm-kernels.ts) shares
 * the tensor's memory instead, as Reshape does. That is safe for what our ops save: activations and weights
 * that are read, never written, and disposed when the backward pass ends, before the optimizer writes
 * parameters in place. Clones made anywhere else (tf.clone, TF.js's own kernels) still copy.
 */
import type * as tf from "@tensorflow/tfjs";

let sharing = false;

/** Runs `save(tensors)` with clones that share memory (on wasm; other backends clone as usual). */
export function sharedSave(save: tf.GradSaveFunc, tensors: tf.Tensor[]): void {
  sharing = true;
  try {
    save(tensors);
  } finally {
    sharing = false;
  }
}

/** Whether a clone now may share memory with its source. */
export function clonesMayShare(): boolean {
  return sharing;
}
