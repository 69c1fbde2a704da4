import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterFloors, formatOnlyAnswers, normalizeAnswer } from "../../lib/eval/floors";
import type { InstructionRecord } from "../../lib/data/record";

function rec(id: string, task: string, cluster: string, target: string, extra: Record<string, unknown> = {}): InstructionRecord {
  return {
    id, task, cluster, source: "test",
    messages: [{ role: "user", content: `q ${id}` }, { role: "assistant", content: target }],
    metadata: { verifier: { kind: "one-of", accept: [target] }, inverted: false, ...extra },
  } as unknown as InstructionRecord;
}
const verify = (r: InstructionRecord, out: string) => normalizeAnswer(out) === normalizeAnswer(r.messages[1].content);

test("normalizeAnswer keeps the first line's label", () => {
  assert.equal(normalizeAnswer(" Positive.\nmore text"), "positive");
  assert.equal(normalizeAnswer("it is not possible to tell!"), "it is not possible to tell");
});

test("format-only answers are each task's most frequent training target; inverted records do not count", () => {
  const train = [
    rec("1", "rev", "s", "negative"), rec("2", "rev", "s", "negative"), rec("3", "rev", "s", "positive"),
    rec("4", "rev", "s", "positive", { inverted: true }), rec("5", "rev", "s", "positive", { inverted: true }),
    rec("6", "nli", "n", "yes"), rec("7", "nli", "n", "no"),
  ];
  const fo = formatOnlyAnswers(train);
  assert.equal(fo.get("rev"), "negative");
  assert.equal(fo.get("nli"), "no"); // a tie goes to the alphabetically first
});

test("cluster floors: accuracies, random-option floor, predicted shares and the confusion table", () => {
  const train = ["positive", "negative", "positive", "negative"].map((t, i) => rec(`t${i}`, "rev", "sentiment", t));
  const records = ["positive", "negative", "positive", "negative"].map((t, i) => rec(`e${i}`, "rev", "sentiment", t));
  const tuned = ["positive", "negative", "negative", "negative"];
  const base = ["The", "", "x", "y"];
  const fo = records.map(() => "negative");
  const [c] = clusterFloors({ records, tuned, base, formatOnly: fo, verify, train });
  assert.equal(c.cluster, "sentiment");
  assert.equal(c.tuned, 0.75);
  assert.ok(c.tunedCi[0] <= 0.75 && c.tunedCi[1] >= 0.75 && c.tunedCi[0] < c.tunedCi[1], String(c.tunedCi));
  assert.deepEqual(c.baseCi, [0, 0]);
  assert.equal(c.base, 0);
  assert.equal(c.formatOnly, 0.5);
  assert.equal(c.randomOption, 0.5);
  assert.deepEqual(c.predicted, { positive: 1, negative: 3 });
  assert.equal(c.maxShare, 0.75);
  assert.deepEqual(c.confusion, { positive: { positive: 1, negative: 1 }, negative: { negative: 2 } });
  assert.equal(c.balanced, true);
});

test("answers outside the label set are '(other)'; open-text items have no random-option floor", () => {
  const train = [rec("a", "rev", "s", "positive"), rec("b", "rev", "s", "negative"), rec("c", "gen", "s", "a long review", { verifier: { kind: "checks" }, inverted: true })];
  const records = [rec("e1", "rev", "s", "positive"), rec("e2", "gen", "s", "a long review", { verifier: { kind: "checks" }, inverted: true })];
  const [c] = clusterFloors({ records, tuned: ["maybe", "a long review"], base: ["", ""], formatOnly: ["negative", ""], verify, train });
  assert.deepEqual(c.predicted, { "(other)": 1 });
  assert.equal(c.randomOption, 0.25); // 1/2 for the label item, 0 for the open one, over 2 items
  assert.equal(c.tuned, 0.5);
});
