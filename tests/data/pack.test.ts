import { test } from "node:test";
import assert from "node:assert/strict";
import { attends, bestFitDecreasing, blockCausalMask, wrapDocuments } from "../../lib/data/pack";
import { collate, type Row } from "../../lib/data/collate";
import { IGNORE_INDEX } from "../../lib/data/templates/tokenize";
import { mulberry32 } from "../../lib/random";

const V = 11;

/**
 * A tiny "model" in plain TypeScript: the logits at a position depend on its token (a bigram table), its
 * position id, and the tokens it may attend to (every key allowed by the mask, with its position id).
 * If packing leaked anything across examples, a packed row's loss would differ from the examples' own.
 */
function toyLoss(inputIds: ArrayLike<number>, labels: ArrayLike<number>, positionIds: ArrayLike<number>, segmentIds: ArrayLike<number>): number {
  const bigram = (a: number, b: number) => Math.sin(a * 7.1 + b * 3.3);
  const n = inputIds.length;
  let loss = 0;
  for (let q = 0; q < n; q++) {
    if (labels[q] === IGNORE_INDEX) continue;
    let context = 0;
    for (let k = 0; k < n; k++) if (attends(segmentIds, q, k)) context += (inputIds[k] + 1) * (positionIds[k] + 2);
    const logits = Array.from({ length: V }, (_, v) => bigram(inputIds[q], v) + 0.1 * positionIds[q] * Math.cos(v) + Math.sin(context * 0.37 * (v + 1)));
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
    loss += lse - logits[labels[q]];
  }
  return loss;
}
/** A row's loss; an unpacked row has the defaults: positions 0..n-1, one segment. */
const rowLoss = (r: Row) => {
  const n = r.inputIds.length;
  return toyLoss(r.inputIds, r.labels, r.positionIds ?? Array.from({ length: n }, (_, i) => i), r.segmentIds ?? new Array(n).fill(1));
};

/** Random examples: a prompt of ignored labels, then a target part; aligned labels. */
function randomExamples(count: number, seed: number, maxLen: number) {
  const r = mulberry32(seed);
  return Array.from({ length: count }, (_, e) => {
    const len = 2 + Math.floor(r() * (maxLen - 1));
    const inputIds = Array.from({ length: len }, () => Math.floor(r() * V));
    const promptLen = 1 + Math.floor(r() * (len - 1));
    const labels = inputIds.map((_, t) => (t + 1 < len && t + 1 >= promptLen ? inputIds[t + 1] : IGNORE_INDEX));
    return { id: `e${e}`, inputIds, labels };
  });
}

test("a packed row's loss equals the sum of its examples' losses computed alone", () => {
  const examples = randomExamples(40, 1, 12);
  const packed = collate(examples, { maxLength: 32, packing: "bfd" });
  const alone = collate(examples, { maxLength: 32, packing: "none" });
  assert.equal(packed.stats.rows < examples.length / 2, true);
  const byId = new Map(alone.rows.map((r) => [r.ids![0], rowLoss(r)]));
  let total = 0;
  for (const row of packed.rows) {
    const sum = row.ids!.reduce((s, id) => s + byId.get(id)!, 0);
    const got = rowLoss(row);
    assert.ok(Math.abs(got - sum) < 1e-9 * Math.max(1, Math.abs(sum)), `row ${row.ids!.join(",")}: ${got} vs ${sum}`);
    total += got;
  }
  const expected = [...byId.values()].reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - expected) < 1e-6);
  // Without segment ids (one segment for the whole row), the toy model does see across examples.
  const leaky = packed.rows.find((r) => r.ids!.length > 1)!;
  const oneSegment = Array.from(leaky.segmentIds!, (s) => (s > 0 ? 1 : 0));
  assert.notEqual(toyLoss(leaky.inputIds, leaky.labels, leaky.positionIds!, oneSegment), rowLoss(leaky));
});

test("bfd rows: whole examples, positions restart at 0, segment ids 1.., unpadded, within maxLength", () => {
  const examples = randomExamples(25, 2, 20);
  const { rows, stats } = collate(examples, { maxLength: 24, packing: "bfd" });
  const seen: string[] = [];
  for (const row of rows) {
    assert.ok(row.inputIds.length <= 24);
    assert.equal(row.labels.length, row.inputIds.length);
    let k = 0;
    row.ids!.forEach((id, s) => {
      const ex = examples.find((e) => e.id === id)!;
      for (let i = 0; i < ex.inputIds.length; i++, k++) {
        assert.equal(row.inputIds[k], ex.inputIds[i]);
        assert.equal(row.labels[k], ex.labels[i]);
        assert.equal(row.positionIds![k], i);
        assert.equal(row.segmentIds![k], s + 1);
      }
      seen.push(id);
    });
    assert.equal(k, row.inputIds.length, "nothing after the last example (padding is the trainer's)");
  }
  assert.deepEqual(seen.sort(), examples.map((e) => e.id).sort());
  const tokens = examples.reduce((s, e) => s + e.inputIds.length, 0);
  assert.equal(stats.paddingTokens, rows.length * 24 - tokens);
  assert.equal(stats.packingEfficiency, tokens / (rows.length * 24));
});

test("bestFitDecreasing: best fit, deterministic, within capacity", () => {
  assert.deepEqual(bestFitDecreasing([5, 3, 7, 2, 3], 10), [[2, 1], [0, 4, 3]]);
  const r = mulberry32(5);
  const lengths = Array.from({ length: 2000 }, () => 1 + Math.floor(r() * 500));
  const bins = bestFitDecreasing(lengths, 512);
  for (const b of bins) assert.ok(b.reduce((s, i) => s + lengths[i], 0) <= 512);
  assert.equal(bins.flat().length, 2000);
  // Near the lower bound on the number of bins.
  const bound = Math.ceil(lengths.reduce((a, b) => a + b, 0) / 512);
  assert.ok(bins.length <= bound * 1.05 + 1, `${bins.length} bins, bound ${bound}`);
  assert.throws(() => bestFitDecreasing([11], 10), /length 11/);
});

test("blockCausalMask: causal within segments, nothing across, padding attends to itself", () => {
  const m = blockCausalMask([1, 1, 2, 2, 0]);
  const rows = Array.from({ length: 5 }, (_, q) => Array.from(m.subarray(q * 5, q * 5 + 5)).join(""));
  assert.deepEqual(rows, ["10000", "11000", "00100", "00110", "00001"]);
});

test("wrapDocuments: documents joined with EOS and cut into rows; nothing predicted across documents", () => {
  const EOS = 0;
  const all = (ids: number[]) => ({ inputIds: ids, labels: ids.map((_, t) => (t + 1 < ids.length ? ids[t + 1] : IGNORE_INDEX)) });
  const rows = wrapDocuments([all([5, 6, 7]), all([8, 9])], 4, EOS);
  assert.deepEqual(rows.map((r) => r.inputIds), [[5, 6, 7, 0], [8, 9, 0]]);
  assert.deepEqual(rows.map((r) => r.labels), [[6, 7, 0, IGNORE_INDEX], [9, 0, IGNORE_INDEX]]);
  const c = collate([all([5, 6, 7]), all([8, 9])], { maxLength: 4, packing: "wrap", eosId: EOS });
  assert.equal(c.stats.rows, 2);
  assert.deepEqual(c.rows.map((r) => Array.from(r.inputIds)), [[5, 6, 7, 0], [8, 9, 0]]);
  assert.equal(c.rows[1].segmentIds, undefined, "one stream: a single segment, the default");
  assert.throws(() => collate([], { packing: "wrap" }), /packing 'wrap' needs eosId/);
});
