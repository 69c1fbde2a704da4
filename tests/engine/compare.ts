// What the kernel tests share (kernels.test.ts for wasm and the native build, webgpu.test.ts): random inputs,
// running a function on a backend with fresh tensors, and comparing values and gradients with TF.js's cpu
// backend, the reference.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine, type BackendName } from "../../lib/engine/backend";
import { normalSamples } from "../../lib/model/init";

export type Arr = { data: Float32Array | Int32Array; shape: number[]; dtype?: "float32" | "int32" };

export function rand(shape: number[], seed: number, std = 1): Arr {
  return { data: normalSamples(shape.reduce((a, b) => a * b, 1), std, seed), shape };
}

/**
 * Runs f on a backend with fresh tensors made from `inputs`; returns every output as a flat array (read
 * asynchronously, which every backend can do, webgpu included).
 */
export async function onBackend(backend: BackendName, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor[]): Promise<Float32Array[]> {
  await initEngine(backend);
  const xs = inputs.map((a) => tf.tensor(a.data, a.shape, a.dtype ?? "float32"));
  const outs = f(...xs);
  const res: Float32Array[] = [];
  for (const o of outs) res.push(Float32Array.from(await o.data()));
  tf.dispose([...xs, ...outs]);
  return res;
}

/** max |a - b| / (1 + |b|) <= tol, reporting the worst element; `label` names a's backend in the message. */
export function assertClose(a: Float32Array, b: Float32Array, tol: number, what: string, label = "got"): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} at ${at} (${label} ${a[at]}, cpu ${b[at]})`);
}

/** Values of f and the gradients of sum(f * w) for a fixed random w, on `backend` against the cpu backend. */
export async function compareWithCpu(backend: BackendName, name: string, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor, differentiable: number[], tol = 2e-5) {
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
  const got = await onBackend(backend, inputs, run);
  cpu.forEach((c, i) => assertClose(got[i], c, tol, `${name} ${i === 0 ? "value" : `gradient ${differentiable[i - 1]}`}`, backend));
}
