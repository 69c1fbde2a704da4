// Every kernel nanoinstruct adds or replaces on wasm is checked against TF.js's cpu backend (composite
// ops there), for values and for gradients. This file tests the wasm module; native-kernels.test.ts runs
// the same tests on the native build (NANOINSTRUCT_NATIVE=1 set before importing this file).
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import {
  causalSelfAttention, cachedAttention, canFuseDecode, canFuseTrainingBlock, crossEntropyPerToken, decodeBlock, embedTokens, embedTrainable,
  geluTanh, layerNorm, linear, trainingBlock, IGNORE_INDEX,
  type BlockWeights,
} from "../../lib/engine/ops";
import { appendKV, kvInPlace, reserveKV } from "../../lib/engine/kv-cache";
import { KERNEL_NAMES } from "../../lib/engine/kernel-names";
import { normalSamples } from "../../lib/model/init";
import { assertClose, compareWithCpu, onBackend, rand, type Arr } from "./compare";

const NATIVE = process.env.NANOINSTRUCT_NATIVE === "1";
if (!NATIVE) process.env.NANOINSTRUCT_NATIVE = "0"; // read when the wasm backend first initializes
// The standard wasm module unless the caller chose (wasm-relaxed.test.ts runs these tests on the relaxed one):
// on a runtime with relaxed SIMD (Node 22) the relaxed module would otherwise be the default, and the
// standard one, every older runtime's, would go untested.
process.env.NANOINSTRUCT_WASM_RELAXED ??= "0";
const test = (name: string, fn: () => Promise<void>) => nodeTest(NATIVE ? `[native] ${name}` : name, fn);

const compare = (name: string, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor, differentiable: number[], tol?: number) =>
  compareWithCpu("wasm", name, inputs, f, differentiable, tol);

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
    assertClose(b, a, 1e-5, `${backend} cached vs full`, backend);
  }
});

test("cross-entropy with ignored labels, never one-hot", async () => {
  const labels: Arr = { data: Int32Array.from([4, IGNORE_INDEX, 0, 7, IGNORE_INDEX, 2]), shape: [6], dtype: "int32" };
  await compare("xent", [rand([6, 8], 18, 3), labels], (l, y) => crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D), [0], 1e-5);
  const [loss] = await onBackend("wasm", [rand([6, 8], 18, 3), labels], (l, y) => [crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D)]);
  assert.equal(loss[1], 0);
  assert.equal(loss[4], 0);
});

/** Bitwise equality of two float arrays (NaN-free), reporting the first difference. */
function assertSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} differs (${a[i]} vs ${b[i]})`);
  }
}

test("matMul with few rows (generation's shapes) matches cpu, and the packed path bit for bit", async () => {
  // Two depth blocks (K > 256) and column counts that leave partial tiles.
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    for (const M of [1, 3, 8]) {
      const a = rand(ta ? [300, M] : [M, 300], 20 + M), b = rand(tb ? [45, 300] : [300, 45], 21);
      await compare(`matMul M=${M} ta=${ta} tb=${tb}`, [a, b], (x, y) => tf.matMul(x, y, ta, tb), [], 1e-4);
    }
  }
  // The first M rows of a 20-row product (packed) equal the product of those rows alone (read in place).
  // Not in the native build: there products of more than 16 rows are OpenBLAS's, summed in its own order.
  if (NATIVE) return;
  await initEngine("wasm");
  const A = tf.tensor(rand([20, 300], 22).data, [20, 300]);
  const W = tf.tensor(rand([300, 70], 23).data, [300, 70]), Wt = tf.transpose(W), bias = tf.tensor(rand([70], 24).data, [70]);
  const full = [tf.matMul(A, W), tf.matMul(A, Wt, false, true), linear(A as tf.Tensor2D, W as tf.Tensor2D, bias as tf.Tensor1D)];
  for (const M of [1, 2, 3, 4, 5, 8, 13, 16]) {
    const rows = tf.slice(A, [0, 0], [M, 300]);
    const part = [tf.matMul(rows, W), tf.matMul(rows, Wt, false, true), linear(rows as tf.Tensor2D, W as tf.Tensor2D, bias as tf.Tensor1D)];
    part.forEach((p, i) => assertSameBits(p.dataSync(), full[i].dataSync().subarray(0, M * 70), `M=${M} product ${i}`));
    tf.dispose([rows, ...part]);
  }
  tf.dispose([A, W, Wt, bias, ...full]);
});

test("GELU's four-lane path equals its scalar path bit for bit, value and gradient", async () => {
  await initEngine("wasm");
  const n = 4096, xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = (i / n - 0.5) * 60 * 10 ** ((i % 7) - 4); // tanh saturated, tiny and in between
  const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(geluTanh(x), 1.5)));
  const [all, dall] = tf.tidy(() => [geluTanh(tf.tensor1d(xs)).dataSync(), grad(tf.tensor1d(xs)).dataSync()]);
  const picked = (a: ArrayLike<number>) => Array.from(a).filter((_, i) => i % 13 === 0);
  const alone = (f: (x: tf.Tensor) => tf.Tensor) => picked(xs).map((x) => tf.tidy(() => f(tf.tensor1d([x])).dataSync()[0]));
  assertSameBits(alone(geluTanh), picked(all), "gelu lanes vs scalar");
  assertSameBits(alone(grad), picked(dall), "gelu gradient lanes vs scalar");
});

test("attention softmax's four-lane path equals its scalar tail bit for bit", async () => {
  await initEngine("wasm");
  // One head of size 1 and q = 1, so the scores are the keys; the last 3 of 4m + 3 keys (scalar tail)
  // repeat keys from the four-lane part and must get the very same probabilities.
  for (let trial = 0; trial < 60; trial++) {
    const m = 1 + (trial % 9), S = 4 * m + 3;
    const keys = new Float32Array(S);
    for (let j = 0; j < 4 * m; j++) keys[j] = Math.sin(trial * 31 + j * 7.7) * 120 * 10 ** ((j % 3) - 1);
    const twin = (t: number) => (trial + t * 5) % (4 * m);
    for (let t = 0; t < 3; t++) keys[4 * m + t] = keys[twin(t)];
    const q = tf.tensor3d([[[1]]]), k = tf.tensor3d(keys, [1, S, 1]), v = tf.ones([1, S, 1]);
    const [y, P] = tf.engine().runKernel(KERNEL_NAMES.attention, { q, k, v },
      { nHead: 1, headSize: 1, past: S - 1, qOffset: 0, kOffset: 0, vOffset: 0 }) as tf.Tensor[];
    const p = P.dataSync();
    for (let t = 0; t < 3; t++) assert.ok(Object.is(p[4 * m + t], p[twin(t)]), `trial ${trial}: tail ${t}`);
    tf.dispose([q, k, v, y, P]);
  }
});

/** Random weights of one block (C, 4C MLP) as plain arrays, in BlockWeights' order. */
function blockArrays(C: number, seed: number): Record<keyof BlockWeights, Arr> {
  const ln = (s: number): Arr => ({ data: Float32Array.from(normalSamples(C, 0.1, s), (x) => 1 + x), shape: [C] });
  return {
    ln1G: ln(seed), ln1B: rand([C], seed + 1, 0.1), qkvW: rand([C, 3 * C], seed + 2, 0.3), qkvB: rand([3 * C], seed + 3, 0.1),
    projW: rand([C, C], seed + 4, 0.3), projB: rand([C], seed + 5, 0.1), ln2G: ln(seed + 6), ln2B: rand([C], seed + 7, 0.1),
    fcW: rand([C, 4 * C], seed + 8, 0.3), fcB: rand([4 * C], seed + 9, 0.1), fc2W: rand([4 * C, C], seed + 10, 0.2), fc2B: rand([C], seed + 11, 0.1),
  };
}

/** The block from the separate ops (what the model runs without the fused kernel); returns [y, keys, values]. */
function blockFromOps(x: tf.Tensor3D, w: BlockWeights, pastQkv: tf.Tensor3D, nh: number, bias: tf.Tensor): tf.Tensor[] {
  const [B, T, C] = x.shape, past = pastQkv.shape[1];
  const lin = (t: tf.Tensor, W: tf.Tensor, b: tf.Tensor, out: number) =>
    linear(t.reshape([B * T, -1]) as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D).reshape([B, T, out]) as tf.Tensor3D;
  const qkv = lin(layerNorm(x, w.ln1G, w.ln1B, 1e-5), w.qkvW, w.qkvB, 3 * C);
  const keys = tf.concat([tf.slice(pastQkv, [0, 0, C], [B, past, C]), tf.slice(qkv, [0, 0, C], [B, T, C])], 1) as tf.Tensor3D;
  const values = tf.concat([tf.slice(pastQkv, [0, 0, 2 * C], [B, past, C]), tf.slice(qkv, [0, 0, 2 * C], [B, T, C])], 1) as tf.Tensor3D;
  const x1 = tf.add(x, lin(cachedAttention(qkv, keys, values, nh, bias), w.projW, w.projB, C));
  const hidden = geluTanh(lin(layerNorm(x1, w.ln2G, w.ln2B, 1e-5), w.fcW, w.fcB, 4 * C));
  return [tf.add(x1, lin(hidden, w.fc2W, w.fc2B, C)), keys, values];
}

test("fused decode block equals the separate kernels bit for bit and the cpu backend, writing the cache in place", async () => {
  const B = 2, T = 3, past = 5, S = past + T, C = 24, nh = 3, cap = 12;
  const names = Object.keys(blockArrays(C, 0)) as (keyof BlockWeights)[];
  const mask = new Float32Array(B * T * S);
  for (let i = 0; i < mask.length; i++) if (i % 7 === 3) mask[i] = -1e9; // some padding keys hidden
  const inputs: Arr[] = [rand([B, T, C], 30), rand([B, past, 3 * C], 31), { data: mask, shape: [B, 1, T, S] },
    ...names.map((n) => blockArrays(C, 40)[n])];
  const unpack = (ts: tf.Tensor[]) => {
    const w = Object.fromEntries(names.map((n, i) => [n, ts[3 + i]])) as unknown as BlockWeights;
    return { x: ts[0] as tf.Tensor3D, pastQkv: ts[1] as tf.Tensor3D, bias: ts[2], w };
  };
  const reference = (...ts: tf.Tensor[]) => { const { x, pastQkv, bias, w } = unpack(ts); return blockFromOps(x, w, pastQkv, nh, bias); };
  const cpu = await onBackend("cpu", inputs, reference);
  const separate = await onBackend("wasm", inputs, reference);
  assert.ok(canFuseDecode() && kvInPlace(), "wasm has the fused kernel");
  const fused = await onBackend("wasm", inputs, (...ts) => {
    const { x, pastQkv, bias, w } = unpack(ts);
    const kv = appendKV(undefined, pastQkv, 0, cap); // the past rows, in buffers of `cap` rows
    assert.equal(kv.keys.shape[1], cap);
    const y = decodeBlock(x, w, kv.keys, kv.values, past, nh, 1e-5, bias);
    const out = [y, tf.slice(kv.keys, [0, 0, 0], [B, S, C]), tf.slice(kv.values, [0, 0, 0], [B, S, C])];
    tf.dispose([kv.keys, kv.values]);
    return out;
  });
  ["y", "keys", "values"].forEach((what, i) => {
    assertSameBits(fused[i], separate[i], `fused vs separate kernels: ${what}`);
    assertClose(fused[i], cpu[i], 2e-5, `fused (wasm) vs cpu: ${what}`, "wasm");
  });
});

/** The training block from the separate ops, as the model runs it without the fused kernels. */
function trainingBlockFromOps(x: tf.Tensor3D, w: BlockWeights, nh: number, bias?: tf.Tensor): tf.Tensor3D {
  const [B, T, C] = x.shape;
  const lin = (t: tf.Tensor, W: tf.Tensor, b: tf.Tensor, out: number) =>
    linear(t.reshape([B * T, -1]) as tf.Tensor2D, W as tf.Tensor2D, b as tf.Tensor1D).reshape([B, T, out]) as tf.Tensor3D;
  const qkv = lin(layerNorm(x, w.ln1G, w.ln1B, 1e-5), w.qkvW, w.qkvB, 3 * C);
  const x1 = tf.add(x, lin(causalSelfAttention(qkv, nh, bias), w.projW, w.projB, C));
  const hidden = geluTanh(lin(layerNorm(x1, w.ln2G, w.ln2B, 1e-5), w.fcW, w.fcB, 4 * C));
  return tf.add(x1, lin(hidden, w.fc2W, w.fc2B, C)) as tf.Tensor3D;
}

test("training block (one kernel forward, one backward) equals the separate kernels bit for bit and the cpu backend, values and every gradient", async () => {
  // B x T = 26 rows (the products go to the BLAS / packed path) with a bias per sequence; 9 rows (few-row path) without.
  for (const [B, T, C, nh, withBias] of [[2, 13, 24, 3, true], [1, 9, 16, 2, false]] as const) {
    const names = Object.keys(blockArrays(C, 0)) as (keyof BlockWeights)[];
    const mask = new Float32Array(B * T * T);
    for (let i = 0; i < mask.length; i++) if (i % 5 === 2 && i % T !== Math.floor(i / T) % T) mask[i] = -1e9; // never a row's own key
    const inputs: Arr[] = [rand([B, T, C], 90), ...(withBias ? [{ data: mask, shape: [B, 1, T, T] }] : []),
      ...names.map((n) => blockArrays(C, 91)[n])];
    const first = withBias ? 2 : 1;
    const unpack = (ts: tf.Tensor[]) => ({
      x: ts[0] as tf.Tensor3D, bias: withBias ? ts[1] : undefined,
      w: Object.fromEntries(names.map((n, i) => [n, ts[first + i]])) as unknown as BlockWeights,
    });
    const differentiable = [0, ...names.map((_, i) => first + i)];
    const what = `training block B=${B} T=${T} C=${C} nh=${nh}${withBias ? " bias" : ""}`;
    const fusedBlock = (...ts: tf.Tensor[]) => { const { x, bias, w } = unpack(ts); return trainingBlock(x, w, nh, 1e-5, bias); };
    // on cpu the function falls back to the separate ops; on wasm it is one kernel each way
    await compare(what, inputs, fusedBlock, differentiable, 5e-5);
    // against the separate kernels on wasm, bit for bit: the value and the gradients of sum(y * r)
    const valueAndGrads = (block: (...ts: tf.Tensor[]) => tf.Tensor) => (...ts: tf.Tensor[]) => {
      const r = tf.tensor(rand([B, T, C], 92).data, [B, T, C]);
      const y = block(...ts);
      const gs = tf.grads((...ds: tf.Tensor[]) => tf.sum(tf.mul(block(...ts.map((t, i) => (differentiable.includes(i) ? ds[differentiable.indexOf(i)] : t))), r)))(
        differentiable.map((i) => ts[i]));
      r.dispose();
      return [y, ...gs];
    };
    const separate = await onBackend("wasm", inputs, valueAndGrads((...ts) => { const { x, bias, w } = unpack(ts); return trainingBlockFromOps(x, w, nh, bias); }));
    assert.ok(canFuseTrainingBlock(), "wasm has the fused training block");
    const before = tf.memory();
    const fused = await onBackend("wasm", inputs, valueAndGrads(fusedBlock));
    assert.equal(tf.memory().numTensors, before.numTensors, `${what}: tensors leaked`);
    assert.equal(tf.memory().numDataBuffers, before.numDataBuffers, `${what}: memory leaked`);
    assert.equal(fused.length, 14);
    fused.forEach((f, i) => assertSameBits(f, separate[i], `${what}: fused vs separate kernels, ${i === 0 ? "value" : `gradient of ${["x", ...names][i - 1]}`}`));
  }
});

test("KV cache buffers: written in place on wasm, grown with their rows kept; concatenated on cpu", async () => {
  const B = 2, C = 8;
  const qkvs = [rand([B, 3, 3 * C], 50), rand([B, 1, 3 * C], 51), rand([B, 2, 3 * C], 52)];
  const run = (cap: (filled: number) => number) => (...ts: tf.Tensor[]) => {
    let kv: { keys: tf.Tensor3D; values: tf.Tensor3D } | undefined;
    let filled = 0;
    const owned: tf.Tensor[] = [];
    for (const t of ts as tf.Tensor3D[]) {
      const rows = t.shape[1];
      const next = appendKV(kv, t, filled, cap(filled + rows));
      if (!kv || next.keys !== kv.keys) owned.push(next.keys, next.values);
      kv = next;
      filled += rows;
    }
    const last = kv as { keys: tf.Tensor3D; values: tf.Tensor3D };
    const out = [tf.slice(last.keys, [0, 0, 0], [B, filled, C]), tf.slice(last.values, [0, 0, 0], [B, filled, C])];
    tf.dispose(owned);
    return out;
  };
  const expected = await onBackend("cpu", qkvs, run((n) => n));
  await initEngine("cpu");
  assert.equal(kvInPlace(), false);
  for (const policy of [(n: number) => Math.max(n, 16), (n: number) => n]) { // one allocation; growth at every call
    const got = await onBackend("wasm", qkvs, run(policy));
    got.forEach((g, i) => assertSameBits(g, expected[i], `wasm ${i === 0 ? "keys" : "values"}`));
  }
  // Buffers large enough are reused (written in place, no new tensor).
  await initEngine("wasm");
  const first = reserveKV(undefined, B, C, 0, 4, 16);
  assert.equal(reserveKV(first, B, C, 4, 16, 32), first);
  assert.throws(() => reserveKV(first, B + 1, C, 4, 5, 16), /batch/);
  tf.dispose([first.keys, first.values]);
});

test("token + position embedding (one kernel on wasm) equals gather + add on cpu, and checks its indices", async () => {
  const ids: Arr = { data: Int32Array.from([3, 0, 9, 9, 1, 4]), shape: [2, 3], dtype: "int32" };
  const pos: Arr = { data: Int32Array.from([0, 1, 2, 5, 6, 7]), shape: [2, 3], dtype: "int32" };
  const inputs = [rand([10, 12], 60), rand([8, 12], 61), ids, pos];
  const run = (wte: tf.Tensor, wpe: tf.Tensor, i: tf.Tensor, p: tf.Tensor) =>
    [embedTokens(wte, wpe, i as tf.Tensor2D, p as tf.Tensor2D, 0), embedTokens(wte, wpe, i as tf.Tensor2D, undefined, 5)];
  const cpu = await onBackend("cpu", inputs, run);
  const wasm = await onBackend("wasm", inputs, run);
  wasm.forEach((w, i) => assertSameBits(w, cpu[i], `embedding ${i === 0 ? "with positions" : "from start 5"}`));
  await initEngine("wasm");
  const [wte, wpe] = [tf.zeros([10, 4]), tf.zeros([8, 4])];
  assert.throws(() => embedTokens(wte, wpe, tf.tensor2d([[10]], [1, 1], "int32"), undefined, 0), /token id 10/);
  assert.throws(() => embedTokens(wte, wpe, tf.tensor2d([[1, 2]], [1, 2], "int32"), undefined, 7), /position 8/);
  tf.dispose([wte, wpe]);
});

test("trainable embedding (one kernel and its gradient on wasm) equals gather + slice + add on cpu, values and gradients", async () => {
  // Repeated ids (their rows' gradients add up), positions from 2 in a 9-row table (the gradient is padded).
  const ids: Arr = { data: Int32Array.from([3, 0, 9, 9, 1, 4, 3, 3]), shape: [2, 4], dtype: "int32" };
  for (const [start, P] of [[2, 9], [0, 4]] as const) {
    await compare(`embedding start=${start} of ${P} positions`, [rand([10, 12], 62), rand([P, 12], 63), ids],
      (wte, wpe, i) => embedTrainable(wte, wpe, i as tf.Tensor2D, start), [0, 1], 1e-6);
  }
});

test("tensors saved for our gradients share memory on wasm (no copy, nothing leaked); tf.clone still copies", async () => {
  await initEngine("wasm");
  const x = tf.tensor(rand([256, 256], 70).data, [256, 256]); // 256 KB
  const w = tf.tensor(rand([256, 64], 71).data, [256, 64]), b = tf.zeros([64]);
  const f = (xi: tf.Tensor) => tf.sum(geluTanh(linear(xi as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)));
  tf.grads(f)([x])[0].dispose(); // warm-up
  const before = tf.memory();
  let newBuffers = 0;
  const g = tf.grads((xi: tf.Tensor) => {
    const y = f(xi);
    newBuffers = tf.memory().numDataBuffers - before.numDataBuffers;
    return y;
  })([x])[0];
  // The forward pass makes linear's output, GELU's, the sum, and TF.js's own Sum saves a copy of its input:
  // 4 buffers. Our saved x, w and linear output (GELU's input) share memory; copied, they would make 7.
  assert.equal(newBuffers, 4, `the forward pass holds ${newBuffers} new buffers (7: saved tensors were copied)`);
  g.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors, "the backward pass leaked tensors");
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers, "the backward pass leaked memory");
  const c = tf.clone(x);
  assert.notEqual((c as unknown as { dataId: object }).dataId, (x as unknown as { dataId: object }).dataId);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, "tf.clone must copy");
  tf.dispose([c, x, w, b]);
});

test("AdamW in place equals the float32 formula bit for bit, over a length with a tail (the native build runs it eight lanes wide)", async () => {
  await initEngine("wasm");
  const { adamwInPlace } = await import("../../lib/engine/in-place");
  const f = Math.fround;
  const n = 1003;
  const init = [normalSamples(n, 1, 81), normalSamples(n, 0.01, 82), normalSamples(n, 0.001, 83), normalSamples(n, 1e-4, 84).map(Math.abs)];
  const [p, g, m, v] = init.map((d) => tf.tensor(d, [n]));
  const [rp, rg, rm, rv] = init.map((d) => Float32Array.from(d));
  const lr = f(3e-4), b1 = f(0.9), b2 = f(0.95), eps = f(1e-8), wd = f(0.1);
  for (let t = 1; t <= 2; t++) {
    const bc1 = f(1 - b1 ** t), bc2 = f(1 - b2 ** t), gs = f(t === 1 ? 1 / 2048 : 0.37);
    adamwInPlace(p, g, m, v, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, biasCorrection1: bc1, biasCorrection2: bc2, gradScale: gs });
    // nano_kernels.c's adamw_update, one float32 rounding per operation (a double result rounded to float32
    // is the correctly rounded float32 result for +, -, *, / and sqrt)
    const decay = f(1 - f(lr * wd)), step = f(lr / bc1), rbc2 = f(1 / f(Math.sqrt(bc2)));
    for (let i = 0; i < n; i++) {
      const gi = f(rg[i] * gs);
      const mi = f(f(b1 * rm[i]) + f(f(1 - b1) * gi));
      const vi = f(f(b2 * rv[i]) + f(f(f(1 - b2) * gi) * gi));
      rm[i] = mi;
      rv[i] = vi;
      rp[i] = f(f(rp[i] * decay) - f(f(step * mi) / f(f(f(Math.sqrt(vi)) * rbc2) + eps)));
    }
  }
  assert.deepEqual(p.dataSync(), rp, "parameters");
  assert.deepEqual(m.dataSync(), rm, "first moments");
  assert.deepEqual(v.dataSync(), rv, "second moments");
  tf.dispose([p, g, m, v]);
});
