// The built-in studies: every grid file resolves, and its smoke version keeps the same axes with tiny cells.
import { test } from "node:test";
import assert from "node:assert/strict";
import { studyNames, studyGrid, studyResults } from "../../lib/ablate/studies";
import { expandGrid, loadGrid } from "../../lib/ablate/grid";
import { readdirSync } from "node:fs";
import { join } from "node:path";

test("every built-in study expands, and its smoke version keeps the axes with tiny, distinct cells", () => {
  const names = studyNames();
  for (const want of ["flan-clusters", "flan-clusters-choice", "flan-templates", "flan-cap", "flan-inversion", "flan-template-mix", "flan-scale",
    "alpaca-size", "alpaca-quality", "alpaca-input", "alpaca-lora", "alpaca-epochs", "instruction-diversity"]) assert.ok(names.includes(want), want);
  for (const name of names) {
    const full = studyGrid(name, "full"), smoke = studyGrid(name, "smoke");
    const fullCells = expandGrid(full), smokeCells = expandGrid(smoke);
    assert.deepEqual(smoke.axes.map((a) => [a.path, a.values.map((v) => v.label)]), full.axes.map((a) => [a.path, a.values.map((v) => v.label)]), name);
    assert.equal(smokeCells.length, fullCells.length / (full.seeds?.length ?? 1), name);
    for (const c of smokeCells) {
      const steps = c.config.finetune.maxSteps ?? 0;
      assert.ok(steps === 0 ? (c.config.data.kind === "file" && (c.config.data.size ?? Infinity) <= 16) : steps <= 2, `${name}/${c.id}: ${steps} steps`);
      assert.equal(c.config.eval.perTask, 1);
    }
    assert.ok(fullCells.every((c) => (c.config.finetune.maxSteps ?? 0) === 0 || c.config.finetune.maxSteps! >= 100), name);
    // Research fidelity: every study runs at least 3 seeds and states at least one paper finding it tests.
    assert.ok((full.seeds?.length ?? 1) >= 3, `${name}: ${full.seeds?.length ?? 1} seeds`);
    assert.ok(full.findings.length >= 1, `${name}: no findings declared`);
    for (const f of full.findings) for (const label of [f.a, f.b]) {
      if (label === null) continue;
      const settings = new Set(fullCells.map((c) => [...(c.name !== null ? [c.name] : []), ...full.axes.map((a) => c.labels[a.path])].join(" · ")));
      assert.ok(settings.has(label), `${name}: finding '${f.claim}' names '${label}', not a setting (${[...settings].join(", ")})`);
    }
  }
  assert.throws(() => studyGrid("flan-nope"), /no study 'flan-nope' \(known: flan-/);
});

test("pilot grids (experiments/pilots) load and run on seeds no study reports", () => {
  const reported = new Set(studyNames().flatMap((n) => studyGrid(n, "full").seeds ?? [0]));
  const files = readdirSync("experiments/pilots").filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const grid = loadGrid(join("experiments/pilots", f));
    assert.ok(expandGrid(grid).length >= 1, f);
    for (const s of grid.seeds ?? [0]) assert.ok(!reported.has(s), `${f}: seed ${s} is a reported seed`);
  }
});

test("studyResults reads a run directory, else the published results, else null", () => {
  assert.equal(studyResults("no-such-study", "/nonexistent"), null);
});
