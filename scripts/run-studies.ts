/**
 * `npm run ablations [-- name ...]`: runs the built-in studies (experiments/ablations/*.json) at full scale
 * with the grid runner, one after another, and publishes each one's results to docs/ablations/<name>/
 * (results.jsonl, results.csv, grid.json, timing.json; the plots stay in runs/ablate/<name>/report.html), which docs/ABLATIONS.md and notebooks
 * 05/06 read. Resumable: finished cells are skipped. Several grids share cells (the same resolved config,
 * e.g. the 11-cluster baseline); a cell finished in one grid is copied into the others, not rerun.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { studyGrid, studyNames, PUBLISHED_RESULTS_DIR } from "../lib/ablate/studies";
import { expandGrid } from "../lib/ablate/grid";
import { runGrid } from "../lib/ablate/runner";
import { writeFileAtomic, writeJsonAtomic } from "../lib/fsutil";
import { FINDINGS_FILE, ITEMS_FILE, publishedItems } from "../lib/ablate/findings";
import { itemsFromRunDir } from "../lib/ablate/results";
import { reportError } from "../lib/cli/main";

const ROOT = join("runs", "ablate");

/** The commit the suite ran from (with "+dirty" when tracked files other than its outputs and prose had changes), or null outside git. */
function gitCommit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    // The suite's own outputs (docs/ablations/) and prose (*.md) do not count as a change to the code that ran.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/ablations", ":(exclude)*.md"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** Copies finished cells with the same config hash from sibling grid directories; returns how many. */
function reuseSharedCells(name: string): number {
  const grid = studyGrid(name, "full");
  let reused = 0;
  for (const cell of expandGrid(grid)) {
    const target = join(ROOT, name, "cells", cell.id);
    if (existsSync(join(target, "result.json"))) continue;
    for (const other of existsSync(ROOT) ? readdirSync(ROOT) : []) {
      if (other === name || !existsSync(join(ROOT, other, "cells"))) continue;
      const hit = readdirSync(join(ROOT, other, "cells")).find((id) => id.endsWith(`_${cell.hash}`) && existsSync(join(ROOT, other, "cells", id, "result.json")));
      if (!hit) continue;
      mkdirSync(join(ROOT, name, "cells"), { recursive: true });
      cpSync(join(ROOT, other, "cells", hit), target, { recursive: true });
      reused++;
      break;
    }
  }
  return reused;
}

try {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : studyNames();
  for (const name of names) {
    const reused = reuseSharedCells(name);
    const say = (s: string) => console.log(`[${name}] ${s}`);
    if (reused) say(`${reused} cells shared with other studies copied, not rerun`);
    const run = await runGrid(studyGrid(name, "full"), { out: join(ROOT, name), onProgress: say });
    const pub = join(PUBLISHED_RESULTS_DIR, name);
    mkdirSync(pub, { recursive: true });
    for (const f of ["results.jsonl", "results.csv", "grid.json", FINDINGS_FILE]) {
      if (existsSync(join(run.dir, f))) cpSync(join(run.dir, f), join(pub, f));
    }
    // Every cell's item outcomes, so the statistics can be recomputed from the published files alone.
    const items = publishedItems(run.cells, itemsFromRunDir(run.dir));
    writeFileAtomic(join(pub, ITEMS_FILE), items.map((x) => JSON.stringify(x)).join("\n") + (items.length ? "\n" : ""));
    // A run that neither trained nor copied a cell only recomputes the findings: the published timing stays the
    // one of the run that made the cells, with the recomputation noted. (`skipped` counts the copied cells too.)
    const timingFile = join(pub, "timing.json");
    const trained = run.skipped < run.cells.length || reused > 0 || !existsSync(timingFile);
    writeJsonAtomic(timingFile, trained
      ? {
        seconds_this_run: Math.round(run.seconds), cells: run.cells.length, skipped: run.skipped, reused, failed: run.failed.map((f) => f.id),
        finished: new Date().toISOString(), commit: gitCommit(), command: `npm run ablations -- ${name}`,
      }
      : { ...JSON.parse(readFileSync(timingFile, "utf8")), findings_recomputed: new Date().toISOString(), findings_commit: gitCommit() });
    say(`done in ${Math.round(run.seconds)} s (${run.skipped} cells already finished); published to ${pub}`);
  }
} catch (e) {
  process.exitCode = reportError(e);
}
