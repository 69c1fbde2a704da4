// The model file computes every step twice over: as the math in plain TF.js ops (useFusedKernels = false)
// and through nanoinstruct's fused kernels (the default). They must be the same function: equal values and
// gradients up to float rounding, in training (with dropout, padding bias and packed positions) and in
// cached generation (where wasm runs each block as one kernel).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { canFuseDecode, canFuseTrainingBlock } from "../../lib/engine/ops";
import { GPT, disposeCache } from "../../lib/model/gpt";
import { lossAndGradients, type TensorBatch } from "../../lib/train/step";
import { IGNORE_INDEX } from "../../lib/engine/ops";
import { assertClose } from "../assert-close";

const CFG = { vocabSize: 48, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0.1, layerNormEpsilon: 1e-5 };


/** Two rows of 12 tokens: the first left-padded (bias masks its first 3 keys), the second two packed samples. */
function makeBatch(packed: boolean): TensorBatch {
  const B = 2, T = 12;
  const inputs = Array.from({ length: B * T }, (_, i) => (i * 11 + 5) % CFG.vocabSize);
  const labels = inputs.map((x, i) => (i % 12 < 3 || i % 7 === 0 ? IGNORE_INDEX : (x * 3 + 1) % CFG.vocabSize));
  const bias = new Float32Array(B * T * T);
  for (let q = 0; q < T; q++) for (let k = 0; k < 3; k++) bias[q * T + k] = -1e9; // row 0: padding keys
  for (let q = 6; q < T; q++) for (let k = 0; k < 6; k++) bias[T * T + q * T + k] = -1e9; // row 1: second sample
  const pos = Array.from({ length: B * T }, (_, i) => (i < T ? i : (i - T) % 6));
  return {
    inputs: tf.tensor2d(inputs, [B, T], "int32"),
    labels: tf.tensor2d(labels, [B, T], "int32"),
    attentionBias: tf.tensor4d(bias, [B, 1, T, T]),
    positions: packed ? tf.tensor2d(pos, [B, T], "int32") : undefined,
    trainedTokens: labels.filter((l) => l !== IGNORE_INDEX).length,
  };
}

function lossAndGrads(model: GPT, batch: TensorBatch, fusedKernels: boolean) {
  model.useFusedKernels = fusedKernels;
  const { lossSum, grads } = lossAndGradients(model, batch, undefined, { training: true, dropoutSeed: 3 });
  const out = new Map([...grads].map(([name, g]) => [name, Float32Array.from(g.dataSync())]));
  tf.dispose([...grads.values()]);
  model.useFusedKernels = true;
  return { lossSum, grads: out };
}

// With dropout the fused path runs each block as separate kernels; without, on wasm, as one kernel forward and
// one backward (trainingBlock).
for (const [packed, dropout] of [[false, 0.1], [true, 0.1], [false, 0], [true, 0]] as const) {
  test(`readable and fused paths agree on loss and every gradient (${packed ? "packed positions" : "default positions"}, ${dropout ? "dropout" : "no dropout: one kernel per block"}, bias)`, async () => {
    await initEngine("wasm");
    if (!dropout) assert.ok(canFuseTrainingBlock(), "wasm has the fused training block, so the comparison covers it");
    const model = GPT.create({ ...CFG, dropout }, 4);
    const batch = makeBatch(packed);
    const fast = lossAndGrads(model, batch, true);
    const plain = lossAndGrads(model, batch, false);
    assert.ok(Math.abs(fast.lossSum - plain.lossSum) <= 1e-5 * Math.abs(plain.lossSum), `loss ${fast.lossSum} vs ${plain.lossSum}`);
    assert.equal(fast.grads.size, model.params.size);
    for (const [name, g] of plain.grads) assertClose(fast.grads.get(name)!, g, 2e-5, name);
    tf.dispose([batch.inputs, batch.labels, batch.attentionBias!, batch.positions!].filter(Boolean));
    model.dispose();
  });
}

test("readable and fused paths agree in cached generation (fused decode block on wasm) and without a cache", async () => {
  await initEngine("wasm");
  assert.ok(canFuseDecode(), "wasm has the fused decode kernel, so the comparison covers it");
  const model = GPT.create({ ...CFG, dropout: 0 }, 6);
  const prompt = [[3, 9, 27, 4, 1], [8, 2, 2, 40, 7]];
  const steps = [[[5], [6]], [[11], [12]], [[13, 14], [15, 16]]];
  const run = (fusedKernels: boolean): Float32Array[] => {
    model.useFusedKernels = fusedKernels;
    const cache = model.newCache();
    const out: Float32Array[] = [];
    for (const ids of [prompt, ...steps]) {
      const x = tf.tensor2d(ids, [2, ids[0].length], "int32");
      const logits = model.forward(x, { cache });
      out.push(Float32Array.from(logits.dataSync()));
      tf.dispose([x, logits]);
    }
    disposeCache(cache);
    model.useFusedKernels = true;
    return out;
  };
  const fast = run(true), plain = run(false);
  fast.forEach((f, i) => assertClose(f, plain[i], 2e-5, `step ${i} logits`));
  // The cached steps equal a forward pass over the whole sequence, on both paths.
  const whole = prompt.map((p, b) => [...p, ...steps.flatMap((s) => s[b])]);
  for (const fusedKernels of [true, false]) {
    model.useFusedKernels = fusedKernels;
    const x = tf.tensor2d(whole, [2, whole[0].length], "int32");
    const logits = model.forward(x);
    const all = logits.arraySync() as number[][][];
    const last = all.map((row) => row[row.length - 1]).flat();
    const cachedLast = fast[fast.length - 1];
    const V = CFG.vocabSize, Tl = steps[steps.length - 1][0].length;
    const cachedRows = [0, 1].flatMap((b) => Array.from(cachedLast.slice((b * Tl + Tl - 1) * V, (b * Tl + Tl) * V)));
    assertClose(last, cachedRows, 2e-5, `full forward (${fusedKernels ? "fused" : "readable"}) vs cached`);
    tf.dispose([x, logits]);
  }
  model.useFusedKernels = true;
  model.dispose();
});
