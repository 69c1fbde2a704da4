import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { GPT } from "../../lib/model/gpt";
import { train, arraySource, DEFAULT_LOOP, type LoopConfig } from "../../lib/train/trainer";
import { lrAt } from "../../lib/train/schedule";
import { readCheckpoint, listCheckpoints } from "../../lib/train/checkpoint";
import { MetricsLog, NONDETERMINISTIC_FIELDS } from "../../lib/train/metrics";
import { IGNORE_INDEX } from "../../lib/engine/ops";

const CFG = { vocabSize: 48, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, layerNormEpsilon: 1e-5 };
const rows = Array.from({ length: 24 }, (_, r) => {
  const ids = Int32Array.from({ length: 13 }, (_, i) => (r * 5 + i * 3) % 48);
  const labels = Int32Array.from(ids.subarray(1), (x, i) => (i < 3 ? IGNORE_INDEX : x));
  return { inputIds: ids.subarray(0, 12), labels };
});
const loop = (o: Partial<LoopConfig>): LoopConfig => ({ ...DEFAULT_LOOP, maxSteps: 6, batchSize: 8, microBatchSize: 8, learningRate: 5e-3, warmupSteps: 2, workers: 1, evalEvery: 3, ...o });
const tmp = () => mkdtempSync(join(tmpdir(), "nano-train-"));
const weights = (m: GPT) => new Map([...m.params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
const strip = (lines: object[]) => lines.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !(NONDETERMINISTIC_FIELDS as readonly string[]).includes(k))));

test("learning-rate schedules: warmup, then constant / linear / cosine to the floor", () => {
  const base = { learningRate: 1, warmupSteps: 10, totalSteps: 110, minLrRatio: 0.1 };
  assert.equal(lrAt(5, { ...base, schedule: "cosine" }), 0.5);
  assert.equal(lrAt(10, { ...base, schedule: "cosine" }), 1);
  assert.ok(Math.abs(lrAt(60, { ...base, schedule: "cosine" }) - 0.55) < 1e-12);
  assert.ok(Math.abs(lrAt(110, { ...base, schedule: "cosine" }) - 0.1) < 1e-12);
  assert.ok(Math.abs(lrAt(60, { ...base, schedule: "linear" }) - 0.55) < 1e-12);
  assert.equal(lrAt(100, { ...base, schedule: "constant" }), 1);
});

test("gradient accumulation over k micro-batches gives the same update as one batch", async () => {
  await initEngine("wasm");
  const results: Map<string, Float32Array>[] = [];
  for (const micro of [8, 2]) {
    const dir = tmp();
    const model = GPT.create(CFG, 4);
    await train({ model, train: arraySource(rows), config: loop({ maxSteps: 1, microBatchSize: micro, evalEvery: 0 }), runDir: dir, configHash: "h" });
    results.push(weights(model));
    model.dispose();
    rmSync(dir, { recursive: true });
  }
  for (const [name, a] of results[0]) {
    const b = results[1].get(name)!;
    const worst = a.reduce((w, x, i) => Math.max(w, Math.abs(x - b[i])), 0);
    assert.ok(worst < 2e-6, `${name}: ${worst}`);
  }
});

test("a run stopped after a checkpoint and resumed ends exactly like an uninterrupted run", async () => {
  await initEngine("wasm");
  const whole = tmp(), parts = tmp();
  const m1 = GPT.create(CFG, 7);
  const r1 = await train({ model: m1, train: arraySource(rows), eval: arraySource(rows.slice(0, 4)), config: loop({ checkpointEvery: 2 }), runDir: whole, configHash: "h" });
  const m2 = GPT.create(CFG, 7);
  await train({ model: m2, train: arraySource(rows), eval: arraySource(rows.slice(0, 4)), config: loop({ checkpointEvery: 2 }), runDir: parts, configHash: "h", stopAfterStep: 4 });
  m2.dispose();
  const m3 = GPT.create(CFG, 99); // different init: everything must come from the checkpoint
  const r3 = await train({ model: m3, train: arraySource(rows), eval: arraySource(rows.slice(0, 4)), config: loop({ checkpointEvery: 2 }), runDir: parts, configHash: "h", resume: true });
  assert.equal(r3.resumedFrom, 4);
  assert.equal(r3.finalLoss, r1.finalLoss);
  assert.deepEqual(strip(new MetricsLog(join(parts, "metrics.jsonl")).read()), strip(new MetricsLog(join(whole, "metrics.jsonl")).read()));
  const w1 = weights(m1), w3 = weights(m3);
  for (const [n, a] of w1) assert.deepEqual(w3.get(n), a, n);
  // A different config refuses to resume.
  await assert.rejects(train({ model: m3, train: arraySource(rows), config: loop({}), runDir: parts, configHash: "other", resume: true }), /different config/);
  for (const m of [m1, m3]) m.dispose();
  rmSync(whole, { recursive: true });
  rmSync(parts, { recursive: true });
});

test("a damaged checkpoint is detected by its content hashes", async () => {
  await initEngine("wasm");
  const dir = tmp();
  const m = GPT.create(CFG, 1);
  await train({ model: m, train: arraySource(rows), config: loop({ maxSteps: 2, checkpointEvery: 2, evalEvery: 0 }), runDir: dir, configHash: "h" });
  m.dispose();
  const ck = join(dir, "checkpoints", `step-${listCheckpoints(dir).pop()}`);
  readCheckpoint(ck); // intact
  const f = join(ck, "optimizer.safetensors");
  const bytes = readFileSync(f);
  bytes[bytes.length - 3] ^= 0xff;
  writeFileSync(f, bytes);
  assert.throws(() => readCheckpoint(ck), /content hash does not match/);
  rmSync(dir, { recursive: true });
});

test("the NaN/Inf guard skips the update or stops with a message", async () => {
  await initEngine("wasm");
  const dir = tmp();
  const bad = rows.map((r) => ({ ...r }));
  const m = GPT.create(CFG, 1);
  // An infinite weight makes every loss NaN.
  const w = m.p("transformer.ln_f.weight");
  const inf = tf.fill(w.shape, Infinity);
  w.assign(inf);
  inf.dispose();
  const before = weights(m);
  const steps: boolean[] = [];
  // Every update is skipped; the run still fails at its checkpoint, because the weights are not finite.
  await assert.rejects(train({ model: m, train: arraySource(bad), config: loop({ maxSteps: 2, evalEvery: 0, nanGuard: "skip" }), runDir: dir, configHash: "h", callbacks: { onStep: (s) => { steps.push(!!s.skipped); } } }),
    /step 2: weight 'transformer\.ln_f\.weight' is Infinity: the weights are no longer finite/);
  assert.deepEqual(steps, [true, true]);
  assert.deepEqual(weights(m).get("transformer.h.0.attn.c_attn.weight"), before.get("transformer.h.0.attn.c_attn.weight"));
  await assert.rejects(train({ model: m, train: arraySource(bad), config: loop({ maxSteps: 2, evalEvery: 0, nanGuard: "stop" }), runDir: dir, configHash: "h" }), /NaN\/Inf.*stopped/);
  m.dispose();
  rmSync(dir, { recursive: true });
});

test("early stopping ends the run when eval loss stops improving", async () => {
  await initEngine("wasm");
  const dir = tmp();
  const m = GPT.create(CFG, 1);
  const r = await train({ model: m, train: arraySource(rows), eval: arraySource(rows.slice(0, 2)), config: loop({ maxSteps: 40, learningRate: 0.5, warmupSteps: 0, evalEvery: 1, earlyStoppingPatience: 2, earlyStoppingMinDelta: 10 }), runDir: dir, configHash: "h" });
  assert.ok(r.stoppedEarly);
  assert.ok(r.steps < 40);
  m.dispose();
  rmSync(dir, { recursive: true });
});
