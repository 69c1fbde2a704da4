// One ablation cell: config validation, the mixture it builds, and a real tiny run (fine-tune + judge).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveCellConfig, mixtureCounts, cellTrainingRecords, runCell } from "../../lib/ablate/cell";
import { generateWorld } from "../../lib/world/index";
import { selectTasks } from "../../lib/tasks/generate";
import { templatesOf } from "../../lib/tasks/registry";

const world = generateWorld(0);

test("resolveCellConfig fills defaults and explains what is wrong", () => {
  const c = resolveCellConfig({ data: { clusters: ["sentiment"] } }, "g.json cell a");
  assert.equal(c.model, "nano-base");
  assert.equal(c.data.kind, "tasks");
  assert.equal(c.finetune.packing, "bfd");
  const bad: [unknown, RegExp][] = [
    [{ data: { clusters: ["sentiments"] } }, /g.json cell a: data.clusters: unknown cluster "sentiments"/],
    [{ data: { clusters: [] } }, /data.clusters is empty/],
    [{ data: { clusters: ["nli"] }, eval: { heldOutClusters: ["nli"] } }, /nli is both trained on and held out/],
    [{ data: { clusters: ["nli"] }, colour: 1 }, /unknown field 'colour'/],
    [{ data: { clusters: ["nli"], cap: -3 } }, /data.cap must be a positive integer/],
    [{ data: { kind: "file", path: "x.json", filter: "strict" } }, /data.filter must be/],
    [{ data: { clusters: ["nli"] }, finetune: { train: { learningRate: -1 } } }, /learningRate/],
    [{ data: { clusters: ["nli"] }, eval: { seen: false } }, /nothing to evaluate/],
    [{ data: { clusters: ["nli"] }, eval: { rankClassification: "yes" } }, /eval.rankClassification must be true or false/],
    [{ data: { kind: "rewrite", instructions: 0 } }, /data.instructions must be an integer in \[1, \d+\]/],
    [{ data: { kind: "rewrite", instructions: 64, examples: 10 } }, /data.examples must be an integer, at least data.instructions \(64\)/],
    [{ data: { kind: "rewrite" }, eval: { heldOutClusters: ["nli"] } }, /heldOutClusters must be empty for rewrite data/],
    [{ data: { kind: "other" } }, /data.kind must be "tasks", "file" or "rewrite"/],
  ];
  for (const [raw, re] of bad) assert.throws(() => resolveCellConfig(raw, "g.json cell a"), re, JSON.stringify(raw));
});

test("mixtureCounts: equal, examples-proportional, and the cap", () => {
  assert.deepEqual(mixtureCounts([5, 1000, 10], 10, "equal", null), [10, 10, 10]);
  const uncapped = mixtureCounts([5, 1000, 10], 10, "proportional", null);
  assert.equal(uncapped.reduce((a, b) => a + b), 30);
  assert.ok(uncapped[1] >= 29, "the big task takes nearly everything without a cap");
  const capped = mixtureCounts([5, 1000, 10], 10, "proportional", 10);
  assert.deepEqual(capped, [6, 12, 12]);
});

test("cell mixtures honor templatesPerTask and the mixing cap", async () => {
  const base = { data: { clusters: ["sentiment"], perTask: 30, templateTypes: { zeroShot: 1, fewShot: 0 } } };
  const one = await cellTrainingRecords(resolveCellConfig({ ...base, data: { ...base.data, templatesPerTask: 1 } }, "t"), world);
  const all = await cellTrainingRecords(resolveCellConfig(base, "t"), world);
  const distinctTemplates = (rs: typeof one) => new Set(rs.map((r) => String(r.metadata.templateId))).size;
  const tasks = selectTasks({ clusters: ["sentiment"] });
  assert.equal(distinctTemplates(one), tasks.length, "one template per task");
  assert.ok(distinctTemplates(all) > tasks.length * 3, `${distinctTemplates(all)} templates in all`);
  assert.ok(tasks.every((t) => templatesOf(t).length > 3));
  const mix = (cap: number | null) => cellTrainingRecords(resolveCellConfig({ data: { clusters: ["closed_book_qa", "arithmetic"], perTask: 20, mixing: "proportional", cap } }, "t"), world);
  const share = (rs: Awaited<ReturnType<typeof mix>>) => rs.filter((r) => r.cluster === "arithmetic").length / rs.length;
  const [noCap, capped] = [await mix(null), await mix(20)];
  assert.ok(share(noCap) > share(capped) + 0.1, `arithmetic share ${share(noCap)} uncapped vs ${share(capped)} capped`);
});

test("runCell: a tiny real cell fine-tunes, judges, writes result.json, and resumes", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "cell-"));
  try {
    const cfg = resolveCellConfig({
      model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 4 }, eval: { heldOutClusters: ["nli"], perTask: 2 },
      finetune: { maxSteps: 3, train: { batchSize: 2, microBatchSize: 2, workers: 1, checkpointEvery: 1 } },
    }, "t");
    const r = await runCell(cfg, dir);
    const onDisk = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    assert.deepEqual(onDisk, r);
    assert.equal(r.steps, 3);
    assert.equal(r.n_seen, 6);
    assert.equal(r.n_heldout, 8);
    for (const k of ["win_rate", "heldout_win_rate"] as const) assert.ok(typeof r[k] === "number" && r[k]! >= 0 && r[k]! <= 100, k);
    assert.ok(typeof r.eval_loss === "number" && r.eval_loss > 0);
    assert.ok(existsSync(join(dir, "config.json")));
    // A second run of the same cell resumes from the finished run's checkpoint instead of training again.
    rmSync(join(dir, "result.json"));
    const again = await runCell(cfg, dir);
    assert.equal(again.steps, 3);
    assert.equal(again.win_rate, r.win_rate);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runCell with rank classification: items that list options are judged by the option each model ranks first, and every item's outcome is saved", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "cell-rank-"));
  try {
    const cfg = resolveCellConfig({
      model: "nano-tiny", data: { clusters: ["coreference"], perTask: 4 }, eval: { heldOutClusters: ["nli"], perTask: 2, rankClassification: true },
      finetune: { maxSteps: 2, train: { batchSize: 2, microBatchSize: 2, workers: 1, checkpointEvery: 0 } },
    }, "t");
    const r = await runCell(cfg, dir);
    const items = readFileSync(join(dir, "items.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(items.length, r.n_seen + r.n_heldout);
    const held = items.filter((o) => o.part === "heldout");
    assert.equal(held.length, r.n_heldout);
    // NLI items list 2 or 3 options: the chance floor is one over their number, and rank classification always picks one.
    assert.ok(held.every((o) => o.chance === 1 / 2 || o.chance === 1 / 3), JSON.stringify(held.map((o) => o.chance)));
    const judgments = readFileSync(join(dir, "eval", "judgments.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(r.heldout_accuracy, held.reduce((t, o) => t + o.model, 0) / held.length);
    for (const o of held) {
      const j = judgments.find((x) => x.id === o.id);
      assert.ok(j, o.id);
      // The saved judgments are the generation's; the item outcome is the ranked option's, checked by the verifier.
      assert.ok(o.model === 0 || o.model === 1);
    }
    assert.ok(held.some((o) => o.model === 1 || o.base === 1), "with 2-3 options some ranked answer is right");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
