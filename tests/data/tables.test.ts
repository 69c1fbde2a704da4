import { test } from "node:test";
import assert from "node:assert/strict";
import { countsTable, examplesTable, lengthHistogramTable, manifestCountsTable, recordsTable, trainedFractionTable } from "../../lib/data/tables";
import type { InstructionRecord } from "../../lib/data/record";
import { IGNORE_INDEX as X } from "../../lib/data/templates/tokenize";

type Row = Record<string, unknown>;
const rows = (t: { objects(): object[] }) => t.objects() as Row[];

const rec = (id: string, source: string, task: string, cluster: string, q: string, a: string, meta: Record<string, unknown> = {}): InstructionRecord => ({
  id, source, task, cluster, metadata: meta, provenance: { file: "f", format: "chat", container: "jsonl" },
  messages: [{ role: "user", content: q }, { role: "assistant", content: a }],
});

const records = [
  rec("a", "s1", "t1", "c1", "abcd", "xy", { template_type: "zs_opt" }),
  rec("b", "s1", "t1", "c1", "ab", "x", { template_type: "fs_noopt" }),
  rec("c", "s2", "t2", "c1", "abcdef", "xyz"),
  rec("d", "s2", "t3", "c2", "a", "x", { provenance: { source: "mixed", template_type: "zs_noopt" } }),
];

test("recordsTable and countsTable: counts and shares per key, largest first", () => {
  const t = recordsTable(records);
  assert.deepEqual(t.columnNames(), ["id", "source", "task", "cluster", "templateType", "turns", "promptChars", "responseChars"]);
  assert.deepEqual(t.objects()[3], { id: "d", source: "mixed", task: "t3", cluster: "c2", templateType: "zs_noopt", turns: 2, promptChars: 1, responseChars: 1 });
  assert.deepEqual(countsTable(records, "cluster").objects(), [{ cluster: "c1", count: 3, share: 0.75 }, { cluster: "c2", count: 1, share: 0.25 }]);
  assert.deepEqual(rows(countsTable(t, ["source", "task"])).map((r) => [r.source, r.task, r.count]), [["s1", "t1", 2], ["mixed", "t3", 1], ["s2", "t2", 1]]);
  assert.deepEqual(rows(countsTable(records, "templateType")).map((r) => r.templateType), ["fs_noopt", "none", "zs_noopt", "zs_opt"]);
});

test("examplesTable and trainedFractionTable", () => {
  const examples = [
    { id: "a", inputIds: [1, 2, 3, 4], labels: [X, 3, 4, X] },
    { id: "b", inputIds: [1, 2], labels: [2, X] },
    { id: "c", inputIds: [1, 2, 3, 4, 5, 6], labels: [X, X, X, X, 6, X] },
  ];
  const t = examplesTable(examples, records);
  assert.deepEqual(t.objects()[0], { id: "a", tokens: 4, promptTokens: 2, trainedTokens: 2, trainedFraction: 0.5, source: "s1", task: "t1", cluster: "c1", templateType: "zs_opt" });
  const all = trainedFractionTable(t).objects()[0] as Record<string, number>;
  assert.equal(all.examples, 3);
  assert.equal(all.trainedFraction, 4 / 12);
  assert.ok(Math.abs(all.meanExampleFraction - (0.5 + 0.5 + 1 / 6) / 3) < 1e-12);
  assert.deepEqual(rows(trainedFractionTable(t, ["source"])).map((r) => [r.source, r.trainedTokens]), [["s1", 3], ["s2", 1]]);
});

test("lengthHistogramTable and manifestCountsTable", () => {
  const h = lengthHistogramTable(recordsTable(records), "promptChars", { step: 2 }).objects();
  assert.deepEqual(h, [{ start: 0, end: 2, count: 1 }, { start: 2, end: 4, count: 1 }, { start: 4, end: 6, count: 1 }, { start: 6, end: 8, count: 1 }]);
  const m = manifestCountsTable({ counts: { bySource: { a: 2 }, byTask: { t: 1, u: 1 } } });
  assert.deepEqual(m.objects(), [{ key: "bySource", name: "a", count: 2 }, { key: "byTask", name: "t", count: 1 }, { key: "byTask", name: "u", count: 1 }]);
});
