// Data parallelism (lib/train/parallel.ts): the worker count must not change a run's result. The replicas'
// gradients are summed in micro-batch order, the order an in-process run adds them in, so weights after a
// few steps are bit for bit those of a run on one thread; the pool's timings add up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initEngine } from "../../lib/engine/backend";
import { GPT } from "../../lib/model/gpt";
import { train, arraySource, DEFAULT_LOOP } from "../../lib/train/trainer";
import { ReplicaPool, sumRanges } from "../../lib/train/parallel";
import { globalNorm, normFromSumSquares } from "../../lib/train/optimizer";
import { microBatches } from "../../lib/train/batch";
import { IGNORE_INDEX } from "../../lib/engine/ops";
import * as tf from "@tensorflow/tfjs";

const CFG = { vocabSize: 48, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, layerNormEpsilon: 1e-5 };
const rows = Array.from({ length: 24 }, (_, r) => {
  const ids = Int32Array.from({ length: 13 }, (_, i) => (r * 5 + i * 3) % 48);
  const labels = Int32Array.from(ids.subarray(1), (x, i) => (i < 3 ? IGNORE_INDEX : x));
  return { inputIds: ids.subarray(0, 12), labels };
});

async function run(workers: number): Promise<Map<string, Float32Array>> {
  const dir = mkdtempSync(join(tmpdir(), "nano-parallel-"));
  const model = GPT.create(CFG, 3);
  try {
    await train({
      model, train: arraySource(rows), runDir: dir, configHash: "h",
      config: { ...DEFAULT_LOOP, maxSteps: 3, batchSize: 8, microBatchSize: 2, learningRate: 5e-3, warmupSteps: 1, workers, evalEvery: 0 },
    });
    return new Map([...model.params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("weights after training do not depend on the number of worker threads (bit for bit)", async () => {
  await initEngine("wasm");
  const one = await run(1);
  for (const workers of [2, 3]) {
    const many = await run(workers);
    for (const [name, a] of one) assert.deepEqual(many.get(name), a, `${name} with ${workers} workers`);
  }
});

test("the replica pool reports where a step's time went", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 1);
  const pool = await ReplicaPool.create(model, 2, 4, 0);
  try {
    const g = await pool.gradients(microBatches(rows.slice(0, 8), 2), 1);
    tf.dispose([...g.grads.values()]);
    const t = pool.lastTimings!;
    assert.equal(t.workers.length, 2);
    assert.deepEqual(t.workers.flatMap((w) => w.micro.map((m) => m.slot)).sort(), [0, 1, 2, 3]);
    for (const w of t.workers) {
      const inside = w.syncMs + w.micro.reduce((s, m) => s + m.computeMs + m.copyMs, 0) + w.barrierMs + w.sumMs;
      assert.ok(w.busyMs >= inside - 1e-6 && w.busyMs <= t.waitMs + 1e-6, JSON.stringify(t));
    }
    assert.ok(Math.abs(t.wallMs - t.waitMs - t.sumMs) < 1e-6);
  } finally {
    await pool.close();
    model.dispose();
  }
});

test("the replicas' sums of squares give globalNorm's norm bit for bit, and their ranges cover every parameter once", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 2);
  const pool = await ReplicaPool.create(model, 2, 4, 0);
  try {
    for (const parts of [1, 3]) {
      // three micro-batches on two replicas: one sums slots written by both
      const g = await pool.gradients(microBatches(rows.slice(0, parts * 2), 2), 1);
      const norm = globalNorm(g.grads.values(), 0.25);
      assert.equal(normFromSumSquares(g.sumSquares, 0.25), norm);
      assert.ok(norm > 0);
      tf.dispose([...g.grads.values()]);
    }
  } finally {
    await pool.close();
    model.dispose();
  }
  const sizes = [5, 100, 3, 3, 60, 7, 1];
  for (const parts of [1, 2, 3, 7, 9]) {
    const r = sumRanges(sizes, parts);
    assert.equal(r.length, parts);
    assert.equal(r[0][0], 0);
    assert.equal(r[parts - 1][1], sizes.length);
    for (let i = 1; i < parts; i++) assert.equal(r[i][0], r[i - 1][1], JSON.stringify(r));
  }
  assert.deepEqual(sumRanges([10, 10, 10, 10], 2), [[0, 2], [2, 4]]);
});

test("a replica that fails fails the step with its own error, releases the others, and the pool still works", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 4);
  const pool = await ReplicaPool.create(model, 2, 4, 0);
  try {
    const bad = rows.slice(0, 4).map((r) => ({ ...r, inputIds: r.inputIds.map(() => 0) }));
    bad[2] = { ...bad[2], inputIds: Int32Array.from(bad[2].inputIds, () => 1000) }; // out of the vocabulary
    await assert.rejects(pool.gradients(microBatches(bad, 2), 1), (e: Error) => !/another replica failed/.test(e.message) && /replica failed/.test(e.message));
    const g = await pool.gradients(microBatches(rows.slice(0, 4), 2), 1);
    assert.ok(normFromSumSquares(g.sumSquares) > 0);
    tf.dispose([...g.grads.values()]);
  } finally {
    await pool.close();
    model.dispose();
  }
});
