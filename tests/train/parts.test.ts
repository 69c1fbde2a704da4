// The trainer's parts on their own: rows to tensors (padding, packing's positions and block-diagonal mask,
// which must make a packed row compute what its samples compute alone), micro-batches, checkpoints
// (round trip, listing, pruning), metrics.jsonl (a cut line, truncation on resume) and evaluation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../../lib/engine/backend";
import { IGNORE_INDEX } from "../../lib/engine/ops";
import { GPT } from "../../lib/model/gpt";
import type { Row } from "../../lib/data/collate";
import { microBatches, rowsToBatch } from "../../lib/train/batch";
import { disposeBatch } from "../../lib/train/step";
import { listCheckpoints, pruneCheckpoints, readCheckpoint, writeCheckpoint } from "../../lib/train/checkpoint";
import { MetricsLog, type EvalMetrics, type StepMetrics } from "../../lib/train/metrics";
import { arraySource, epochOrder, evaluate } from "../../lib/train/trainer";

const CFG = { vocabSize: 40, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, layerNormEpsilon: 1e-5 };
const tmp = () => mkdtempSync(join(tmpdir(), "nano-parts-"));

test("rowsToBatch pads rows on the right (pad id, ignored labels) and counts trained tokens", async () => {
  await initEngine("wasm");
  const rows: Row[] = [
    { inputIds: [5, 6, 7, 8], labels: [IGNORE_INDEX, 7, 8, 9] },
    { inputIds: [1, 2], labels: [2, 3] },
  ];
  const b = rowsToBatch(rows, 33);
  assert.deepEqual(b.inputs.arraySync(), [[5, 6, 7, 8], [1, 2, 33, 33]]);
  assert.deepEqual(b.labels.arraySync(), [[IGNORE_INDEX, 7, 8, 9], [2, 3, IGNORE_INDEX, IGNORE_INDEX]]);
  assert.equal(b.trainedTokens, 5);
  assert.equal(b.positions, undefined);
  assert.equal(b.attentionBias, undefined, "right padding needs no mask: causal attention never looks ahead");
  disposeBatch(b);
});

test("rowsToBatch for packed rows: positions restart per sample and no token sees another sample's", async () => {
  await initEngine("wasm");
  const row: Row = { inputIds: [3, 4, 5, 9, 8], labels: [4, 5, IGNORE_INDEX, 8, 7], positionIds: [0, 1, 2, 0, 1], segmentIds: [1, 1, 1, 2, 2] };
  // A packed row, a shorter packed one, and an unpacked one (no positions or segments: 0..n-1, one segment).
  const b = rowsToBatch([row, { ...row, inputIds: [3, 4, 5], labels: [4, 5, 6], positionIds: [0, 1, 2], segmentIds: [1, 1, 1] }, { inputIds: [7, 6, 5, 4], labels: [6, 5, 4, 3] }]);
  assert.deepEqual(b.positions!.arraySync(), [[0, 1, 2, 0, 1], [0, 1, 2, 0, 0], [0, 1, 2, 3, 0]]);
  const bias = b.attentionBias!.arraySync() as number[][][][];
  const seg = [[1, 1, 1, 2, 2], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0]];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j <= i; j++) {
        // Within a sample; a padding position (segment 0) attends to itself only.
        const allowed = seg[r][i] === 0 ? i === j : seg[r][i] === seg[r][j];
        assert.equal(bias[r][0][i][j], allowed ? 0 : -1e9, `row ${r} query ${i} key ${j}`);
      }
    }
  }
  disposeBatch(b);
});

test("a packed row gives each sample the logits it has alone", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 2);
  const a = [3, 14, 15, 9], c = [26, 5, 35];
  const logitsOf = (r: Row) => {
    const b = rowsToBatch([r]);
    const out = model.forward(b.inputs, { positions: b.positions, attentionBias: b.attentionBias });
    const v = out.arraySync() as number[][][];
    tf.dispose(out);
    disposeBatch(b);
    return v[0];
  };
  const packed = logitsOf({ inputIds: [...a, ...c], labels: [...a, ...c], positionIds: [0, 1, 2, 3, 0, 1, 2], segmentIds: [1, 1, 1, 1, 2, 2, 2] });
  const alone = [...logitsOf({ inputIds: a, labels: a }), ...logitsOf({ inputIds: c, labels: c })];
  packed.forEach((row, t) => row.forEach((x, v) => assert.ok(Math.abs(x - alone[t][v]) < 1e-5, `position ${t} token ${v}: ${x} vs ${alone[t][v]}`)));
  model.dispose();
});

test("epochOrder: a permutation per epoch, a pure function of (seed, epoch), pinned (published runs depend on it)", () => {
  assert.deepEqual(epochOrder(10, 7, 0), [4, 2, 7, 3, 6, 0, 1, 5, 8, 9]);
  assert.deepEqual(epochOrder(10, 7, 1), [7, 3, 0, 8, 5, 9, 4, 1, 2, 6]);
  assert.deepEqual(epochOrder(12, 3, 5), [2, 3, 4, 7, 1, 10, 8, 11, 5, 0, 9, 6]);
  const big = epochOrder(1000, 1, 2);
  assert.deepEqual([...big].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
});

test("microBatches: consecutive slices of at most the size, the last one shorter", () => {
  assert.deepEqual(microBatches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(microBatches([1, 2, 3, 4], 4), [[1, 2, 3, 4]]);
  assert.deepEqual(microBatches([], 3), []);
});

test("checkpoints: written and read back exactly, listed in step order, pruned to the newest", () => {
  const dir = tmp();
  try {
    const make = (step: number) => ({
      state: { step, rowsSeen: step * 8, best: step === 10 ? 1.25 : null, badEvals: 1, configHash: "abc", optimizerStep: step },
      weights: new Map([["w", { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, step]) }], ["b", { shape: [3], data: Float32Array.from([0.5, -0.5, 0]) }]]),
      m: new Map([["w", new Float32Array(6).fill(0.1)], ["b", new Float32Array(3).fill(0.2)]]),
      v: new Map([["w", new Float32Array(6).fill(0.3)], ["b", new Float32Array(3).fill(0.4)]]),
    });
    for (const s of [2, 10, 9]) assert.equal(writeCheckpoint(dir, make(s)), join(dir, "checkpoints", `step-${s}`));
    // A half-written one (no manifest) is not listed.
    mkdirSync(join(dir, "checkpoints", "step-11"));
    assert.deepEqual(listCheckpoints(dir), [2, 9, 10]);
    const back = readCheckpoint(join(dir, "checkpoints", "step-10"));
    const want = make(10);
    assert.deepEqual(back.state, want.state);
    assert.deepEqual(back.weights, want.weights);
    assert.deepEqual(back.m, want.m);
    assert.deepEqual(back.v, want.v);
    pruneCheckpoints(dir, 2);
    assert.deepEqual(listCheckpoints(dir), [9, 10]);
    pruneCheckpoints(dir, 0);
    assert.deepEqual(listCheckpoints(dir), [9, 10], "keep 0 keeps all");
    writeFileSync(join(dir, "checkpoints", "step-9", "state.json"), JSON.stringify({ ...make(9).state, step: 8 }));
    assert.throws(() => readCheckpoint(join(dir, "checkpoints", "step-9")), /state\.json: content hash does not match manifest\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkpoints: what a killed write or removal leaves is hidden, never listed, and cleaned up by the next write", () => {
  const dir = tmp();
  try {
    const root = join(dir, "checkpoints");
    const state = (step: number) => ({ step, rowsSeen: step, best: null, badEvals: 0, configHash: "abc", optimizerStep: step });
    const make = (step: number) => ({
      state: state(step), weights: new Map([["w", { shape: [2], data: Float32Array.from([1, step]) }]]),
      m: new Map([["w", new Float32Array(2)]]), v: new Map([["w", new Float32Array(2)]]),
    });
    writeCheckpoint(dir, make(4));
    // A process that no longer exists (pid far above any pid_max) was killed while removing step-2 and while
    // writing step-6; one that is alive (our parent) is writing step-8 right now.
    const dead = 4194304 + 17;
    for (const name of [`.step-2.old-${dead}`, `.step-6.tmp-${dead}`, `.step-8.tmp-${process.ppid}`]) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, "model.safetensors"), "partial");
    }
    assert.deepEqual(listCheckpoints(dir), [4]);
    writeCheckpoint(dir, make(5));
    assert.deepEqual(readdirSync(root).sort(), [`.step-8.tmp-${process.ppid}`, "step-4", "step-5"]);
    // Rewriting a step that exists replaces it whole; pruning leaves no hidden remains of its own.
    writeCheckpoint(dir, { ...make(5), weights: new Map([["w", { shape: [2], data: Float32Array.from([7, 7]) }]]) });
    assert.deepEqual(readCheckpoint(join(root, "step-5")).weights.get("w")!.data, Float32Array.from([7, 7]));
    pruneCheckpoints(dir, 1);
    assert.deepEqual(readdirSync(root).sort(), [`.step-8.tmp-${process.ppid}`, "step-5"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("metrics.jsonl: a line cut by a crash is left out; truncateAfter keeps lines up to the checkpoint's step", () => {
  const dir = tmp();
  try {
    const log = new MetricsLog(join(dir, "metrics.jsonl"));
    const step = (s: number) => ({ type: "train", step: s, loss: 1 / s }) as unknown as StepMetrics;
    const ev = (s: number) => ({ type: "eval", step: s, eval_loss: 2 / (s + 1) }) as unknown as EvalMetrics;
    for (const l of [ev(0), step(1), step(2), ev(2), step(3)]) log.append(l);
    appendFileSync(log.path, '{"type":"train","step":4,"lo');
    assert.deepEqual(log.read().map((l) => `${l.type}${l.step}`), ["eval0", "train1", "train2", "eval2", "train3"]);
    log.truncateAfter(2);
    assert.deepEqual(log.read(), [ev(0), step(1), step(2), ev(2)]);
    log.truncateAfter(-1);
    assert.deepEqual(log.read(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("evaluate: mean loss over trained tokens, its perplexity, and argmax accuracy on trained tokens only", async () => {
  await initEngine("wasm");
  const model = GPT.create(CFG, 3);
  const rows: Row[] = [
    { inputIds: [1, 2, 3, 4, 5], labels: [2, 3, IGNORE_INDEX, 5, 6] },
    { inputIds: [7, 8, 9], labels: [IGNORE_INDEX, 9, 10] },
    { inputIds: [11, 12], labels: [12, 13] },
  ];
  // By hand: every row alone, log-softmax at each trained position.
  let lossSum = 0, hits = 0, n = 0;
  for (const r of rows) {
    const x = tf.tensor2d([Array.from(r.inputIds)], [1, r.inputIds.length], "int32");
    const logits = model.forward(x);
    const lp = (tf.logSoftmax(logits).arraySync() as number[][][])[0];
    Array.from(r.labels).forEach((y, t) => {
      if (y === IGNORE_INDEX) return;
      lossSum -= lp[t][y];
      hits += lp[t].indexOf(Math.max(...lp[t])) === y ? 1 : 0;
      n++;
    });
    tf.dispose([x, logits]);
  }
  for (const micro of [1, 2, 3]) {
    const m = evaluate(model, arraySource(rows), micro);
    assert.equal(m.eval_tokens, n);
    assert.ok(Math.abs(m.eval_loss - lossSum / n) < 1e-5, `micro ${micro}: ${m.eval_loss} vs ${lossSum / n}`);
    assert.ok(Math.abs(m.eval_perplexity - Math.exp(lossSum / n)) < 1e-4);
    assert.equal(m.eval_token_accuracy, hits / n);
  }
  assert.equal(evaluate(model, arraySource(rows), 2, 1).eval_tokens, 4, "evalRows 1: the first row only");
  model.dispose();
});
