// The built-in studies: every grid file resolves, and its smoke version keeps the same axes with tiny cells.
import { test } from "node:test";
import assert from "node:assert/strict";
import { studyNames, studyGrid, studyResults } from "../../lib/ablate/studies";
import { expandGrid } from "../../lib/ablate/grid";

test("every built-in study expands, and its smoke version keeps the axes with tiny, distinct cells", () => {
  const names = studyNames();
  for (const want of ["flan-clusters", "flan-templates", "flan-cap", "flan-inversion", "flan-template-mix", "flan-scale",
    "alpaca-size", "alpaca-filter", "alpaca-input", "alpaca-lora", "alpaca-lr-epochs"]) assert.ok(names.includes(want), want);
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
  }
  assert.throws(() => studyGrid("flan-nope"), /no study 'flan-nope' \(known: flan-/);
});

test("studyResults reads a run directory, else the published results, else null", () => {
  assert.equal(studyResults("no-such-study", "/nonexistent"), null);
});
