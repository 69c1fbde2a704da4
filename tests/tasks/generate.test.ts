import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld } from "../../lib/world/world";
import { evalSet, generateRecords, recordsForSource, selectTasks, validateGenerateOptions } from "../../lib/tasks/generate";
import { clusterNames, getCluster, resolveSource, taskNames } from "../../lib/tasks/registry";
import { verifyRecord } from "../../lib/tasks/render";
import { recordProblems } from "../../lib/data/validate";
import { UserError } from "../../lib/errors";

const world = generateWorld(1);

test("records per task from named sources, with the requested template mix", () => {
  const recs = generateRecords(world, {
    sources: ["cluster:arithmetic", "task:capital_qa", "cluster:nli"],
    n: 200,
    templateTypes: { zeroShot: 1, fewShot: 1, withOptions: 0.5 },
    inversionRate: 0.2,
    seed: 5,
  });
  const tasks = [...resolveSource("cluster:arithmetic"), "capital_qa", ...resolveSource("cluster:nli")];
  assert.equal(recs.length, tasks.length * 200);
  for (const t of tasks) assert.equal(recs.filter((r) => r.task === t).length, 200, t);
  const share = (pred: (r: (typeof recs)[number]) => boolean, of = recs) => of.filter(pred).length / of.length;
  assert.ok(Math.abs(share((r) => r.metadata.inverted === true) - 0.2) < 0.04);
  assert.ok(Math.abs(share((r) => r.metadata.templateType === "few-shot") - 0.5) < 0.05);
  const nli = recs.filter((r) => r.cluster === "nli");
  assert.ok(Math.abs(share((r) => r.metadata.withOptions === true, nli.filter((r) => !r.metadata.inverted)) - 0.5) < 0.06);
  assert.ok(recs.filter((r) => r.cluster === "arithmetic").every((r) => r.metadata.withOptions === false));
  // capital_qa has few train countries: examples repeat under different templates, ids stay unique.
  assert.equal(new Set(recs.map((r) => r.id)).size, recs.length);
  for (const r of recs) {
    assert.deepEqual(recordProblems(r), [], r.id);
    assert.equal(r.metadata.split, "train");
    assert.ok(verifyRecord(r, r.messages[1].content), r.id);
  }
});

test("deterministic in seed; total spreads a count over a source's tasks; zero-shot only and no inversion honoured", () => {
  const a = generateRecords(world, { clusters: ["list_ops"], n: 30, seed: 1 });
  assert.deepEqual(generateRecords(world, { clusters: ["list_ops"], n: 30, seed: 1 }), a);
  assert.notDeepEqual(generateRecords(world, { clusters: ["list_ops"], n: 30, seed: 2 }), a);
  const b = recordsForSource(world, "cluster:string_transforms", 23, { seed: 1, templateTypes: { zeroShot: 1, fewShot: 0, withOptions: 0 }, inversionRate: 0 });
  assert.equal(b.length, 23);
  const per = resolveSource("cluster:string_transforms").map((t) => b.filter((r) => r.task === t).length);
  assert.ok(Math.max(...per) - Math.min(...per) <= 1);
  assert.ok(b.every((r) => r.metadata.templateType === "zero-shot" && r.metadata.inverted === false));
  assert.deepEqual(selectTasks({ tasks: ["addition"], clusters: ["arithmetic"] }), resolveSource("cluster:arithmetic"));
  // Held-out runs: excluded clusters drop out of any selection.
  const kept = selectTasks({ sources: ["all"], excludeClusters: ["nli", "paraphrase"] });
  assert.ok(kept.length > 0 && kept.every((t) => !resolveSource("cluster:nli").includes(t) && !resolveSource("cluster:paraphrase").includes(t)));
  assert.deepEqual(generateRecords(world, { clusters: ["nli"], excludeClusters: ["nli"], n: 5 }), []);
  assert.throws(() => selectTasks({ sources: ["all"], excludeClusters: ["nope"] }), UserError);
});

test("options are checked", () => {
  assert.throws(() => validateGenerateOptions({ inversionRate: 2 }), UserError);
  assert.throws(() => validateGenerateOptions({ templateTypes: { zeroShot: 0, fewShot: 0, withOptions: 0 } }), UserError);
  assert.throws(() => validateGenerateOptions({ n: -1 }), UserError);
  assert.throws(() => validateGenerateOptions({ split: "dev" as "eval" }), UserError);
  assert.throws(() => generateRecords(world, { n: 1 }), /no tasks selected/);
  assert.throws(() => generateRecords(world, { sources: ["cluster:nope"] }), UserError);
});

test("evaluation set: held-out examples of every task, per task and per cluster, disjoint from training records", () => {
  const ev = evalSet(world, { perTask: 12, seed: 3 });
  const byTask = new Map<string, number>();
  for (const r of ev) byTask.set(r.task!, (byTask.get(r.task!) ?? 0) + 1);
  assert.deepEqual([...byTask.keys()].sort(), taskNames().sort());
  assert.deepEqual(new Set(ev.map((r) => r.cluster)), new Set(clusterNames()));
  for (const r of ev) {
    assert.equal(r.metadata.split, "eval");
    assert.equal(r.metadata.inverted, false);
    assert.ok(verifyRecord(r, r.messages[1].content), r.id);
  }
  const train = generateRecords(world, { sources: ["all"], n: 40, seed: 3, inversionRate: 0, templateTypes: { zeroShot: 1, fewShot: 0, withOptions: 0 } });
  const trainPrompts = new Set(train.map((r) => `${r.task}\u0000${r.metadata.exampleId}`.replace("/train/", "/")));
  for (const r of ev) assert.ok(!trainPrompts.has(`${r.task}\u0000${r.metadata.exampleId}`.replace("/eval/", "/")), r.id);
  const trainInputs = new Set(train.map((r) => r.messages[0].content));
  for (const r of ev) assert.ok(!trainInputs.has(r.messages[0].content), `eval prompt also in training: ${r.messages[0].content}`);
  // Per cluster, few-shot with exemplars from train.
  const nli = evalSet(world, { clusters: ["nli"], perTask: 5, seed: 3, shot: "few" });
  assert.deepEqual(new Set(nli.map((r) => r.task)), new Set(getCluster("nli").tasks.map((t) => t.name)));
  for (const r of nli) for (const id of (r.metadata.exemplarIds as string[] | undefined) ?? []) assert.ok(id.includes("/train/"));
});
