// The results table, its files and report, seed aggregation and the resume check, on made-up cell results.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aq from "arquero";
import { expandGrid, resolveGrid } from "../../lib/ablate/grid";
import {
  aggregateOverSeeds, cellDir, finishedCell, readResults, writeCellInput, writeResults, type CellRecord,
} from "../../lib/ablate/results";
import type { CellResult } from "../../lib/ablate/cell";

const base = { model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 4 }, eval: { perTask: 2 } };

test("aggregateOverSeeds: mean, standard error and n per group; failed and missing rows left out", () => {
  const t = aq.from([
    { a: 1, seed: 0, status: "ok", m: 1 }, { a: 1, seed: 1, status: "ok", m: 2 }, { a: 1, seed: 2, status: "ok", m: 3 },
    { a: 2, seed: 0, status: "ok", m: 10 }, { a: 2, seed: 1, status: "failed", m: null }, { a: 2, seed: 2, status: "ok", m: null },
    { a: 3, seed: 0, status: "failed", m: null },
  ]);
  const rows = aggregateOverSeeds(t, "a", "m").objects();
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], { a: 1, mean: 2, se: 1 / Math.sqrt(3), n: 3 });
  assert.deepEqual(rows[1], { a: 2, mean: 10, se: 0, n: 1 });
  assert.throws(() => aggregateOverSeeds(t, "b", "m"), /no column 'b'/);
  assert.equal(aggregateOverSeeds(t.filter((d: { status: string }) => d.status === "failed"), ["a"], "m").numRows(), 0);
});

test("writeResults: one row per cell in grid order, CSV and JSONL that read back, a report with curve and heatmap", () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-results-"));
  try {
    const grid = resolveGrid({
      name: "r", description: "A made-up grid.", base,
      axes: { "data.perTask": [2, 4], "data.clusters": [{ label: "one, \"quoted\"", value: ["sentiment"] }, ["sentiment", "nli"]] },
      seeds: [0, 1], plot: { x: "perTask", metric: "win_rate" },
    }, "r.json");
    const cells = expandGrid(grid);
    const records = new Map<string, CellRecord>();
    cells.forEach((c, i) => {
      const failed = i === 5;
      const result = failed ? null : ({ win_rate: 50 + i, steps: 3 } as unknown as CellResult);
      records.set(c.id, { id: c.id, hash: c.hash, status: failed ? "failed" : "ok", seconds: 1.23 + i, attempts: failed ? 2 : 1, error: failed ? "exit code 1: boom" : null, worker: null, result });
    });
    const table = writeResults(dir, grid, cells, records);
    assert.deepEqual(table.columnNames(), ["id", "data.perTask", "data.clusters", "seed", "status", "seconds", "attempts", "error", "win_rate", "steps"]);
    const rows = table.objects() as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => r.id), cells.map((c) => c.id));
    assert.deepEqual(rows[0], { id: cells[0].id, "data.perTask": 2, "data.clusters": "one, \"quoted\"", seed: 0, status: "ok", seconds: 1.2, attempts: 1, error: null, win_rate: 50, steps: 3 });
    assert.equal(rows[5].status, "failed");
    assert.equal(rows[5].win_rate, null);

    assert.deepEqual(readResults(dir).objects(), rows);
    const csv = readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 9);
    assert.equal(csv[0], "id,data.perTask,data.clusters,seed,status,seconds,attempts,error,win_rate,steps");
    assert.equal(csv[1], `${cells[0].id},2,"one, ""quoted""",0,ok,1.2,1,,50,3`);
    assert.ok(csv[6].includes(",failed,") && csv[6].includes("exit code 1: boom"));

    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.ok(html.includes("A made-up grid."));
    assert.equal(html.split("Plotly.react").length - 1, 2, "the ablation curve and the heatmap");
    assert.ok(html.includes('"type":"heatmap"'));
    assert.ok(html.includes("win_rate against data.perTask, mean ± s.e. over 2 seeds"));
    assert.ok(html.includes(`cells/${cells[5].id}/log.txt`), "failed cells are listed with their logs");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("finishedCell: a result counts only next to the same config", () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-resume-"));
  try {
    const [cell] = expandGrid(resolveGrid({ name: "f", base }));
    assert.equal(finishedCell(dir, cell), null);
    writeCellInput(dir, cell);
    assert.equal(finishedCell(dir, cell), null, "no result yet");
    writeFileSync(join(cellDir(dir, cell.id), "result.json"), JSON.stringify({ win_rate: 61 }));
    assert.equal(finishedCell(dir, cell)?.result?.win_rate, 61);
    writeFileSync(join(cellDir(dir, cell.id), "cell.json"), JSON.stringify({ ...cell.config, seed: 5 }));
    assert.equal(finishedCell(dir, cell), null, "a different config in the folder does not count");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
