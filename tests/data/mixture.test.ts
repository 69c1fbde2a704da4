import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  allocate, buildMixture, excludedClusters, largestRemainder, leaveOneClusterOut, recordsSource, registerSource, unregisterSource,
  validateRecipe, drawTemplateType, recordTemplateType, templateMixRates, mulberry32, sha256Hex, type MixtureRecipe,
} from "../../lib/data/mixture/index";
import { loadRecords } from "../../lib/data/load";
import type { InstructionRecord } from "../../lib/data/record";
import { UserError } from "../../lib/errors";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "mix");

function rec(id: string, task: string, cluster: string, q = `question ${id} about ${task}`, extra: Record<string, unknown> = {}): InstructionRecord {
  return {
    id, source: "mem", task, cluster, metadata: extra, provenance: { file: "<memory>", format: "chat", container: "jsonl" },
    messages: [{ role: "user", content: q }, { role: "assistant", content: `answer ${id}` }],
  };
}

test("validateRecipe fills defaults and names the bad key in one line", () => {
  const r = validateRecipe({ sources: [{ name: "a", file: "a.jsonl" }] }, "r.json");
  assert.deepEqual(r.strategy, { type: "examples-proportional", cap: 3000 });
  assert.equal(r.seed, 0);
  assert.deepEqual(r.dedup, { exact: true, near: null, on: "prompt" });
  const bad: [unknown, RegExp][] = [
    [{ sources: [] }, /^r\.json: sources must be a non-empty array/],
    [{ sorces: [] }, /^r\.json: sorces is not a known key \(known: name, seed/],
    [{ sources: [{ name: "a" }] }, /^r\.json: sources\[0\] needs exactly one of 'file' and 'generator'/],
    [{ sources: [{ name: "a", file: "x", weight: -1 }] }, /^r\.json: sources\[0\]\.weight must be a number >= 0, got -1/],
    [{ sources: [{ name: "a", file: "x" }], strategy: { type: "weights" } }, /sources\[0\]\.weight is required by strategy 'weights'/],
    [{ sources: [{ name: "a", file: "x", weight: 1 }], strategy: { type: "weights" } }, /^r\.json: total is required by strategy 'weights'/],
    [{ sources: [{ name: "a", file: "x" }], strategy: { type: "temperature" } }, /strategy\.temperature must be a number > 0, got undefined/],
    [{ sources: [{ name: "a", file: "x" }], strategy: { type: "counts" } }, /sources\[0\]\.count is required by strategy 'counts'/],
    [{ sources: [{ name: "a", file: "x", count: 2 }], strategy: { type: "counts" }, total: 3 }, /total is 3 but the sources' counts add up to 2/],
    [{ sources: [{ name: "a", file: "x" }, { name: "a", generator: "g" }] }, /sources\[1\]\.name 'a' is already used by sources\[0\]/],
    [{ sources: [{ name: "a", file: "x" }], templateMix: { zs: 1 } }, /templateMix\.zs is not a known key/],
    [{ sources: [{ name: "a", file: "x" }], dedup: { near: 2 } }, /dedup\.near must be a number in \(0, 1\]/],
    [{ sources: [{ name: "a", file: "x" }], heldOut: { clusters: "nli" } }, /heldOut\.clusters must be an array of strings/],
    [{ sources: [{ name: "a", file: "x" }], unit: "task", strategy: { type: "counts" } }, /sources\[0\]\.count is required/],
    [{ sources: [{ name: "a", generator: "g", template: "flan" }] }, /sources\[0\]\.template applies only to a 'file' source/],
    [{ sources: [{ name: "a", file: "x" }], strategy: { type: "weights", cap: 3 } }, /strategy\.cap does not apply to strategy 'weights'/],
  ];
  for (const [raw, re] of bad) assert.throws(() => validateRecipe(raw, "r.json"), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"), String(re));
});

test("allocation: examples-proportional with cap, temperature, weights, counts", () => {
  const sizes = [10000, 1000, 100, 0];
  const comps = sizes.map((size) => ({ size }));
  assert.deepEqual(allocate(comps, { type: "examples-proportional", cap: 3000 }, null).counts, [3000, 1000, 100, 0]);
  assert.deepEqual(allocate(comps, { type: "examples-proportional", cap: 3000 }, 410).counts, [300, 100, 10, 0]);
  // T = 1 is examples-proportional; higher T flattens towards equal shares.
  const t1 = allocate(comps, { type: "temperature", temperature: 1, cap: 3000 }, 410);
  assert.deepEqual(t1.counts, [300, 100, 10, 0]);
  const t3 = allocate(comps, { type: "temperature", temperature: 3, cap: 3000 }, 1000);
  const expected = [3000, 1000, 100].map((n) => n ** (1 / 3));
  const sum = expected.reduce((a, b) => a + b, 0);
  t3.rates.slice(0, 3).forEach((r, i) => assert.ok(Math.abs(r - expected[i] / sum) < 1e-12));
  assert.equal(t3.counts.reduce((a, b) => a + b, 0), 1000);
  assert.deepEqual(allocate([{ size: 5, weight: 1 }, { size: 5, weight: 3 }, { size: 0, weight: 5 }], { type: "weights" }, 8).counts, [2, 6, 0]);
  assert.deepEqual(allocate([{ size: 5, count: 7 }, { size: 5, count: 1 }], { type: "counts" }, null).counts, [7, 1]);
  assert.deepEqual(largestRemainder(10, [1, 1, 1]), [4, 3, 3]);
  assert.throws(() => allocate([{ size: 0 }], { type: "examples-proportional", cap: 5 }, null), /no source has records/);
});

test("held-out clusters leave with their group; leave-one-cluster-out runs", () => {
  assert.deepEqual([...excludedClusters({ clusters: ["nli"], groups: [["nli", "paraphrase"], ["paraphrase", "sts"], ["qa"]] })].sort(), ["nli", "paraphrase", "sts"]);
  const recipe = validateRecipe({ name: "m", sources: [{ name: "a", file: "x" }], heldOut: { groups: [["nli", "paraphrase"]] } });
  const runs = leaveOneClusterOut(recipe, ["nli", "paraphrase", "qa"]);
  assert.deepEqual(runs.map((r) => [r.name, r.excluded]), [["nli+paraphrase", ["nli", "paraphrase"]], ["qa", ["qa"]]]);
  assert.equal(runs[1].recipe.name, "m-without-qa");
});

test("template types: drawn from the mix, read from records, summarized as rates", () => {
  const r = mulberry32(1);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 4000; i++) {
    const t = drawTemplateType({ zs_opt: 3, fs_noopt: 1 }, r);
    counts[t] = (counts[t] ?? 0) + 1;
  }
  assert.deepEqual(Object.keys(counts).sort(), ["fs_noopt", "zs_opt"]);
  assert.ok(Math.abs(counts.zs_opt / 4000 - 0.75) < 0.03);
  assert.equal(recordTemplateType(rec("a", "t", "c", "q", { _template_type: "fs_opt" })), "fs_opt");
  assert.equal(recordTemplateType(rec("a", "t", "c", "q", { templateType: "few-shot", withOptions: false })), "fs_noopt");
  assert.equal(recordTemplateType(rec("a", "t", "c")), undefined);
  assert.deepEqual(templateMixRates({ zs_opt: 1, fs_noopt: 1 }), { zeroShot: 0.5, fewShot: 0.5, withOptions: 0.5 });
});

test("in-memory sources: counts, repeats, held-out, provenance; generators get the recipe fields", async () => {
  const seen: unknown[] = [];
  registerSource("test-gen", (ctx) => {
    seen.push({ exclude: [...ctx.excludeClusters].sort(), mix: ctx.templateMix, inv: ctx.inputInversion, options: ctx.spec.options });
    const records = ["nli", "qa", "math"].flatMap((c) =>
      Array.from({ length: 4 }, (_, i) => rec(`${c}-${i}`, `${c}-task`, c, `${c} question number ${i} ${"x".repeat(i)}`, { template_type: i % 2 ? "fs_opt" : "zs_noopt" })));
    return { records, honored: ["templateMix", "inputInversion"] };
  });
  registerSource("test-list", recordsSource([rec("only", "solo", "misc", "one lonely question")]));
  try {
    const recipe = validateRecipe({
      seed: 5,
      strategy: { type: "weights" },
      total: 12,
      sources: [{ name: "gen", generator: "test-gen", weight: 3, options: { k: 2 } }, { name: "list", generator: "test-list", weight: 1 }],
      heldOut: { clusters: ["nli"] },
      templateMix: { zs_noopt: 1, fs_opt: 1 },
      inputInversion: 0.25,
    });
    const a = await buildMixture(recipe);
    assert.deepEqual(seen[0], { exclude: ["nli"], mix: { zs_noopt: 1, fs_opt: 1 }, inv: 0.25, options: { k: 2 } });
    const m = a.manifest;
    assert.equal(m.records, 12);
    assert.deepEqual(m.counts.bySource, { gen: 9, list: 3 });
    assert.equal(m.removed.heldOut.count, 4);
    assert.deepEqual(m.removed.heldOut.byCluster, { nli: 4 });
    assert.ok(!a.records.some((r) => r.cluster === "nli"));
    const list = m.sources.find((s) => s.name === "list")!;
    assert.deepEqual([list.available, list.selected, list.repeated], [1, 3, 2]);
    assert.deepEqual(list.ignored, ["templateMix", "inputInversion"]);
    assert.deepEqual(m.sources[0].honored, ["templateMix", "inputInversion"]);
    // Repeats get distinct ids; provenance names source, task, cluster and template type.
    const ids = a.records.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes("list/only") && ids.includes("list/only#2") && ids.includes("list/only#3"));
    const p = a.records.find((r) => r.id.startsWith("gen/"))!.metadata.provenance as Record<string, unknown>;
    assert.deepEqual(Object.keys(p).slice(0, 5), ["source", "task", "cluster", "template_type", "id"]);
    assert.equal(m.counts.byTemplateType.none, 3);
    assert.equal(m.sha256, sha256Hex(a.jsonl));
    // Deterministic: same recipe, same bytes; another seed, another order.
    assert.equal((await buildMixture(recipe)).jsonl, a.jsonl);
    assert.notEqual((await buildMixture({ ...recipe, seed: 6 })).jsonl, a.jsonl);
    await assert.rejects(buildMixture(validateRecipe({ sources: [{ name: "x", generator: "missing" }] })), /no generator 'missing' is registered \(known: test-gen, test-list\)/);
  } finally {
    unregisterSource("test-gen");
    unregisterSource("test-list");
  }
});

test("unit 'task': FLAN's per-task cap", async () => {
  const records = [
    ...Array.from({ length: 50 }, (_, i) => rec(`big-${i}`, "big", "c", `big task item ${i} with words ${i * 7}`)),
    ...Array.from({ length: 4 }, (_, i) => rec(`small-${i}`, "small", "c", `small task item ${i}`)),
  ];
  registerSource("two-tasks", recordsSource(records));
  try {
    const m = (await buildMixture(validateRecipe({ unit: "task", strategy: { type: "examples-proportional", cap: 10 }, sources: [{ name: "s", generator: "two-tasks" }] }))).manifest;
    assert.deepEqual(m.counts.byTask, { big: 10, small: 4 });
    assert.deepEqual(m.components?.map((c) => [c.task, c.available, c.selected]), [["big", 50, 10], ["small", 4, 4]]);
    assert.equal(m.sources[0].selected, 14);
  } finally {
    unregisterSource("two-tasks");
  }
});

test("the fixture recipe: files, FLAN layouts, held-out group, decontamination, exact and near duplicates", async () => {
  const raw = JSON.parse((await import("node:fs")).readFileSync(join(FIXTURES, "recipe.json"), "utf8"));
  const recipe: MixtureRecipe = validateRecipe(raw, "recipe.json");
  const { manifest: m, records, jsonl } = await buildMixture(recipe, { baseDir: FIXTURES });
  assert.deepEqual(m.removed.heldOut.clusters, ["nli", "paraphrase"]);
  assert.equal(m.removed.heldOut.count, 18);
  assert.deepEqual(m.removed.contaminated.items, [{ id: "tasks/leak", evalId: "ev-1", ngram: "the quick brown fox jumps over the lazy dog near the old river", source: "tasks" }]);
  assert.deepEqual(m.removed.exactDuplicates.items, [{ id: "tasks/trivia-dup", reason: "exact", duplicateOf: "tasks/trivia-0" }]);
  assert.deepEqual(m.removed.nearDuplicates.items.map((d) => [d.id, d.duplicateOf]), [["tasks/trivia-near", "tasks/trivia-1"]]);
  assert.deepEqual(m.sources.map((s) => [s.name, s.offered, s.available, s.selected]), [["tasks", 33, 12, 5], ["alpaca", 8, 8, 5]]);
  // The alpaca file was laid out with FLAN patterns by the template mix; the flan file keeps its own types.
  const alpaca = records.filter((r) => r.source === "alpaca");
  for (const r of alpaca) {
    const t = (r.metadata.provenance as { template_type: string }).template_type;
    assert.ok(["zs_opt", "zs_noopt", "fs_noopt"].includes(t), t);
    if (t === "fs_noopt") assert.ok(r.messages[0].content.split("\n\n").length >= 2);
  }
  assert.deepEqual(m.sources[1].honored, ["templateMix"]);
  assert.deepEqual(m.sources[0].ignored, ["templateMix"]);
  // The output reads back as chat records with the same ids.
  const { writeFileSync, mkdtempSync, rmSync } = await import("node:fs");
  const dir = mkdtempSync(join((await import("node:os")).tmpdir(), "mix-"));
  try {
    writeFileSync(join(dir, "m.jsonl"), jsonl);
    const back = await loadRecords(join(dir, "m.jsonl"), { mode: "strict" });
    assert.equal(back.format, "chat");
    assert.deepEqual(back.records.map((r) => r.id), records.map((r) => r.id));
    assert.equal((back.records[0].metadata.provenance as { file: string }).file.includes(FIXTURES), false, "provenance paths are relative");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
