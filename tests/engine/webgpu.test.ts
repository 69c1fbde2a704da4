// The WebGPU backend (Dawn through the optional `webgpu` package) against TF.js's cpu backend: every
// operation the model trains and generates with, values and gradients. On a machine without a GPU it runs
// on Mesa's llvmpipe (scripts/setup-system.sh installs it); without Mesa or the package, it skips with
// the reason. The training runs (loss curve against cpu, LoRA, cross-backend resume) are in
// tests/finetune/webgpu-train.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { causalSelfAttention, cachedAttention, crossEntropyPerToken, embedTokens, embedTrainable, geluTanh, layerNorm, linear, IGNORE_INDEX } from "../../lib/engine/ops";
import { loadModel } from "../../lib/model/load";
import { generate, generateAsync } from "../../lib/model/generate";
import { tokenLogprobs, tokenLogprobsAsync } from "../../lib/model/score";
import { AdamW } from "../../lib/train/optimizer";
import { lossAndGradientsAsync } from "../../lib/train/step";
import { webgpuErrors } from "../../lib/engine/webgpu";
import { runProbes, worldKnowledge } from "../../lib/pretrain/probes";
import { clozeProbes, generateWorld } from "../../lib/world/index";
import { webgpuProblem } from "./webgpu-available";
import { assertClose, compareWithCpu, onBackend, rand, type Arr } from "./compare";

const skip = await webgpuProblem();

const compare = (name: string, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor, differentiable: number[], tol?: number) =>
  compareWithCpu("webgpu", name, inputs, f, differentiable, tol);

test("webgpu: the engine names the adapter", { skip }, async () => {
  const info = await initEngine("webgpu");
  assert.equal(info.backend, "webgpu");
  assert.ok(info.adapter, "adapter info");
  assert.equal(typeof info.adapter.software, "boolean");
  assert.match(info.device, /webgpu: /);
});

test("webgpu: matMul (every transpose), gather and its gradient", { skip }, async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = rand(ta ? [3, 29, 37] : [3, 37, 29], 1), b = rand(tb ? [3, 41, 29] : [3, 29, 41], 2);
    await compare(`matMul ta=${ta} tb=${tb}`, [a, b], (x, y) => tf.matMul(x, y, ta, tb), [0, 1], 1e-4);
  }
  const ids: Arr = { data: Int32Array.from([3, 1, 3, 0, 9, 3]), shape: [2, 3], dtype: "int32" };
  await compare("gather", [rand([10, 6], 7), ids], (w, i) => tf.gather(w, i), [0]);
});

test("webgpu: linear, GELU, dropout, layer norm with gradients", { skip }, async () => {
  await compare("linear", [rand([19, 24], 8), rand([24, 13], 9), rand([13], 10)],
    (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), [0, 1, 2], 1e-4);
  await compare("gelu", [rand([7, 33], 11, 3)], (x) => geluTanh(x), [0], 1e-5);
  await compare("dropout (seeded)", [rand([7, 33], 21)], (x) => tf.dropout(x, 0.3, undefined, 7), [0]);
  await compare("layerNorm", [rand([2, 9, 40], 12, 2), rand([40], 13), rand([40], 14)],
    (x, g, b) => layerNorm(x, g, b, 1e-5), [0, 1, 2], 1e-4);
});

test("webgpu: causal self-attention with and without a mask, and the cached path", { skip }, async () => {
  await compare("attention", [rand([2, 11, 36], 15)], (qkv) => causalSelfAttention(qkv as tf.Tensor3D, 3), [0], 5e-5);
  const bias = new Float32Array(2 * 11 * 11);
  for (let i = 0; i < bias.length; i++) if ((i * 7) % 5 === 0 && i % 11 !== Math.floor(i / 11) % 11) bias[i] = -1e9;
  await compare("attention+bias", [rand([2, 11, 36], 16), { data: bias, shape: [2, 1, 11, 11] }],
    (qkv, b) => causalSelfAttention(qkv as tf.Tensor3D, 3, b), [0], 5e-5);
  const run = (x: tf.Tensor) => {
    const last = tf.slice(x, [0, 6, 0], [2, 4, 24]) as tf.Tensor3D;
    const keys = tf.slice(x, [0, 0, 8], [2, 10, 8]) as tf.Tensor3D, values = tf.slice(x, [0, 0, 16], [2, 10, 8]) as tf.Tensor3D;
    return [tf.slice(causalSelfAttention(x as tf.Tensor3D, 2), [0, 6, 0], [2, 4, 8]), cachedAttention(last, keys, values, 2)];
  };
  const [full, cached] = await onBackend("webgpu", [rand([2, 10, 24], 17)], run);
  assertClose(cached, full, 1e-5, "webgpu cached vs full", "webgpu");
});

test("webgpu: cross-entropy with ignored labels; embeddings and their gradients", { skip }, async () => {
  const labels: Arr = { data: Int32Array.from([4, IGNORE_INDEX, 0, 7, IGNORE_INDEX, 2]), shape: [6], dtype: "int32" };
  await compare("xent", [rand([6, 8], 18, 3), labels], (l, y) => crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D), [0], 1e-5);
  const [loss] = await onBackend("webgpu", [rand([6, 8], 18, 3), labels], (l, y) => [crossEntropyPerToken(l as tf.Tensor2D, y as tf.Tensor1D)]);
  assert.equal(loss[1], 0);
  assert.equal(loss[4], 0);
  const ids: Arr = { data: Int32Array.from([3, 1, 3, 0, 9, 3, 2, 2]), shape: [2, 4], dtype: "int32" };
  await compare("embedTrainable", [rand([10, 6], 19), rand([7, 6], 20), ids], (wte, wpe, i) => embedTrainable(wte, wpe, i as tf.Tensor2D, 2), [0, 1]);
  const pos: Arr = { data: Int32Array.from([0, 1, 2, 3, 0, 0, 1, 2]), shape: [2, 4], dtype: "int32" };
  await compare("embedTokens", [rand([10, 6], 19), rand([7, 6], 20), ids, pos], (wte, wpe, i, p) => embedTokens(wte, wpe, i as tf.Tensor2D, p as tf.Tensor2D, 0), []);
});

test("webgpu: KV-cache generation and scoring equal cpu's; sync reads fail with one clear line", { skip }, async () => {
  const prompts = [[256, 302, 78], [5, 9]]; // two lengths: left padding and its attention mask
  const greedy = { maxNewTokens: 12, useCache: true };
  const sampled = { maxNewTokens: 12, useCache: true, temperature: 0.8, topK: 20, seed: 3 };
  await initEngine("cpu");
  const ref = await loadModel("tests/fixtures/tiny-gpt2");
  const want = [generate(ref.model, prompts, greedy), generate(ref.model, prompts, sampled), tokenLogprobs(ref.model, [256, 302, 78, 260, 277])];
  ref.model.dispose();
  await initEngine("webgpu");
  const { model } = await loadModel("tests/fixtures/tiny-gpt2");
  try {
    const noCache = await generateAsync(model, prompts, { ...greedy, useCache: false });
    const got = [await generateAsync(model, prompts, greedy), await generateAsync(model, prompts, sampled)];
    assert.deepEqual(got[0].map((g) => g.ids), (want[0] as typeof got[0]).map((g) => g.ids), "greedy tokens");
    assert.deepEqual(noCache.map((g) => g.ids), got[0].map((g) => g.ids), "with and without the cache");
    assert.deepEqual(got[1].map((g) => g.ids), (want[1] as typeof got[0]).map((g) => g.ids), "sampled tokens");
    const lp = await tokenLogprobsAsync(model, [256, 302, 78, 260, 277]);
    assertClose(Float32Array.from(lp), Float32Array.from(want[2] as number[]), 1e-5, "logprobs", "webgpu");
    assert.throws(() => generate(model, prompts, greedy), /cannot read a tensor synchronously.*generateAsync/);
  } finally {
    model.dispose();
  }
});

test("webgpu: tf.memory() flat over training steps and generations; no device errors", { skip }, async () => {
  await initEngine("webgpu");
  const { model } = await loadModel("tests/fixtures/tiny-gpt2");
  const opt = new AdamW(model.params, { weightDecay: 0.1 });
  const B = 2, T = 16, V = model.config.vocabSize;
  const ids = Int32Array.from({ length: B * (T + 1) }, (_, i) => (i * 7919) % V);
  const inputs = tf.tensor2d(ids.subarray(0, B * T), [B, T], "int32");
  const labels = tf.tensor2d(ids.subarray(B, B + B * T), [B, T], "int32");
  const seen: { tensors: number; bytes: number }[] = [];
  try {
    for (let s = 0; s < 4; s++) {
      const { grads } = await lossAndGradientsAsync(model, { inputs, labels, trainedTokens: B * T });
      opt.apply(grads, 1e-3, 1 / (B * T));
      tf.dispose([...grads.values()]);
      await generateAsync(model, [[1, 2, 3]], { maxNewTokens: 4 });
      const m = tf.memory();
      seen.push({ tensors: m.numTensors, bytes: m.numBytes });
    }
    // After the first step (which creates the optimizer's state), nothing accumulates.
    assert.deepEqual(seen.slice(2), [seen[1], seen[1]], JSON.stringify(seen));
    assert.equal(webgpuErrors().count, 0, webgpuErrors().first);
  } finally {
    tf.dispose([inputs, labels]);
    opt.dispose();
    model.dispose();
  }
});

test("webgpu: pretraining's probes (cloze, instructions, world knowledge) give cpu's answers", { skip }, async () => {
  const world = generateWorld(0);
  const probes = clozeProbes(world, { reverseTranslations: false });
  const all = clozeProbes(world).filter((_p, i) => i % 97 === 0);
  const answers = async (backend: "cpu" | "webgpu") => {
    await initEngine(backend);
    const { model, tokenizer } = await loadModel("tests/fixtures/tiny-gpt2");
    try {
      const p = await runProbes(model, tokenizer, world, probes, 1, 4);
      const k = await worldKnowledge(model, tokenizer, all, 8);
      return { cloze: p.results.map((r) => r.cloze), asked: p.results.map((r) => r.instructionOutput), knowledge: k.accuracy, misses: k.misses };
    } finally {
      model.dispose();
    }
  };
  const cpu = await answers("cpu");
  assert.ok(cpu.cloze.length >= 4);
  assert.deepEqual(await answers("webgpu"), cpu);
});
