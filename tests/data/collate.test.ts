import { test } from "node:test";
import assert from "node:assert/strict";
import { BatchIterator, collate, type Batch, epochOrder, fitExample, stackRows, validateCollateConfig } from "../../lib/data/collate";
import { IGNORE_INDEX as X } from "../../lib/data/templates/tokenize";

/** prompt tokens 1..p, response tokens 11.., labels aligned (targets: the response). */
function ex(id: string, prompt: number, response: number) {
  const inputIds = [...Array.from({ length: prompt }, (_, i) => 1 + i), ...Array.from({ length: response }, (_, i) => 11 + i)];
  const labels = inputIds.map((_, t) => (t + 1 < inputIds.length && t + 1 >= prompt ? inputIds[t + 1] : X));
  return { id, inputIds, labels };
}

test("truncation: drop, truncate-right, truncate-left-prompt", () => {
  const long = ex("a", 6, 3); // 9 tokens: 1..6 11 12 13
  assert.deepEqual(fitExample(long, 5, "drop"), { drop: "too-long" });
  const right = fitExample(long, 7, "truncate-right");
  assert.deepEqual(right, { inputIds: [1, 2, 3, 4, 5, 6, 11], labels: [X, X, X, X, X, 11, X], truncated: true });
  const left = fitExample(long, 5, "truncate-left-prompt");
  assert.deepEqual(left, { inputIds: [5, 6, 11, 12, 13], labels: [X, 11, 12, 13, X], truncated: true });
  // The response alone does not fit (one prompt token must stay): dropped.
  assert.deepEqual(fitExample(long, 3, "truncate-left-prompt"), { drop: "too-long" });
  // Cutting the end removes every target.
  assert.deepEqual(fitExample(long, 6, "truncate-right"), { drop: "no-trained-tokens" });
  assert.deepEqual(fitExample(ex("s", 2, 2), 8, "drop"), { inputIds: [1, 2, 11, 12], labels: [X, 11, 12, X], truncated: false });
});

test("collate counts truncated, dropped and target-less examples", () => {
  const none = { id: "n", inputIds: [1, 2, 3], labels: [X, X, X] };
  const c = collate([ex("a", 6, 3), ex("b", 2, 2), ex("c", 1, 8), none], { maxLength: 6, truncation: "truncate-left-prompt", padding: "max-length" });
  assert.deepEqual(c.stats, {
    examples: 4, rows: 2, truncated: 1, dropped: 1, noTrainedTokens: 1, trainedTokens: 3 + 2, paddingTokens: 12 - 10, packingEfficiency: 10 / 12,
  });
  assert.deepEqual(c.droppedIds, [{ id: "c", reason: "too-long" }, { id: "n", reason: "no-trained-tokens" }]);
  assert.deepEqual(Array.from(c.rows[1].inputIds), [1, 2, 11, 12, 0, 0]);
  assert.deepEqual(Array.from(c.rows[1].positionIds), [0, 1, 2, 3, 0, 0]);
  assert.deepEqual(Array.from(c.rows[1].segmentIds), [1, 1, 1, 1, 0, 0]);
  // padding "longest": rows as long as the longest kept example.
  const longest = collate([ex("b", 2, 2), ex("d", 1, 2)], { maxLength: 64 });
  assert.deepEqual(longest.rows.map((r) => r.inputIds.length), [4, 4]);
  assert.equal(longest.stats.paddingTokens, 1);
});

test("config validation names the field", () => {
  assert.throws(() => validateCollateConfig({ maxLength: 1 }), /collate: maxLength must be an integer >= 2, got 1/);
  assert.throws(() => validateCollateConfig({ truncation: "cut" as never }), /truncation must be one of drop, truncate-left-prompt, truncate-right/);
  assert.throws(() => validateCollateConfig({ packing: "greedy" as never }), /packing must be one of none, bfd, wrap/);
});

test("BatchIterator: seeded order per epoch, padding per batch, resumable from (epoch, position)", () => {
  const examples = Array.from({ length: 10 }, (_, i) => ex(`e${i}`, 1 + (i % 4), 1 + (i % 3)));
  const { rows } = collate(examples, { maxLength: 16 });
  const take = (it: BatchIterator, n: number): Batch[] => Array.from({ length: n }, () => it.next().value as Batch);
  const a = take(new BatchIterator(rows, { batchSize: 4, seed: 7 }), 7);
  const b = take(new BatchIterator(rows, { batchSize: 4, seed: 7 }), 7);
  assert.deepEqual(a.map((x) => x.ids), b.map((x) => x.ids));
  // Epoch 0: batches of 4, 4, 2; every row once per epoch; epochs differ in order.
  assert.deepEqual(a.slice(0, 3).map((x) => x.size), [4, 4, 2]);
  assert.deepEqual(a.slice(0, 3).flatMap((x) => x.ids.flat()).sort(), examples.map((e) => e.id).sort());
  assert.deepEqual(a.map((x) => [x.epoch, x.position]), [[0, 0], [0, 4], [0, 8], [1, 0], [1, 4], [1, 8], [2, 0]]);
  assert.notDeepEqual(epochOrder(10, 7, 0), epochOrder(10, 7, 1));
  // Each batch is as long as its longest row.
  for (const batch of a) {
    const longest = Math.max(...batch.ids.map((ids) => examples.find((e) => e.id === ids[0])!.inputIds.length));
    assert.equal(batch.length, longest);
    assert.equal(batch.inputIds.length, batch.size * batch.length);
  }
  // Resume mid-epoch.
  const it = new BatchIterator(rows, { batchSize: 4, seed: 7 });
  take(it, 4);
  const resumed = take(new BatchIterator(rows, { batchSize: 4, seed: 7 }, it.state), 3);
  assert.deepEqual(resumed.map((x) => x.ids), a.slice(4).map((x) => x.ids));
  // dropLast, epochs, fixed length.
  const fixed = [...new BatchIterator(rows, { batchSize: 4, seed: 1, dropLast: true, epochs: 2, padding: "max-length", maxLength: 16 })];
  assert.equal(fixed.length, 4);
  assert.ok(fixed.every((x) => x.size === 4 && x.length === 16));
  assert.throws(() => new BatchIterator(rows, { batchSize: 0 }), /batchSize must be a positive integer/);
  const stacked = stackRows(rows.slice(0, 2), { length: 8, padId: 9 });
  assert.equal(stacked.paddingTokens, 16 - rows[0].length - rows[1].length);
});
