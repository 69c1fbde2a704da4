// Grid files: expansion (axes x seeds, explicit cells), labels, stable ids that change with the config,
// and errors that name the file and the cell before anything runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellHash, expandGrid, loadGrid, resolveGrid } from "../../lib/ablate/grid";
import { resolveCellConfig } from "../../lib/ablate/cell";
import { UserError } from "../../lib/errors";

const base = { model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 4 }, eval: { perTask: 2 }, finetune: { maxSteps: 3, train: { batchSize: 4 } } };

const grid = (extra: Record<string, unknown>) => resolveGrid({ name: "g", base, ...extra }, "grids/g.json");

test("axes x seeds: every combination once, first axis slowest, deep-merged over the base", () => {
  const g = grid({
    axes: { "finetune.maxSteps": [2, 5], "data.clusters": [{ label: "one", value: ["nli"] }, ["nli", "sentiment"]] },
    seeds: [0, 7],
  });
  const cells = expandGrid(g);
  assert.equal(cells.length, 8);
  assert.deepEqual(cells.map((c) => [c.config.finetune.maxSteps, c.labels["data.clusters"], c.seed]), [
    [2, "one", 0], [2, "one", 7], [2, "nli+sentiment", 0], [2, "nli+sentiment", 7],
    [5, "one", 0], [5, "one", 7], [5, "nli+sentiment", 0], [5, "nli+sentiment", 7],
  ]);
  const c = cells[2];
  assert.deepEqual(c.values["data.clusters"], ["nli", "sentiment"]);
  assert.deepEqual((c.config.data as { clusters: string[] }).clusters, ["nli", "sentiment"]);
  // Deep merge: the axis replaced data.clusters but kept the base's data.perTask and finetune.train.batchSize.
  assert.equal((c.config.data as { perTask: number }).perTask, 4);
  assert.equal(c.config.finetune.train!.batchSize, 4);
  assert.equal(c.config.seed, 0);
  assert.match(c.id, /^maxSteps=2_clusters=nli\+sentiment_seed=0_[0-9a-f]{8}$/);
  assert.equal(new Set(cells.map((x) => x.id)).size, 8);
  // Labelled (or list-valued) axes show labels in tables; plain scalar axes show their values.
  assert.deepEqual(g.axes.map((a) => a.labelled), [false, true]);
  assert.equal(g.plot.x, "finetune.maxSteps");
  assert.equal(g.plot.metric, "win_rate");
});

test("ids are stable: same config, same id, whatever the key order; any config change changes the hash", () => {
  const a = expandGrid(grid({ axes: { "finetune.maxSteps": [2, 3] }, seeds: [0] }));
  const reordered = resolveGrid({ seeds: [0], axes: { "finetune.maxSteps": [2, 3] }, base: { finetune: { train: { batchSize: 4 }, maxSteps: 3 }, eval: { perTask: 2 }, data: { perTask: 4, clusters: ["sentiment"] }, model: "nano-tiny" }, name: "g" }, "other.json");
  assert.deepEqual(expandGrid(reordered).map((c) => c.id), a.map((c) => c.id));
  const edited = expandGrid(resolveGrid({ name: "g", base: { ...base, eval: { perTask: 3 } }, axes: { "finetune.maxSteps": [2, 3] }, seeds: [0] }));
  for (let i = 0; i < a.length; i++) {
    assert.notEqual(edited[i].id, a[i].id);
    assert.equal(edited[i].id.replace(/_[0-9a-f]{8}$/, ""), a[i].id.replace(/_[0-9a-f]{8}$/, ""), "same readable part");
  }
  // The hash is of the resolved config, and the cell process resolving it again gets the same config.
  for (const c of a) {
    assert.equal(c.hash, cellHash(c.config));
    assert.equal(cellHash(resolveCellConfig(JSON.parse(JSON.stringify(c.config)), "x")), c.hash);
  }
});

test("explicit cells are crossed with seeds; dotted override keys; // comments anywhere", () => {
  const g = resolveGrid({
    "//": "a comment", name: "lora-vs-full", base,
    cells: [{ name: "full", "//": "the default" }, { name: "lora r4", finetune: { mode: "lora", lora: { rank: 4 } } }, { name: "lr", "finetune.train.learningRate": 0.01 }],
    seeds: [1, 2], plot: { "//": "x is the cell", metric: "heldout_accuracy" },
  }, "g.json");
  const cells = expandGrid(g);
  assert.deepEqual(cells.map((c) => `${c.name}/${c.seed}`), ["full/1", "full/2", "lora r4/1", "lora r4/2", "lr/1", "lr/2"]);
  assert.equal(cells[2].config.finetune.mode, "lora");
  assert.equal(cells[2].config.finetune.lora?.rank, 4);
  assert.equal(cells[4].config.finetune.train!.learningRate, 0.01);
  assert.equal(cells[4].config.finetune.train!.batchSize, 4);
  assert.match(cells[2].id, /^lora-r4_seed=1_[0-9a-f]{8}$/);
  assert.equal(g.plot.x, "cell");
  assert.equal(g.plot.metric, "heldout_accuracy");
});

test("a grid file with comments loads; bad grids fail naming the file and the cell", () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-grid-"));
  try {
    const file = join(dir, "study.json");
    writeFileSync(file, JSON.stringify({ "//": "x", description: "d", base, axes: { "data.perTask": [1, 2] }, plot: { x: "perTask" } }));
    const g = loadGrid(file);
    assert.equal(g.name, "study", "the name defaults to the file name");
    assert.equal(g.plot.x, "data.perTask", "a short axis name is accepted");
    assert.equal(expandGrid(g).length, 2);

    const bad = (raw: unknown, re: RegExp) => {
      writeFileSync(file, typeof raw === "string" ? raw : JSON.stringify(raw));
      assert.throws(() => expandGrid(loadGrid(file)), (e: unknown) => e instanceof UserError && re.test(e.message) && e.message.startsWith(file) && !e.message.includes("\n"), String(re));
    };
    bad("{ not json", /not valid JSON/);
    bad({ base, axez: {} }, /unknown key 'axez'/);
    bad({ base, axes: { "data.clusters": [["sentiment"], ["no-such-cluster"]] }, seeds: [0] }, /cell clusters=no-such-cluster_seed=0: data\.clusters: unknown cluster "no-such-cluster"/);
    bad({ base, axes: { "finetune.maxSteps": [2, -1] } }, /cell maxSteps=-1: finetune.*maxSteps/);
    bad({ base: { ...base, modle: "x" } }, /cell base: unknown field 'modle'/);
    bad({ base, axes: { "finetune.maxSteps": [] } }, /axis 'finetune\.maxSteps': expected a non-empty list/);
    bad({ base, axes: { "data.perTask": [{ label: "a", value: 1 }, { label: "a", value: 2 }] } }, /two values are labelled 'a'/);
    bad({ base, axes: { "data.perTask": [1, 2] }, plot: { x: "learningRate" } }, /'plot\.x' is 'learningRate', which is not an axis \(axes: data\.perTask, perTask\)/);
    bad({ base, axes: { seed: [1] }, seeds: [0] }, /axis 'seed' and 'seeds' both given/);
    bad({ base, seeds: [0, 0] }, /'seeds' lists a seed twice/);
    bad({ name: "a b", base }, /'name' must be letters/);
    bad({ base, cells: [{ name: "x" }, { name: "x" }] }, /two cells are named 'x'/);
    bad({ base, axes: { "data.perTask": [4, 5] }, cells: [{ name: "a" }, { name: "b", data: { perTask: 4 } }] }, /resolve to the same config/);
    bad({ base, axes: { "data.perTask": [4, "4"] } }, /two values are labelled '4'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
