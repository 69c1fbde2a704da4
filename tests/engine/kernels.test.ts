// Every kernel nanoinstruct adds or replaces on wasm is checked against TF.js's cpu backend (composite
// ops there), for values and for gradients.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { causalSelfAttention, cachedAttention, crossEntropyPerToken, geluTanh, layerNorm, linear, IGNORE_INDEX } from "../../lib/engine/ops";
import { normalSamples } from "../../lib/model/init";

type Arr = { data: Float32Array | Int32Array; shape: number[]; dtype?: "float32" | "int32" };

function rand(shape: number[], seed: number, std = 1): Arr {
  return { data: normalSamples(shape.reduce((a, b) => a * b, 1), std, seed), shape };
}

/** Runs f on a backend with fresh tensors made from `inputs`; returns every output as a flat array. */
async function onBackend(backend: "cpu" | "wasm", inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor[]): Promise<Float32Array[]> {
  await initEngine(backend);
  const xs = inputs.map((a) => tf.tensor(a.data, a.shape, a.dtype ?? "float32"));
  const outs = f(...xs);
  const res = outs.map((o) => Float32Array.from(o.dataSync()));
  tf.dispose([...xs, ...outs]);
  return res;
}

function assertClose(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} at ${at} (wasm ${a[at]}, cpu ${b[at]})`);
}

/** Values of f and the gradients of sum(f * w) for a fixed random w, on both backends. */
async function compare(name: string, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor, differentiable: number[], tol = 2e-5) {
  const run = (...xs: tf.Tensor[]): tf.Tensor[] => {
    const y = f(...xs);
    if (differentiable.length === 0) return [y];
    const w = tf.tensor(normalSamples(y.size, 1, 99), y.shape);
    const g = tf.grads((...ds: tf.Tensor[]) => tf.sum(tf.mul(f(...xs.map((t, i) => (differentiable.includes(i) ? ds[differentiable.indexOf(i)] : t))), w)));
    const grads = g(differentiable.map((i) => xs[i]));
    w.dispose();
    return [y, ...grads];
  };
  const cpu = await onBackend("cpu", inputs, run);
  const wasm = await onBackend("wasm", inputs, run);
  cpu.forEach((c, i) => assertClose(wasm[i], c, tol, `${name} ${i === 0 ? "value" : `gradient ${differentiable[i - 1]}`}`));
}

test("matMul in every transpose combination, batched and broadcast", async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = rand(ta ? [3, 29, 37] : [3, 37, 29], 1), b = rand(tb ? [3, 41, 29] : [3, 29, 41], 2);
    await compare(`matMul ta=${ta} tb=${tb}`, [a, b], (x, y) => tf.matMul(x, y, ta, tb), [0, 1]);
  }
  // TF.js's own BatchMatMul gradient does not reduce broadcast batches (on any backend): values only.
  await compare("matMul broadcast batch", [rand([1, 13, 7], 3), rand([5, 7, 11], 4)], (x, y) => tf.matMul(x, y), []);
  await compare("matMul rank 2 large", [rand([130, 300], 5), rand([300, 70], 6)], (x, y) => tf.matMul(x, y), [0, 1], 1e-4);
});

test("gather's gradient (UnsortedSegmentSum) on wasm", async () => {
  const ids: Arr = { data: Int32Array.from([3, 1, 3, 0, 9, 3]), shape: [2, 3], dtype: "int32" };
  await compare("gather", [rand([10, 6], 7), ids], (w, i) => tf.gather(w, i), [0]);
});

test("linear (matmul + bias, fused) and its gradients", async () => {
  await compare("linear", [rand([19, 24], 8), rand([24, 13], 9), rand([13], 10)],
    (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), [0, 1, 2]);
});

test("GELU (tanh approximation) and its gradient", async () => {
  await compare("gelu", [rand([7, 33], 11, 3)], (x) => geluTanh(x), [0], 1e-5);
});

test("layer norm and its gradients", async () => {
  await compare("layerNorm", [rand([2, 9, 40], 12, 2), rand([40], 13), rand([40], 14)],
    (x, g, b) => layerNorm(x, g, b, 1e-5), [0, 1, 2], 1e-4);
});

test("fused causal self-attention and its gradient, with and without a mask", async () => {
  await compare("attention", [rand([2, 11, 3 * 12], 15)], (qkv) => causalSelfAttention(qkv as tf.Tensor3D, 3), [0], 5e-5);
  const bias = new Float32Array(2 * 11 * 11);
  for (let i = 0; i < bias.length; i++) if ((i * 7) % 5 === 0 && i % 11 !== Math.floor(i / 11) % 11) bias[i] = -1e9;
  await compare("attention+bias", [rand([2, 11, 36], 16), { data: bias, shape: [2, 1, 11, 11] }],
    (qkv, b) => causalSelfAttention(qkv as tf.Tensor3D, 3, b), [0], 5e-5);
});

test("cached attention matches attention over the whole sequence", async () => {
  // The last 4 of 10 positions attend to all earlier keys through the cache path.
  const qkv = rand([2, 10, 24], 17);
  const run = (x: tf.Tensor) => {
    const full = causalSelfAttention(x as tf.Tensor3D, 2);
    const last = tf.slice(x, [0, 6, 0], [2, 4, 24]) as tf.Tensor3D;
    const keys = tf.slice(x, [0, 0, 8], [2, 10, 8]) as tf.Tensor3D, values = tf.slice(x, [0, 0, 16], [2, 10, 8]) as tf.Tensor3D;
    return [tf.slice(full, [0, 6, 0], [2, 4, 8]), cachedAttention(last, keys, values, 2)];
  };
  for (const backend of ["cpu", "wasm"] as const) {
    const [a, b] = await onBackend(backend, [qkv], run);
    assertClose(b, a, 1e-5, `${backend} cached vs full`);
  }
});

test("cross-entropy with ignored labels, never one-hot", async () => {
  const labels: Arr = { data: Int32Array.from([4, IGNORE_INDEX, 0, 7, IGNORE_INDEX, 2]), shape: [6], dtype: "int32" };
  await compare("xent", [rand([6, 8], 18, 3), labels], (l, y) => crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D), [0], 1e-5);
  const [loss] = await onBackend("wasm", [rand([6, 8], 18, 3), labels], (l, y) => [crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D)]);
  assert.equal(loss[1], 0);
  assert.equal(loss[4], 0);
});
