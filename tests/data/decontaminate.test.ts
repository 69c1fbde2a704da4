import { test } from "node:test";
import assert from "node:assert/strict";
import { decontaminate, ngramIndex, NgramIndex } from "../../lib/data/decontaminate";
import type { InstructionRecord } from "../../lib/data/record";

const rec = (id: string, q: string, a = "ok", references?: string[]): InstructionRecord => ({
  id, source: "s", metadata: {}, provenance: { file: "f", format: "chat", container: "jsonl" }, ...(references ? { references } : {}),
  messages: [{ role: "user", content: q }, { role: "assistant", content: a }],
});

const evalSet = [
  rec("ev1", "Read the passage: the quick brown fox jumps over the lazy dog near the old river bank today. Who jumps?", "the fox"),
  rec("ev2", "Short question here?", "yes", ["A reference answer that is long enough to count as one gram"]),
];

test("records sharing a 13-gram with an eval record are removed, with the n-gram and eval id", () => {
  const train = [
    rec("t1", "Copy: The quick brown FOX jumps over the lazy dog, near the old river bank today!"),
    rec("t2", "The quick brown fox jumps over the lazy dog."),
    rec("t3", "Say: a reference answer that is long enough to count as one gram"),
    rec("t4", "Nothing to see here."),
  ];
  const out = decontaminate(train, ngramIndex(evalSet));
  assert.deepEqual(out.kept.map((r) => r.id), ["t2", "t4"]);
  assert.deepEqual(out.removed[0], { id: "t1", evalId: "ev1", ngram: "the quick brown fox jumps over the lazy dog near the old river" });
  // ev2's reference has 12 words (< 13): matched whole.
  assert.deepEqual(out.removed[1], { id: "t3", evalId: "ev2", ngram: "a reference answer that is long enough to count as one gram" });
});

test("n is configurable; short eval texts below minTokens are ignored", () => {
  const idx = ngramIndex(evalSet, { n: 5, minTokens: 3 });
  assert.equal(idx.match("the lazy dog near the")?.evalId, "ev1");
  assert.equal(idx.match("short question here")?.evalId, "ev2");
  assert.equal(new NgramIndex({ n: 5, minTokens: 4 }).match("short question here"), undefined);
  assert.throws(() => new NgramIndex({ n: 0 }), /decontaminate\.n must be a positive integer, got 0/);
});
