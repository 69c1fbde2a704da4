// A long run (issue #10): 2,000 optimizer steps on a tiny GPT (1 layer, 32 dims, context 16, batch 2), in
// this process, with evaluations and checkpoints along the way. The number of live tensors must not move
// after warm-up, and memory that survives a garbage collection must not grow: a leak of even one small
// tensor or buffer per step would show as thousands of tensors or megabytes by the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { GPT } from "../../lib/model/gpt";
import { arraySource, DEFAULT_LOOP, train } from "../../lib/train/trainer";
import { listCheckpoints } from "../../lib/train/checkpoint";

const STEPS = 2000;
const WARMUP = 200;
/** Growth allowed between the end of warm-up and the last step, measured after a full GC. */
const HEAP_BOUND_MB = 8;
const RSS_BOUND_MB = 32;

// A full collection on demand, so that what is measured is memory still referenced, not garbage V8 has not
// got round to yet (without it, RSS wanders by tens of MB on a run this short).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test(`${STEPS} training steps: live tensors flat after warm-up, retained memory bounded`, async () => {
  await initEngine("wasm");
  const dir = mkdtempSync(join(tmpdir(), "nano-long-"));
  const cfg = { vocabSize: 64, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, layerNormEpsilon: 1e-5 };
  const rows = Array.from({ length: 64 }, (_, r) => {
    const ids = Int32Array.from({ length: 17 }, (_, i) => (r * 7 + i * 3) % 64);
    return { inputIds: ids.subarray(0, 16), labels: ids.subarray(1) };
  });
  const before = tf.memory().numTensors;
  const model = GPT.create(cfg, 1);
  const tensors: number[] = [];
  const samples: { step: number; heapMb: number; rssMb: number }[] = [];
  const t0 = performance.now();
  try {
    const result = await train({
      model, train: arraySource(rows), eval: arraySource(rows.slice(0, 8)), runDir: dir, configHash: "long",
      config: { ...DEFAULT_LOOP, maxSteps: STEPS, batchSize: 2, microBatchSize: 2, learningRate: 3e-3, workers: 1, evalEvery: 250, checkpointEvery: 500, keepCheckpoints: 2 },
      callbacks: {
        onStep(m) {
          tensors.push(m.num_tensors);
          if (m.step === WARMUP || m.step % 500 === 0) {
            gc();
            const u = process.memoryUsage();
            samples.push({ step: m.step, heapMb: u.heapUsed / 2 ** 20, rssMb: u.rss / 2 ** 20 });
          }
        },
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(result.steps, STEPS);
    assert.ok(result.finalLoss < 1, `the model learned nothing: final loss ${result.finalLoss}`);
    assert.deepEqual(listCheckpoints(dir), [1500, 2000]);
    const settled = tensors.slice(WARMUP - 1);
    assert.ok(settled.every((n) => n === settled[0]), `live tensors moved after warm-up: ${Math.min(...settled)}..${Math.max(...settled)}`);
    const start = samples.find((s) => s.step === WARMUP)!, end = samples[samples.length - 1];
    const heapGrowth = end.heapMb - start.heapMb, rssGrowth = end.rssMb - start.rssMb;
    console.log(`long run: ${STEPS} steps in ${seconds.toFixed(1)} s (${(1000 * seconds / STEPS).toFixed(1)} ms/step); ` +
      `live tensors ${settled[0]} from step ${WARMUP} to ${STEPS}; after GC heap ${start.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB, ` +
      `RSS ${start.rssMb.toFixed(0)} -> ${end.rssMb.toFixed(0)} MB (bounds +${HEAP_BOUND_MB} / +${RSS_BOUND_MB} MB); final loss ${result.finalLoss.toFixed(4)}`);
    assert.ok(heapGrowth < HEAP_BOUND_MB, `JS heap grew ${heapGrowth.toFixed(1)} MB over ${STEPS - WARMUP} steps`);
    assert.ok(rssGrowth < RSS_BOUND_MB, `RSS grew ${rssGrowth.toFixed(1)} MB over ${STEPS - WARMUP} steps`);
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  // Everything the run created is gone again (the optimizer's moments included).
  assert.equal(tf.memory().numTensors, before);
});
