import { test } from "node:test";
import assert from "node:assert/strict";
import { charLength, countRows, datasetStats, lengthStats, statsRows } from "../../lib/data/stats";
import type { InstructionRecord, Message } from "../../lib/data/record";

function rec(messages: Message[], extra: Partial<InstructionRecord> = {}): InstructionRecord {
  return { id: "x", source: "s", messages, metadata: {}, provenance: { file: "f", format: "chat", container: "jsonl" }, ...extra };
}

test("lengthStats: nearest-rank percentiles, mean, empty input", () => {
  assert.deepEqual(lengthStats([5, 1, 3, 2, 4, 6, 7, 8, 9, 10]), { count: 10, min: 1, p50: 5, p90: 9, max: 10, mean: 5.5 });
  assert.deepEqual(lengthStats([7]), { count: 1, min: 7, p50: 7, p90: 7, max: 7, mean: 7 });
  assert.deepEqual(lengthStats([]), { count: 0, min: 0, p50: 0, p90: 0, max: 0, mean: 0 });
});

test("charLength counts code points", () => {
  assert.equal(charLength("abc"), 3);
  assert.equal(charLength("café ☕ 𝄞"), 8);
});

test("datasetStats: prompt is everything before the last assistant turn; tokens when a tokenizer is given", () => {
  const records = [
    rec([{ role: "user", content: "abcd" }, { role: "assistant", content: "xy" }], { task: "t1", cluster: "c" }),
    rec([{ role: "system", content: "s" }, { role: "user", content: "u" }, { role: "assistant", content: "a" }, { role: "user", content: "v" }, { role: "assistant", content: "last" }], { source: "other", task: "t1" }),
  ];
  const words = { encode: (t: string) => t.split(/\s+/).filter(Boolean).map(() => 0) };
  const s = datasetStats(records, { tokenizer: words });
  assert.equal(s.records, 2);
  // "s\n\nu\n\na\n\nv" is 10 characters.
  assert.deepEqual(s.chars.prompt, { count: 2, min: 4, p50: 4, p90: 10, max: 10, mean: 7 });
  assert.deepEqual(s.chars.response, { count: 2, min: 2, p50: 2, p90: 4, max: 4, mean: 3 });
  assert.deepEqual(s.tokens?.prompt, { count: 2, min: 1, p50: 1, p90: 4, max: 4, mean: 2.5 });
  assert.deepEqual(s.turns, { count: 2, min: 2, p50: 2, p90: 5, max: 5, mean: 3.5 });
  assert.deepEqual(s.bySource, { s: 1, other: 1 });
  assert.deepEqual(s.byTask, { t1: 2 });
  assert.deepEqual(s.byCluster, { c: 1 });
  assert.equal(datasetStats(records).tokens, undefined);
  assert.deepEqual(statsRows(s).map((r) => `${r.unit}/${r.part}`), ["chars/prompt", "chars/response", "tokens/prompt", "tokens/response", "turns/record"]);
  assert.deepEqual(countRows({ b: 1, a: 1, c: 5 }), [
    { name: "c", count: 5 },
    { name: "a", count: 1 },
    { name: "b", count: 1 },
  ]);
});
