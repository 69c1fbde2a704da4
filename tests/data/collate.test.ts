import { test } from "node:test";
import assert from "node:assert/strict";
import { collate, fitExample, validateCollateConfig } from "../../lib/data/collate";
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

test("collate counts truncated, dropped and target-less examples; rows come out unpadded", () => {
  const none = { id: "n", inputIds: [1, 2, 3], labels: [X, X, X] };
  const c = collate([ex("a", 6, 3), ex("b", 2, 2), ex("c", 1, 8), none], { maxLength: 6, truncation: "truncate-left-prompt" });
  // Padding is counted as if every row were as long as the longest (6): the trainer pads no more than that.
  assert.deepEqual(c.stats, {
    examples: 4, rows: 2, truncated: 1, dropped: 1, noTrainedTokens: 1, trainedTokens: 3 + 2, paddingTokens: 12 - 10, packingEfficiency: 10 / 12,
  });
  assert.deepEqual(c.droppedIds, [{ id: "c", reason: "too-long" }, { id: "n", reason: "no-trained-tokens" }]);
  assert.deepEqual(Array.from(c.rows[1].inputIds), [1, 2, 11, 12]);
  assert.deepEqual(Array.from(c.rows[1].labels), [X, 11, 12, X]);
  assert.deepEqual(c.rows[1].ids, ["b"]);
  // Unpacked rows carry no positions or segments: the defaults (0..n-1, one segment) are theirs.
  assert.equal(c.rows[1].positionIds, undefined);
  assert.equal(c.rows[1].segmentIds, undefined);
});

test("config validation names the field", () => {
  assert.throws(() => validateCollateConfig({ maxLength: 1 }), /collate: maxLength must be an integer >= 2, got 1/);
  assert.throws(() => validateCollateConfig({ truncation: "cut" as never }), /truncation must be one of drop, truncate-left-prompt, truncate-right/);
  assert.throws(() => validateCollateConfig({ packing: "greedy" as never }), /packing must be one of none, bfd, wrap/);
});

