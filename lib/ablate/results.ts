/**
 * A grid's results as one arquero table - a row per cell: its axis values, seed, status, seconds, and
 * every metric the cell reported - written atomically as results.jsonl and results.csv, plus report.html
 * with the ablation curve (mean over seeds, ± one standard error) and, when two axes vary, a heatmap.
 * The same files come out of a local run and a queue run.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as aq from "arquero";
import { UserError } from "../errors";
import { writeFileAtomic, writeJsonAtomic } from "../fsutil";
import { readJsonl } from "../json";
import { ablationCurve, type AblationRow } from "../viz/figures/ablation";
import { heatmap } from "../viz/figures/heatmap";
import { writeReport, type ReportSection } from "../viz/report";
import type { Figure } from "../viz/types";
import { readItemOutcomes, type CellResult } from "./cell";
import { formatEffect, studyFindings, FINDINGS_FILE, type ItemSource, type StudyFindings } from "./findings";
import { studyFigure } from "./figure";
import { axisCell, cellHash, type Grid, type GridCell } from "./grid";

export type Table = aq.ColumnTable;

/** How one cell ended, as saved in cells/<id>/status.json. */
export interface CellRecord {
  id: string;
  hash: string;
  status: "ok" | "failed";
  /** Wall time of the attempt that decided the status. */
  seconds: number | null;
  attempts: number;
  /** One line, for failed cells. */
  error: string | null;
  /** Where the worker ran it (host:pid) in a queue run; null locally. */
  worker: string | null;
  result: CellResult | null;
}

/** Columns every results table has besides the axes and metrics. */
export const STATUS_COLUMNS = ["status", "seconds", "attempts", "error"] as const;

export const cellDir = (dir: string, id: string) => join(dir, "cells", id);

/** Item outcomes from a grid run directory (cells/<id>/items.jsonl). */
export const itemsFromRunDir = (dir: string): ItemSource => (c) => (existsSync(cellDir(dir, c.id)) ? readItemOutcomes(cellDir(dir, c.id)) : null);

/** The findings of a grid run directory, or null when no cell saved its items. */
export function runFindings(dir: string, grid: Grid, cells: readonly GridCell[]): StudyFindings | null {
  const source = itemsFromRunDir(dir);
  if (!cells.some((c) => source(c) !== null)) return null;
  return studyFindings(grid, cells, source);
}

/** The findings as report sections: a chart per evaluated part, a table of settings, the tests and verdicts. */
export function findingsSections(grid: Grid, f: StudyFindings): ReportSection[] {
  const out: ReportSection[] = [];
  const swept = grid.axes.find((a) => a.path === grid.plot.x);
  const xTitle = grid.plot.x === "cell" ? "setting" : swept?.path ?? grid.plot.x;
  for (const part of ["heldout", "seen"] as const) {
    const fig = studyFigure(f, part, { title: grid.plot.title || grid.name, xTitle, logX: grid.plot.logX });
    if (fig) out.push(fig);
  }
  const pct = (e: { mean: number; low: number; high: number }) => `${(e.mean * 100).toFixed(1)} [${(e.low * 100).toFixed(1)}, ${(e.high * 100).toFixed(1)}]`;
  const rows = f.settings.flatMap((s) => (["seen", "heldout"] as const).filter((p) => s.parts[p]).map((p) => {
    const x = s.parts[p]!;
    return { setting: s.label, part: p, seeds: s.seeds.length, items: Math.round(x.items), "tuned accuracy %": pct(x.accuracy), "base accuracy %": pct(x.base), "win-rate %": pct(x.win), "chance %": (x.chance * 100).toFixed(1) };
  }));
  if (rows.length) out.push("## Settings (mean and 95% CI over seeds and items)", aq.from(rows));
  if (f.findings.length) {
    out.push("## Findings", aq.from(f.findings.map((x) => ({ claim: x.claim, paper: x.paper, effect: formatEffect(x.effect), verdict: x.verdict, test: x.test_line }))));
  }
  return out;
}

/** The row of one cell: id, cell name (explicit cells), axis columns, seed, status columns, metrics. */
function row(grid: Grid, cell: GridCell, rec: CellRecord | undefined, metrics: string[]): Record<string, unknown> {
  const r: Record<string, unknown> = { id: cell.id };
  if (grid.cells) r.cell = cell.name;
  for (const a of grid.axes) r[a.path] = axisCell(a, cell);
  r.seed = cell.seed;
  r.status = rec?.status ?? "pending";
  r.seconds = rec?.seconds == null ? null : Math.round(rec.seconds * 10) / 10;
  r.attempts = rec?.attempts ?? 0;
  r.error = rec?.error ?? null;
  for (const m of metrics) r[m] = rec?.result?.[m] ?? null;
  return r;
}

/** The results table, rows in grid order; metric columns are the union of what cells reported. */
export function resultsTable(grid: Grid, cells: readonly GridCell[], records: ReadonlyMap<string, CellRecord>): Table {
  const metrics: string[] = [];
  for (const c of cells) for (const k of Object.keys(records.get(c.id)?.result ?? {})) if (!metrics.includes(k)) metrics.push(k);
  return aq.from(cells.map((c) => row(grid, c, records.get(c.id), metrics)));
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes results.jsonl and results.csv (atomically) from the table. */
export function writeResultsFiles(dir: string, table: Table): void {
  const rows = table.objects() as Record<string, unknown>[];
  writeFileAtomic(join(dir, "results.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
  const cols = table.columnNames();
  writeFileAtomic(join(dir, "results.csv"), [cols.map(csvValue).join(","), ...rows.map((r) => cols.map((c) => csvValue(r[c])).join(","))].join("\n") + "\n");
}

/** The results table of a grid directory (its results.jsonl). */
export function readResults(dir: string): Table {
  const file = join(dir, "results.jsonl");
  if (!existsSync(file)) throw new UserError(`${file}: no such file (run the grid first: nanoinstruct ablate --grid FILE --out ${dir})`, 2);
  const rows = readJsonl(file).map((l) => l.value as Record<string, unknown>);
  return aq.from(rows);
}

/**
 * Mean, standard error (sample sd / sqrt(n); 0 for a single seed) and n of `metric` over the finished
 * rows of each group of `by`, in the order the groups first appear. Rows whose metric is missing are left out.
 */
export function aggregateOverSeeds(table: Table, by: string | readonly string[], metric: string): Table {
  const keys = typeof by === "string" ? [by] : [...by];
  const cols = table.columnNames();
  for (const k of [...keys, metric]) if (!cols.includes(k)) throw new UserError(`aggregateOverSeeds: no column '${k}' (columns: ${cols.join(", ")})`, 1);
  const groups = new Map<string, { key: Record<string, unknown>; xs: number[] }>();
  for (const r of table.objects() as Record<string, unknown>[]) {
    if ("status" in r && r.status !== "ok") continue;
    const v = r[metric];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    const key = Object.fromEntries(keys.map((k) => [k, r[k]]));
    const id = JSON.stringify(keys.map((k) => r[k]));
    if (!groups.has(id)) groups.set(id, { key, xs: [] });
    groups.get(id)!.xs.push(v);
  }
  const out = [...groups.values()].map(({ key, xs }) => {
    const n = xs.length;
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    return { ...key, mean, se: sd / Math.sqrt(n), n };
  });
  return out.length ? aq.from(out) : aq.table(Object.fromEntries([...keys, "mean", "se", "n"].map((k) => [k, []])));
}

/** The grouping columns of a grid's table: the explicit cell name, then the axes (seed excluded). */
export function groupColumns(grid: Grid): string[] {
  return [...(grid.cells ? ["cell"] : []), ...grid.axes.map((a) => a.path)];
}

/** The grouping columns that take more than one value in the table. */
function varying(grid: Grid, table: Table): string[] {
  const rows = table.objects() as Record<string, unknown>[];
  return groupColumns(grid).filter((c) => new Set(rows.map((r) => JSON.stringify(r[c]))).size > 1);
}

const fmt = (v: unknown) => (typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v));

/** The ablation curve: plot.x against the metric, one line per combination of the other varying axes. */
export function ablationFigure(grid: Grid, table: Table): Figure | null {
  const metric = grid.plot.metric, x = grid.plot.x;
  if (!x || !table.columnNames().includes(metric)) return null;
  const others = varying(grid, table).filter((c) => c !== x);
  const agg = aggregateOverSeeds(table, [x, ...others], metric).objects() as Record<string, unknown>[];
  if (agg.length === 0) return null;
  const rows: AblationRow[] = agg.map((r) => {
    const mean = r.mean as number, se = r.se as number;
    const series = others.length ? others.map((c) => `${c}=${fmt(r[c])}`).join(" · ") : metric;
    const xv = r[x];
    return { x: typeof xv === "number" ? xv : String(xv), series, mean, lo: mean - se, hi: mean + se };
  });
  const seeds = grid.seeds ? `, mean ± s.e. over ${grid.seeds.length} seeds` : "";
  return ablationCurve(rows, {
    title: grid.plot.title || `${metric} against ${x}${seeds}`, xTitle: x, yTitle: metric,
    logX: grid.plot.logX && rows.every((r) => typeof r.x === "number"),
  });
}

/** A heatmap of the metric's mean when exactly two axes vary: plot.x across, the other down. */
export function heatmapFigure(grid: Grid, table: Table): Figure | null {
  const metric = grid.plot.metric;
  const v = varying(grid, table);
  if (v.length !== 2 || !table.columnNames().includes(metric)) return null;
  const [xc, yc] = v.includes(grid.plot.x) ? [grid.plot.x, v.find((c) => c !== grid.plot.x)!] : v;
  const agg = aggregateOverSeeds(table, [xc, yc], metric).objects() as Record<string, unknown>[];
  if (agg.length === 0) return null;
  const all = table.objects() as Record<string, unknown>[];
  const xs = [...new Set(all.map((r) => JSON.stringify(r[xc])))];
  const ys = [...new Set(all.map((r) => JSON.stringify(r[yc])))];
  const z = ys.map((y) => xs.map((x) => {
    const hit = agg.find((r) => JSON.stringify(r[xc]) === x && JSON.stringify(r[yc]) === y);
    return hit ? (hit.mean as number) : null;
  }));
  const label = (s: string) => fmt(JSON.parse(s));
  return heatmap({ z, x: xs.map(label), y: ys.map(label) }, { title: `mean ${metric}`, xTitle: xc, yTitle: yc });
}

/** Writes results.jsonl, results.csv and report.html for a grid directory; returns the table. */
export function writeResults(dir: string, grid: Grid, cells: readonly GridCell[], records: ReadonlyMap<string, CellRecord>): Table {
  const table = resultsTable(grid, cells, records);
  writeResultsFiles(dir, table);
  const sections: ReportSection[] = [];
  if (grid.description) sections.push(grid.description);
  const ok = [...records.values()].filter((r) => r.status === "ok").length;
  const failed = cells.filter((c) => records.get(c.id)?.status === "failed");
  sections.push(`${cells.length} cells: ${ok} finished, ${failed.length} failed, ${cells.length - ok - failed.length} not run. Metric: \`${grid.plot.metric}\`. Grid: \`${grid.file}\`.`);
  const findings = runFindings(dir, grid, cells);
  if (findings) {
    writeJsonAtomic(join(dir, FINDINGS_FILE), findings);
    sections.push(...findingsSections(grid, findings));
  } else {
    // Cells run before item outcomes were saved: the old mean ± s.e. curve over the table.
    const curve = ablationFigure(grid, table);
    if (curve) sections.push(curve);
  }
  const heat = heatmapFigure(grid, table);
  if (heat) sections.push(heat);
  if (table.columnNames().includes(grid.plot.metric)) {
    const by = groupColumns(grid);
    if (by.length) sections.push("## Mean over seeds", aggregateOverSeeds(table, by, grid.plot.metric));
  }
  sections.push("## Every cell", table);
  if (failed.length) sections.push("## Failed cells\n\n" + failed.map((c) => `- \`${c.id}\`: ${records.get(c.id)!.error ?? "failed"} (log: \`cells/${c.id}/log.txt\`)`).join("\n"));
  writeReport(join(dir, "report.html"), { title: `Ablation: ${grid.name}`, sections });
  return table;
}

/** Saves how a cell ended (cells/<id>/status.json). */
export function writeCellRecord(dir: string, rec: CellRecord): void {
  writeJsonAtomic(join(cellDir(dir, rec.id), "status.json"), rec);
}

/**
 * The cell's record when it already finished with this exact config (its result.json is there and its
 * cell.json is the same config); null when it must (re)run.
 */
export function finishedCell(dir: string, cell: GridCell): CellRecord | null {
  const d = cellDir(dir, cell.id);
  const resultFile = join(d, "result.json"), cellFile = join(d, "cell.json");
  if (!existsSync(resultFile) || !existsSync(cellFile)) return null;
  try {
    if (cellHash(JSON.parse(readFileSync(cellFile, "utf8"))) !== cell.hash) return null;
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as CellResult;
    let prev: Partial<CellRecord> = {};
    if (existsSync(join(d, "status.json"))) prev = JSON.parse(readFileSync(join(d, "status.json"), "utf8")) as CellRecord;
    return {
      id: cell.id, hash: cell.hash, status: "ok", seconds: prev.status === "ok" ? prev.seconds ?? null : null,
      attempts: prev.status === "ok" ? prev.attempts ?? 1 : 1, error: null, worker: prev.worker ?? null, result,
    };
  } catch {
    return null; // unreadable leftovers: run the cell again
  }
}

/** Writes what a cell process reads: cells/<id>/cell.json, the resolved config (it hashes to the id's hash). */
export function writeCellInput(dir: string, cell: GridCell): string {
  const file = join(cellDir(dir, cell.id), "cell.json");
  writeJsonAtomic(file, cell.config);
  return file;
}
