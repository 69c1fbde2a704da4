// Generation with the KV cache: the fused decode path (wasm), the block-by-block path (LoRA adapters,
// other backends) and recomputing the whole prefix must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { GPT, disposeCache, type KVCache } from "../../lib/model/gpt";
import { generate, generateAsync } from "../../lib/model/generate";
import { applyLora, DEFAULT_LORA } from "../../lib/model/lora";

const CFG = { vocabSize: 61, blockSize: 80, nLayer: 2, nHead: 3, nEmbd: 24, dropout: 0, layerNormEpsilon: 1e-5 };

/** Log-softmax of each row of (rows, V) logits, in float64. */
function logSoftmax(logits: Float32Array, V: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / V; r++) {
    let mx = -Infinity, s = 0;
    for (let j = 0; j < V; j++) mx = Math.max(mx, logits[r * V + j]);
    for (let j = 0; j < V; j++) s += Math.exp(logits[r * V + j] - mx);
    for (let j = 0; j < V; j++) out[r * V + j] = logits[r * V + j] - mx - Math.log(s);
  }
  return out;
}

/** Last-position logits (B, V) of each step when feeding `chunks` of tokens (B, T_i) through one cache. */
function cachedSteps(model: GPT, chunks: number[][][], cache: KVCache): Float32Array[] {
  return chunks.map((chunk) => tf.tidy(() => {
    const B = chunk.length, T = chunk[0].length;
    const logits = model.forward(tf.tensor2d(chunk.flat(), [B, T], "int32"), { cache });
    return tf.slice(logits, [0, T - 1, 0], [B, 1, -1]).dataSync() as Float32Array;
  }));
}

/** The same logits recomputed from the whole prefix at every step (no cache). */
function recomputedSteps(model: GPT, chunks: number[][][]): Float32Array[] {
  const prefix: number[][] = chunks[0].map(() => []);
  return chunks.map((chunk) => tf.tidy(() => {
    chunk.forEach((row, b) => prefix[b].push(...row));
    const B = prefix.length, T = prefix[0].length;
    const logits = model.forward(tf.tensor2d(prefix.flat(), [B, T], "int32"));
    return tf.slice(logits, [0, T - 1, 0], [B, 1, -1]).dataSync() as Float32Array;
  }));
}

/** A prompt chunk then single tokens; 70 of them make an unreserved wasm cache grow twice (32 -> 64 -> 80 rows). */
function chunks(B: number, tokens = 70): number[][][] {
  const out: number[][][] = [Array.from({ length: B }, (_, b) => [1 + b, 7, 3, 9, 4])];
  for (let s = 0; s < tokens; s++) out.push(Array.from({ length: B }, (_, b) => [(s * 13 + b * 5) % CFG.vocabSize]));
  return out;
}

for (const backend of ["wasm", "cpu"] as const) {
  test(`cached decoding matches recomputing the prefix on ${backend} (log-probs within 1e-5)`, async () => {
    await initEngine(backend);
    const model = GPT.create(CFG, 11);
    const steps = chunks(2, backend === "wasm" ? 70 : 20); // the cpu backend is slow
    const cache = model.newCache(); // no reserve: exercises growth
    const cached = cachedSteps(model, steps, cache);
    assert.equal(cache.length, steps.length + 4);
    disposeCache(cache);
    const full = recomputedSteps(model, steps);
    cached.forEach((c, s) => {
      const a = logSoftmax(c, CFG.vocabSize), b = logSoftmax(full[s], CFG.vocabSize);
      const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
      assert.ok(worst < 1e-5, `step ${s}: max |log-prob diff| ${worst}`);
    });
    model.dispose();
  });
}

test("on wasm the fused block, the block-by-block path and a reserved or growing cache agree bit for bit", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 12);
  const steps = chunks(3);
  const run = (reserve?: number) => {
    const cache = model.newCache(reserve);
    const out = cachedSteps(model, steps, cache);
    disposeCache(cache);
    return out;
  };
  const grown = run(), reserved = run(75);
  // Zero-initialized LoRA adapters add exactly zero but send every block through the separate kernels.
  const adapters = applyLora(model, { ...DEFAULT_LORA, dropout: 0 });
  const separate = run();
  assert.ok(model.adapters.size > 0);
  grown.forEach((g, s) => {
    assert.deepEqual(reserved[s], g, `step ${s}: reserved vs grown cache`);
    assert.deepEqual(separate[s], g, `step ${s}: block-by-block vs fused`);
  });
  for (const v of adapters.values()) v.dispose();
  model.dispose();
});

test("generate() on wasm: greedy ids equal to the uncached path and to cpu for batched, padded prompts", async () => {
  const prompts = [[5, 9, 2, 7, 1], [3], [8, 8, 4]];
  await initEngine("wasm");
  let model = GPT.create(CFG, 13);
  const cached = generate(model, prompts, { maxNewTokens: 40 }).map((g) => g.ids);
  const uncached = generate(model, prompts, { maxNewTokens: 40, useCache: false }).map((g) => g.ids);
  assert.deepEqual(cached, uncached);
  const before = tf.memory().numTensors;
  generate(model, prompts, { maxNewTokens: 10, temperature: 1, seed: 2 });
  assert.equal(tf.memory().numTensors, before, "the cache's buffers are released");
  model.dispose();
  await initEngine("cpu");
  model = GPT.create(CFG, 13);
  assert.deepEqual(generate(model, prompts, { maxNewTokens: 40 }).map((g) => g.ids), cached);
  model.dispose();
  await initEngine("wasm");
});

test("generate() and generateAsync() run one decoding loop: the same generations, streamed tokens and cleanup", async () => {
  const prompts = [[5, 9, 2, 7, 1], [3], [8, 8, 4]];
  const decode = (ids: number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join("");
  for (const backend of ["wasm", "cpu"] as const) {
    await initEngine(backend);
    const model = GPT.create(CFG, 13);
    for (const cfg of [{ maxNewTokens: 30 }, { maxNewTokens: 30, temperature: 1.2, topK: 20, seed: 4, stopTokenIds: [7] }, { maxNewTokens: 30, useCache: false, temperature: 0.9, seed: 1 }]) {
      const streamed: [number, number][][] = [[], []];
      const before = tf.memory().numTensors;
      const sync = generate(model, prompts, cfg, decode, (b, id) => streamed[0].push([b, id]));
      const async = await generateAsync(model, prompts, cfg, decode, (b, id) => streamed[1].push([b, id]));
      assert.deepEqual(async, sync, `${backend} ${JSON.stringify(cfg)}`);
      assert.deepEqual(streamed[1], streamed[0]);
      assert.equal(tf.memory().numTensors, before, "every step's logits and the cache are released");
    }
    // A step that fails mid-way (here the streaming callback; on webgpu a synchronous read, webgpu.test.ts) ends
    // the loop and still releases the cache.
    const before = tf.memory().numTensors;
    const boom = (_b: number, id: number) => { if (id >= 0) throw new Error("stop here"); };
    assert.throws(() => generate(model, prompts, { maxNewTokens: 5 }, undefined, boom), /stop here/);
    await assert.rejects(generateAsync(model, prompts, { maxNewTokens: 5 }, undefined, boom), /stop here/);
    assert.equal(tf.memory().numTensors, before, "a failed generation leaks nothing");
    model.dispose();
  }
  await initEngine("wasm");
});
