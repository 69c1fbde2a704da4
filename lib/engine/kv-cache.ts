/**
 * Key/value buffers of one attention layer during generation.
 *
 * On wasm they are preallocated (B, capacity, C) tensors written in place: a new token's keys and values are
 * copied into their rows, so no step copies the past (concatenation would copy the whole cache per token
 * per layer). They grow by reallocation when full (the caller picks the new capacity: doubling keeps the
 * copies O(1) per token). Elsewhere TF.js tensors are immutable, and the buffers grow by concatenation.
 */
import * as tf from "@tensorflow/tfjs";
import { heapOffset, nanoModule, uninitializedTensor } from "./wasm-kernels";

/** Keys and values of one layer, heads side by side: rows [0, length) of (B, rows, C) are filled. */
export interface KVBuffers {
  keys: tf.Tensor3D;
  values: tf.Tensor3D;
}

/** Whether buffers are written in place (so they may hold more rows than are filled). */
export function kvInPlace(): boolean {
  return tf.getBackend() === "wasm" && nanoModule() !== null;
}

/**
 * Buffers with room for `rows` rows whose first `past` rows are those of `prev` (wasm only): `prev` itself
 * when it is large enough, else new buffers of `capacity` rows (>= rows) that the caller keeps, disposing `prev`.
 */
export function reserveKV(prev: KVBuffers | undefined, B: number, C: number, past: number, rows: number, capacity: number): KVBuffers {
  const nano = nanoModule();
  if (!nano) throw new Error("reserveKV: in-place buffers need the wasm backend");
  if (prev && prev.keys.shape[0] !== B) throw new Error(`KV cache: batch ${B} but the cache holds ${prev.keys.shape[0]} sequences`);
  if (prev && prev.keys.shape[1] >= rows) return prev;
  if (capacity < rows) throw new Error(`reserveKV: capacity ${capacity} < ${rows} rows`);
  const next: KVBuffers = {
    keys: uninitializedTensor([B, capacity, C]) as tf.Tensor3D,
    values: uninitializedTensor([B, capacity, C]) as tf.Tensor3D,
  };
  if (prev && past > 0) {
    const old = prev.keys.shape[1];
    nano.copy_rows(heapOffset(next.keys), capacity * C, C, heapOffset(prev.keys), old * C, C, B, past, C);
    nano.copy_rows(heapOffset(next.values), capacity * C, C, heapOffset(prev.values), old * C, C, B, past, C);
  }
  return next;
}

/**
 * Appends T tokens' keys and values, columns [C, 2C) and [2C, 3C) of qkv (B, T, 3C), after `past` rows.
 * Returns the buffers now holding rows [0, past + T): on wasm `prev` written in place unless it had to grow
 * to `capacity` rows; elsewhere new, concatenated tensors. The caller keeps returned tensors that are not
 * `prev`'s and disposes `prev`'s.
 */
export function appendKV(prev: KVBuffers | undefined, qkv: tf.Tensor3D, past: number, capacity: number): KVBuffers {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  if (kvInPlace()) {
    const buf = reserveKV(prev, B, C, past, past + T, capacity);
    const nano = nanoModule()!, rows = buf.keys.shape[1], src = heapOffset(qkv);
    nano.copy_rows(heapOffset(buf.keys) + 4 * past * C, rows * C, C, src + 4 * C, T * C3, C3, B, T, C);
    nano.copy_rows(heapOffset(buf.values) + 4 * past * C, rows * C, C, src + 8 * C, T * C3, C3, B, T, C);
    return buf;
  }
  return tf.tidy(() => {
    let keys = tf.slice(qkv, [0, 0, C], [B, T, C]) as tf.Tensor3D;
    let values = tf.slice(qkv, [0, 0, 2 * C], [B, T, C]) as tf.Tensor3D;
    if (prev && past > 0) {
      const head = (t: tf.Tensor3D) => (t.shape[1] === past ? t : tf.slice(t, [0, 0, 0], [B, past, C]) as tf.Tensor3D);
      keys = tf.concat([head(prev.keys), keys], 1);
      values = tf.concat([head(prev.values), values], 1);
    }
    return { keys, values };
  });
}
