/**
 * The built-in studies (grid files under experiments/ablations/) and their two scales: `full` runs the grid
 * as written (what docs/ABLATIONS.md reports); `smoke` keeps every axis but shrinks each cell to seconds
 * (nano-tiny, a few records and steps, one seed) so notebooks and tests exercise the real machinery.
 * Results of the full runs are kept in the repo (docs/ablations/<name>/results.jsonl) so a notebook can
 * show them without spending the hour again.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { UserError } from "../errors";
import { expandGrid, loadGrid, resolveGrid, type Grid } from "./grid";
import { readResults, runFindings, type Table } from "./results";
import { FINDINGS_FILE, type StudyFindings } from "./findings";

export const STUDIES_DIR = join(REPO_ROOT, "experiments", "ablations");
export const PUBLISHED_RESULTS_DIR = join(REPO_ROOT, "docs", "ablations");

/**
 * "full": the grid as written (what docs/ABLATIONS.md reports); "live": the full recipe and every seed on
 * the two settings the study's first finding compares (or the ends of the swept axis), a few minutes for a
 * notebook to run in front of a class; "smoke": every setting shrunk to seconds, for tests and CI.
 */
export type StudyScale = "smoke" | "live" | "full";

/** Names of the built-in studies (grid files without .json), FLAN's first. */
export function studyNames(): string[] {
  return readdirSync(STUDIES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5))
    .sort((a, b) => Number(b.startsWith("flan")) - Number(a.startsWith("flan")) || a.localeCompare(b));
}

/** A built-in study's grid at the given scale. */
export function studyGrid(name: string, scale: StudyScale = "full"): Grid {
  const file = join(STUDIES_DIR, `${name}.json`);
  if (!existsSync(file)) throw new UserError(`no study '${name}' (known: ${studyNames().join(", ")})`, 2);
  const grid = loadGrid(file);
  return scale === "full" ? grid : scale === "live" ? liveGrid(grid) : smokeGrid(grid);
}

/**
 * The full grid on two settings only: the two a pair finding compares, else the first and last value of the
 * swept axis (or the first and last explicit cell). Every seed and the full recipe are kept, so the live
 * result is the full study's result on those settings (the cells hash the same, and are shared with it).
 */
export function liveGrid(grid: Grid): Grid {
  const pair = grid.findings.find((f) => f.test === "pair");
  const swept = grid.axes.find((a) => a.path === grid.plot.x);
  const pick = <T extends { label?: string; name?: string }>(xs: T[], name: (x: T) => string): T[] => {
    const named = pair ? xs.filter((x) => name(x) === pair.a || name(x) === pair.b) : [];
    return named.length === 2 ? named : xs.length > 2 ? [xs[0], xs[xs.length - 1]] : xs;
  };
  // Findings that name a setting left out are dropped.
  let kept = new Set<string>();
  const keep = (f: Grid["findings"][number]) => (f.a === null || kept.has(f.a)) && (f.b === null || kept.has(f.b));
  if (grid.cells) {
    const cells = pick(grid.cells, (c) => c.name);
    kept = new Set(cells.map((c) => c.name));
    return { ...grid, name: `${grid.name}-live`, cells, findings: grid.findings.filter(keep) };
  }
  if (!swept) return grid;
  const values = pick(swept.values, (v) => v.label);
  kept = new Set(values.map((v) => v.label));
  return { ...grid, name: `${grid.name}-live`, axes: grid.axes.map((a) => (a === swept ? { ...a, values } : a)), findings: grid.findings.filter(keep) };
}

/** The same grid with every cell shrunk to seconds: tiny model, data, steps and evaluation; one seed. */
export function smokeGrid(grid: Grid): Grid {
  const sweepsEpochs = grid.axes.some((a) => a.path.endsWith("epochs")) || (grid.cells ?? []).some((c) => JSON.stringify(c.overrides).includes('"epochs"'));
  const shrink = (cfg: Record<string, unknown>, keepModel: boolean): Record<string, unknown> => {
    const data = { ...(cfg.data as Record<string, unknown> | undefined) };
    const ft = { ...(cfg.finetune as Record<string, unknown> | undefined) };
    // A grid that compares epochs keeps training by epochs, over 16 records; every other cell takes two steps.
    const byEpochs = ft.maxSteps === 0 && sweepsEpochs;
    const kind = data.kind ?? "tasks";
    if (kind === "tasks") data.perTask = 3;
    // Rewrite data needs at least one example per rule (a study sweeps up to 1,024 rules); two steps use a few.
    else if (kind === "rewrite") data.examples = 1024;
    else data.size = byEpochs ? 16 : 40;
    const train = { ...(ft.train as Record<string, unknown> | undefined), batchSize: 2, microBatchSize: 2, workers: 1, checkpointEvery: 0, evalRows: 8 };
    return {
      ...cfg, ...(keepModel ? {} : { model: "nano-tiny" }), data,
      eval: { ...(cfg.eval as Record<string, unknown> | undefined), perTask: 1 },
      finetune: byEpochs ? { ...ft, train } : { ...ft, maxSteps: 2, epochs: 1, train },
    };
  };
  const varyModel = grid.axes.some((a) => a.path === "model");
  const raw: Record<string, unknown> = {
    name: `${grid.name}-smoke`, description: `${grid.description} (smoke scale: every cell shrunk to seconds)`,
    base: shrink(grid.base, varyModel),
    axes: Object.fromEntries(grid.axes.map((a) => [a.path, a.values.map((v) => ({ label: v.label, value: v.value }))])),
    plot: grid.plot, findings: grid.findings,
  };
  if (grid.seeds) raw.seeds = [grid.seeds[0]];
  if (grid.cells) {
    raw.cells = grid.cells.map((c) => {
      const o = { ...c.overrides } as Record<string, unknown>;
      const ft = o.finetune as Record<string, unknown> | undefined;
      // Cells that count epochs keep them, over 16 records; the others take two steps like the base.
      const byEpochs = ft && ft.maxSteps === 0;
      if (ft) o.finetune = byEpochs ? ft : { ...ft, maxSteps: 2 };
      const data = o.data as Record<string, unknown> | undefined;
      // 20, not the base's 40, so a cell that differs from the base only by a subset stays distinct.
      if (data && typeof data.size === "number") o.data = { ...data, size: byEpochs ? 16 : 20 };
      return { name: c.name, ...o };
    });
  }
  return resolveGrid(raw, `${grid.file} (smoke)`);
}

/**
 * Results of a study: from a run directory when it holds results (runs/ablate/<name> by default), else the
 * published full-run results in docs/ablations/<name>/; null when neither exists.
 */
export function studyResults(name: string, runDir = join("runs", "ablate", name)): { table: Table; from: string } | null {
  for (const dir of [runDir, join(PUBLISHED_RESULTS_DIR, name)]) {
    if (existsSync(join(dir, "results.jsonl"))) return { table: readResults(dir), from: dir };
  }
  return null;
}

/**
 * A study's findings: computed from a run directory's cells when it has them (runs/ablate/<name> by
 * default), else the published findings (docs/ablations/<name>/findings.json); null when neither exists.
 */
export function studyFindingsOf(name: string, grid: Grid = studyGrid(name, "full"), runDir = join("runs", "ablate", name)): { findings: StudyFindings; from: string } | null {
  const here = existsSync(runDir) ? runFindings(runDir, grid, expandGrid(grid)) : null;
  if (here) return { findings: here, from: runDir };
  const published = join(PUBLISHED_RESULTS_DIR, name, FINDINGS_FILE);
  if (existsSync(published)) return { findings: JSON.parse(readFileSync(published, "utf8")) as StudyFindings, from: published };
  return null;
}
