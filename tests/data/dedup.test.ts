import { test } from "node:test";
import assert from "node:assert/strict";
import { dedupRecords, normalizeText, validateDedupConfig } from "../../lib/data/dedup";
import type { InstructionRecord } from "../../lib/data/record";

const rec = (id: string, q: string, a = "ok"): InstructionRecord => ({
  id, source: "s", metadata: {}, provenance: { file: "f", format: "chat", container: "jsonl" },
  messages: [{ role: "user", content: q }, { role: "assistant", content: a }],
});

test("normalizeText ignores case, punctuation, spacing and Unicode form", () => {
  assert.equal(normalizeText("  Hello,   WORLD!!\n"), "hello world");
  assert.equal(normalizeText("ﬁne café"), normalizeText("fine cafe\u0301"));
});

test("exact then near duplicates; the first occurrence is kept and named", () => {
  const records = [
    rec("a", "Write a short poem about the sea."),
    rec("b", "write a short poem about the sea"),
    rec("c", "Write a short poem about the blue sea."),
    rec("d", "List three prime numbers."),
    rec("e", "List three prime numbers.", "different answer"),
  ];
  const out = dedupRecords(records);
  assert.deepEqual(out.kept.map((r) => r.id), ["a", "d"]);
  assert.deepEqual(out.removed.map((r) => [r.id, r.reason, r.duplicateOf]), [["b", "exact", "a"], ["e", "exact", "d"], ["c", "near", "a"]]);
  assert.ok(out.removed[2].score! > 0.7);
  // On prompt and response together, e differs from d.
  assert.deepEqual(dedupRecords(records, { on: "both", near: null }).kept.map((r) => r.id), ["a", "c", "d", "e"]);
  assert.deepEqual(dedupRecords(records, { exact: false, near: 0.95 }).removed.map((r) => r.id), ["b", "e"]);
});

test("dedup config errors name the key", () => {
  assert.throws(() => validateDedupConfig({ near: 1.5 }, "recipe.dedup"), /recipe\.dedup\.near must be a number in \(0, 1\] or null, got 1\.5/);
  assert.throws(() => validateDedupConfig({ on: "all" as never }), /dedup\.on must be one of prompt, response, both/);
});
