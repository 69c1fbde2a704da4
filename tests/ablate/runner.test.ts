// `nanoinstruct ablate` run as a user runs it, on real tiny cells: two cells at once, a failing cell
// retried then reported while the others finish (exit 1 naming it and its log); then a second run
// (through the library, as a notebook would) that resumes without running finished cells again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGrid } from "../../lib/ablate/runner";
import { TINY_BASE, cli } from "./helpers";

test("ablate: cells run two at a time, a failing cell is retried then reported, a re-run resumes", { timeout: 1_200_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-ablate-run-"));
  try {
    const gridFile = join(root, "grid.json");
    const out = join(root, "out");
    const cells = [{ name: "one-step" }, { name: "two-steps", finetune: { maxSteps: 2 } }, { name: "missing-model", model: "/nonexistent/nano-model" }];
    writeFileSync(gridFile, JSON.stringify({ name: "runner-test", base: TINY_BASE, cells, plot: { metric: "eval_loss" } }));
    const first = await cli(["ablate", "--grid", gridFile, "--out", out, "--concurrency", "2", "--retries", "1"]);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /3 cells, 3 to run here, 2 at a time/);
    assert.match(first.stderr, /retrying missing-model_[0-9a-f]{8} \(attempt 2 of 2\): exit code 2: nanoinstruct: \/nonexistent\/nano-model: no such directory/);
    const failedLine = first.stderr.split("\n").find((l) => l.startsWith("  missing-model_"))!;
    assert.ok(failedLine, first.stderr);
    const log = failedLine.match(/\(log: (.+)\)$/)![1];
    assert.equal(readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("--- ") && l.includes("attempt")).length, 2, "two attempts in the log");
    assert.match(first.stderr, /nanoinstruct: 1 cell failed:/);

    const rows = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((r) => [r.cell, r.status, r.attempts]), [["one-step", "ok", 1], ["two-steps", "ok", 1], ["missing-model", "failed", 2]]);
    assert.deepEqual(rows.map((r) => r.steps), [1, 2, null]);
    for (const r of rows.slice(0, 2)) {
      assert.ok(typeof r.eval_loss === "number" && typeof r.win_rate === "number", JSON.stringify(r));
      // Two cells at once: each trains on one thread.
      assert.match(readFileSync(join(out, "cells", r.id, "log.txt"), "utf8"), /^\$ NANOINSTRUCT_WORKERS=1 node .* ablate cell --config /m);
      assert.ok(existsSync(join(out, "cells", r.id, "result.json")));
    }
    assert.match(rows[2].error, /no such directory/);
    assert.equal(readFileSync(join(out, "results.csv"), "utf8").trim().split("\n").length, 4);
    assert.ok(existsSync(join(out, "report.html")));
    const saved = JSON.parse(readFileSync(join(out, "grid.json"), "utf8"));
    assert.deepEqual(saved.cells.map((c: { id: string }) => c.id), rows.map((r) => r.id));

    // Fix the grid by dropping the bad cell: the finished cells are taken as they are, nothing runs.
    const before = rows.slice(0, 2).map((r) => statSync(join(out, "cells", r.id, "log.txt")).size);
    writeFileSync(gridFile, JSON.stringify({ name: "runner-test", base: TINY_BASE, cells: cells.slice(0, 2), plot: { metric: "eval_loss" } }));
    const second = await runGrid(gridFile, { out });
    assert.deepEqual([second.cells.length, second.skipped, second.failed], [2, 2, []]);
    assert.deepEqual(rows.slice(0, 2).map((r) => statSync(join(out, "cells", r.id, "log.txt")).size), before, "no cell process ran");
    const again = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(again, rows.slice(0, 2));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
