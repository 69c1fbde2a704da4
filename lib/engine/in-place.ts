/**
 * In-place updates of tensors on the wasm backend, for the optimizer: TF.js's functional API would run a
 * dozen elementwise kernels and allocate as many tensors per parameter per step.
 *
 * Writing into a tensor's memory is safe only for tensors the caller owns outright (optimizer state and
 * trainable variables that share their buffer with nothing else); the trainer guarantees that.
 */
import * as tf from "@tensorflow/tfjs";
import { nanoModule, heapOffset, wasmMemoryBuffer } from "./wasm-kernels";

/** Whether in-place updates are available on the active backend. */
export function canUpdateInPlace(): boolean {
  return tf.getBackend() === "wasm" && nanoModule() !== null;
}

/** Sum of squares of a float32 tensor, computed where it lies (wasm only). */
export function sumSquaresInPlace(x: tf.Tensor): number {
  return nanoModule()!.sum_squares(heapOffset(x), x.size);
}

export interface AdamWStep {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  biasCorrection1: number; biasCorrection2: number;
  /** Multiplies the gradient first: clipping and per-token loss normalization. */
  gradScale: number;
}

/** p, m, v updated in place from gradient g (all float32, same size). */
export function adamwInPlace(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: AdamWStep): void {
  nanoModule()!.adamw_update(heapOffset(p), heapOffset(g), heapOffset(m), heapOffset(v), p.size, s.lr, s.beta1, s.beta2,
    s.eps, s.weightDecay, s.biasCorrection1, s.biasCorrection2, s.gradScale);
}

/** Overwrites a float32 tensor's values (wasm: in place in the heap; elsewhere: not supported -> false). */
export function writeInPlace(t: tf.Tensor, values: Float32Array): boolean {
  if (!canUpdateInPlace()) return false;
  const heap = new Float32Array(wasmMemoryBuffer(), heapOffset(t), t.size);
  heap.set(values);
  return true;
}

/** A float32 tensor's values: a view of the wasm heap (valid until the next allocation) or a copy. */
export function readValues(t: tf.Tensor): Float32Array {
  if (canUpdateInPlace()) return new Float32Array(wasmMemoryBuffer(), heapOffset(t), t.size);
  return t.dataSync() as Float32Array;
}
