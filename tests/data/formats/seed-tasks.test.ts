// Self-instruct seed tasks (seed_tasks.jsonl) are a format: detected, read, written back, and the same file
// the self-instruct pipeline reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecords } from "../../../lib/data/load";
import { writeRecords } from "../../../lib/data/formats/index";
import { formatIssue } from "../../../lib/data/validate";
import { DEFAULT_SEED_TASKS_FILE, parseSeedTasks } from "../../../lib/selfinstruct/seeds";

const tmp = mkdtempSync(join(tmpdir(), "nano-seeds-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

// Two rows as self-instruct's seed_tasks.jsonl lays them out (one with two instances).
const SEEDS = [
  { id: "seed_task_0", name: "breakfast_suggestion", instruction: "Is there anything I can eat for a breakfast that doesn't include eggs?", instances: [{ input: "", output: "Yes, oatmeal." }], is_classification: false },
  { id: "seed_task_1", name: "antonym_relation", instruction: "What is the relation between the given pairs?", instances: [{ input: "Night : Day", output: "Antonym" }, { input: "Up : Down", output: "Antonym" }], is_classification: true },
];

test("seed_tasks.jsonl is detected and read: first instance as the example, name as the task", async () => {
  const file = join(tmp, "seed_tasks.jsonl");
  writeFileSync(file, SEEDS.map((s) => JSON.stringify(s)).join("\n") + "\n");
  const res = await loadRecords(file, { mode: "lenient" });
  assert.equal(res.format, "seed-tasks");
  assert.equal(res.records.length, 2);
  const [a, b] = res.records;
  assert.equal(a.id, "seed_task_0");
  assert.equal(a.task, "breakfast_suggestion");
  assert.deepEqual(a.fields, { instruction: SEEDS[0].instruction, input: "", output: "Yes, oatmeal." });
  assert.deepEqual(b.fields, { instruction: SEEDS[1].instruction, input: "Night : Day", output: "Antonym" });
  assert.equal(b.metadata.is_classification, true);
  // Written back in the same format, each row comes back as it was (every instance, is_classification).
  const text = writeRecords(res.records, { format: "seed-tasks", ids: true, metadata: true });
  const rows = text.trim().split("\n").map((l) => JSON.parse(l));
  for (const [i, row] of rows.entries()) {
    for (const k of ["id", "name", "instruction", "instances", "is_classification"] as const) assert.deepEqual(row[k], (SEEDS[i] as Record<string, unknown>)[k], k);
  }
  // An Alpaca record written as a seed task is a one-instance task.
  const alpaca = writeRecords(res.records.slice(0, 1), { format: "alpaca", container: "jsonl" });
  const back = await loadRecords(((p) => (writeFileSync(p, alpaca), p))(join(tmp, "a.jsonl")), { mode: "lenient" });
  assert.deepEqual(JSON.parse(writeRecords(back.records, { format: "seed-tasks", ids: false, metadata: false })).instances, [{ input: "", output: "Yes, oatmeal." }]);
});

test("the bundled seed file inspects as seed-tasks with the same count the pipeline reads; bad rows are located", async () => {
  const r = spawnSync(process.execPath, ["bin/nanoinstruct.js", "data", "inspect", DEFAULT_SEED_TASKS_FILE, "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.format, "seed-tasks");
  assert.equal(out.counts.valid, parseSeedTasks(readFileSync(DEFAULT_SEED_TASKS_FILE, "utf8"), DEFAULT_SEED_TASKS_FILE).length);
  // --format names it too (a .json file holding seed rows).
  const bad = join(tmp, "bad.json");
  writeFileSync(bad, '[{"instruction": "x", "instances": []},\n {"instruction": "y", "instances": [{"input": "", "output": "z"}]}]\n');
  const res = await loadRecords(bad, { mode: "lenient", format: "seed-tasks" });
  assert.equal(res.records.length, 1);
  assert.match(formatIssue(res.invalid[0]), /bad\.json:1: .*'instances' must be a non-empty array/);
  const named = spawnSync(process.execPath, ["bin/nanoinstruct.js", "data", "inspect", bad, "--format", "seed-tasks"], { encoding: "utf8" });
  assert.equal(named.status, 1, named.stderr);
});
