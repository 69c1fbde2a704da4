import { test } from "node:test";
import assert from "node:assert/strict";
import { formatComparison, formatSummary, formatTable, summarize, summarizeModels } from "../../lib/eval/summary";
import type { JudgeItem, Judgment } from "../../lib/eval/judges/types";

const items: JudgeItem[] = [
  { id: "1", instruction: "capital of France?", reference: ["Paris"], outputA: "Paris", outputB: "Lyon is nice", cluster: "qa", task: "geo" },
  { id: "2", instruction: "2+2?", reference: ["4"], outputA: "5", outputB: "4", cluster: "math", task: "add" },
  { id: "3", instruction: "capital of Spain?", reference: ["Madrid"], outputA: "Madrid.", outputB: "Madrid", cluster: "qa", task: "geo" },
  { id: "4", instruction: "not judged", outputA: "x", outputB: "y" },
];
const judgment = (id: string, preference: number): Judgment => ({ id, preference, judge: "verifier", reason: "", details: {} });
const judgments = [judgment("1", 1), judgment("2", 0), judgment("3", 0.5)];

test("summary fields by hand", () => {
  const s = summarize(items, judgments, { model: "tuned", baseline: "base", winRate: { resamples: 300 } });
  assert.equal(s.win_rate, 50);
  assert.deepEqual([s.n, s.wins, s.ties, s.losses], [3, 1, 1, 1]);
  assert.equal(s.judge, "verifier");
  assert.equal(s.model, "tuned");
  // lengths: A 5, 1, 7 (chars) -> 13/3; B 12, 1, 6 -> 19/3
  assert.ok(Math.abs(s.avg_len_model - 13 / 3) < 1e-12);
  assert.ok(Math.abs(s.avg_len_baseline - 19 / 3) < 1e-12);
  // model: EM 1, 0, 1 -> 66.7%; baseline: 0, 1, 1
  assert.ok(Math.abs(s.exact_match! - 200 / 3) < 1e-9);
  assert.ok(Math.abs(s.baseline_metrics.exact_match! - 200 / 3) < 1e-9);
  // baseline token F1 on item 1: "lyon is nice" vs "paris" = 0
  assert.ok(Math.abs(s.baseline_metrics.token_f1! - 200 / 3) < 1e-9);
  assert.deepEqual(Object.keys(s.per_cluster), ["qa", "math"]);
  assert.equal(s.per_cluster.qa.win_rate, 75);
  assert.equal(s.per_cluster.qa.n, 2);
  assert.equal(s.per_task.add.win_rate, 0);
  assert.equal(typeof s.lc_win_rate, "number");
  assert.equal(s.position_bias, null);
  assert.equal(s.length_control!.group_by, "cluster");
  // JSON-ready: no NaN or undefined sneaks in
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test("summary without references reports null metrics; errors are one line", () => {
  const s = summarize(items, [judgment("4", 1)], { winRate: { resamples: 10 } });
  assert.equal(s.exact_match, null);
  assert.equal(s.std_error, null);
  assert.throws(() => summarize(items, []), /no judgments/);
  assert.throws(() => summarize(items, [judgment("9", 1)]), /judgment 9 has no matching/);
  assert.throws(() => summarize(items, [judgment("1", 1), judgment("1", 0)]), /same item id twice/);
});

test("text tables", () => {
  assert.equal(formatTable(["name", "n"], [["a", "10"], ["bbb", "2"]]), "name   n\n----  --\na     10\nbbb    2");
  const s = summarize(items, judgments, { model: "tuned", baseline: "base", winRate: { resamples: 100 } });
  const text = formatSummary(s);
  assert.match(text, /^tuned vs base {3}judge: verifier/);
  assert.match(text, /win rate {5}50\.0%/);
  assert.match(text, /cluster +win %/);
  const runs = summarizeModels([{ name: "tuned", items, judgments }, { name: "lora", items, judgments: [judgment("1", 1)] }], { baseline: "base", winRate: { resamples: 50 } });
  const table = formatComparison(runs);
  assert.match(table, /^model \(vs base\)/);
  assert.equal(table.split("\n").length, 4);
  assert.match(table.split("\n")[3], /^lora +100\.0/);
});
