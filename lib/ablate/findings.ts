/**
 * What a study found, with its statistics: per group of cells (every seed of one setting) the tuned and the
 * base model's accuracy, the win-rate and the chance floor, each with a 95% interval over seeds and items;
 * and for each finding the grid declares (a paper's claim: a trend, a difference between two settings, or
 * the gain of tuning over the base), the effect, its interval, its p-value and the verdict
 * ("reproduces (significant)", "same direction, not significant", "does not reproduce").
 *
 * Read from the cells' items.jsonl (./cell.ts), written to findings.json next to a grid's results.
 */
import { existsSync } from "node:fs";
import { UserError } from "../errors";
import { readJsonl } from "../json";
import type { ItemOutcome } from "./cell";
import type { Grid, GridCell } from "./grid";
import type { FindingSpec, Measure, Part } from "./finding-spec";

export type { FindingSpec, Measure, Part };
import { DEFAULT_BOOTSTRAP, estimate, outcomesFrom, pairedBootstrap, trendBootstrap, verdict, type Effect, type Estimate, type Outcomes, type Verdict } from "./stats";

/** A group's label: the explicit cell's name and the axis labels, without the seed. */
export function settingLabel(grid: Grid, cell: GridCell): string {
  return [...(cell.name !== null ? [cell.name] : []), ...grid.axes.map((a) => cell.labels[a.path])].join(" · ");
}

function score(o: ItemOutcome, m: Measure): number {
  switch (m) {
    case "accuracy": return o.model;
    case "base": return o.base;
    case "win": return o.preference;
    case "gain": return o.model - o.base;
  }
}

export interface SettingSummary {
  label: string;
  /** The swept axis's value when it is a number (or a label that reads as one), for trends. */
  x: number | null;
  seeds: number[];
  /** Per part (when the cells evaluated it): tuned accuracy, base accuracy, win-rate, chance floor. */
  parts: Partial<Record<Part, { items: number; accuracy: Estimate; base: Estimate; win: Estimate; chance: number }>>;
}

export interface FindingResult extends FindingSpec {
  effect: Effect | null;
  verdict: Verdict | "not measured";
  /** One line: the test that decided it. */
  test_line: string;
}

export interface StudyFindings {
  study: string;
  bootstrap: { replicates: number; level: number };
  settings: SettingSummary[];
  findings: FindingResult[];
  /** Cells without an items file (not run, failed, or run before items were saved). */
  missing: string[];
}

/** The number an axis label or value stands for ("1k" = 1000, "all (12k)" = 12000), or null. */
export function numericX(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v !== "string") return null;
  const m = /(\d+(?:\.\d+)?)\s*([kKmM]?)\b/.exec(v);
  if (!m) return null;
  return Number(m[1]) * (m[2].toLowerCase() === "k" ? 1e3 : m[2].toLowerCase() === "m" ? 1e6 : 1);
}

/** Where a cell's item outcomes come from: a grid directory's cells/<id>/items.jsonl, or a published items file. */
export type ItemSource = (cell: GridCell) => ItemOutcome[] | null;

/** One line per cell of a study's published items file: the cell id and its outcomes as compact rows. */
export interface PublishedCellItems {
  cell: string;
  seed: number;
  /** [id, part, model, base, preference, chance] */
  items: [string, Part, 0 | 1, 0 | 1, number, number][];
}

export const ITEMS_FILE = "items.jsonl";

/** The published form of a grid run's items (one line per cell that has them). */
export function publishedItems(cells: readonly GridCell[], source: ItemSource): PublishedCellItems[] {
  const out: PublishedCellItems[] = [];
  for (const c of cells) {
    const items = source(c);
    if (items) out.push({ cell: c.id, seed: c.seed, items: items.map((o) => [o.id, o.part, o.model, o.base, o.preference, o.chance]) });
  }
  return out;
}

/** Item outcomes from a published items file (docs/ablations/<study>/items.jsonl). */
export function itemsFromPublished(file: string): ItemSource {
  const byCell = new Map<string, ItemOutcome[]>();
  if (existsSync(file)) {
    for (const { value } of readJsonl(file)) {
      const v = value as PublishedCellItems;
      byCell.set(v.cell, v.items.map(([id, part, model, base, preference, chance]) => ({ id, part, task: null, cluster: null, model, base, preference, chance })));
    }
  }
  return (c) => byCell.get(c.id) ?? null;
}

/** Analyzes a grid's cells (their item outcomes) against the grid's findings. */
export function studyFindings(grid: Grid, cells: readonly GridCell[], itemsOf: ItemSource, specs: readonly FindingSpec[] = grid.findings, options: { replicates?: number } = {}): StudyFindings {
  const replicates = options.replicates ?? DEFAULT_BOOTSTRAP.replicates;
  const groups = new Map<string, { cells: GridCell[]; items: Map<number, ItemOutcome[]> }>();
  const missing: string[] = [];
  const swept = grid.axes.find((a) => a.path === grid.plot.x);
  for (const c of cells) {
    const label = settingLabel(grid, c);
    if (!groups.has(label)) groups.set(label, { cells: [], items: new Map() });
    const g = groups.get(label)!;
    g.cells.push(c);
    const items = itemsOf(c);
    if (items) g.items.set(c.seed, items);
    else missing.push(c.id);
  }
  const outcomes = (label: string, part: Part, m: Measure): Outcomes => {
    const g = groups.get(label);
    if (!g) throw new UserError(`${grid.file}: a finding names setting '${label}', which is not in the grid (settings: ${[...groups.keys()].join(", ")})`, 2);
    const rows: { seed: number; id: string; score: number }[] = [];
    for (const [seed, items] of g.items) for (const o of items) if (o.part === part) rows.push({ seed, id: o.id, score: score(o, m) });
    return outcomesFrom(rows, { min: -1, max: 1 });
  };
  const settings: SettingSummary[] = [...groups.entries()].map(([label, g]) => {
    const c = g.cells[0];
    const parts: SettingSummary["parts"] = {};
    for (const part of ["seen", "heldout"] as Part[]) {
      const any = [...g.items.values()].some((items) => items.some((o) => o.part === part));
      if (!any) continue;
      const all = [...g.items.values()].flat().filter((o) => o.part === part);
      const est = (m: Measure) => estimate(outcomes(label, part, m), { replicates });
      parts[part] = { items: all.length / Math.max(1, g.items.size), accuracy: est("accuracy"), base: est("base"), win: est("win"), chance: all.reduce((t, o) => t + (o.chance ?? 0), 0) / all.length };
    }
    return { label, x: swept ? numericX(swept.labelled ? c.labels[swept.path] : c.values[swept.path]) ?? numericX(c.labels[swept.path]) : null, seeds: [...g.items.keys()].sort((a, b) => a - b), parts };
  });
  const findings = specs.map((s): FindingResult => {
    try {
      let effect: Effect;
      let line: string;
      if (s.test === "trend") {
        const pts = settings.filter((st) => st.x !== null && st.parts[s.part]).map((st) => ({ x: s.x === "log2" ? Math.log2(st.x!) : st.x!, outcomes: outcomes(st.label, s.part, s.measure) }));
        if (pts.length < 2) return { ...s, effect: null, verdict: "not measured", test_line: "fewer than two settings with results" };
        effect = trendBootstrap(pts, { replicates });
        line = `slope of ${s.measure} (${s.part}) against ${s.x === "log2" ? "log2 " : ""}${grid.plot.x}, ${pts.length} settings`;
      } else if (s.test === "pair") {
        effect = pairedBootstrap(outcomes(s.a!, s.part, s.measure), outcomes(s.b!, s.part, s.measure), { replicates });
        line = `${s.measure} (${s.part}): '${s.a}' minus '${s.b}'`;
      } else {
        effect = pairedBootstrap(outcomes(s.a!, s.part, "accuracy"), outcomes(s.a!, s.part, "base"), { replicates });
        line = `accuracy (${s.part}) of '${s.a}': tuned minus base`;
      }
      if (effect.seeds === 0) return { ...s, effect: null, verdict: "not measured", test_line: "no results" };
      const how = `${effect.paired ? "paired" : "unpaired"} bootstrap over ${effect.seeds} seeds x ${effect.items} items (${replicates} replicates)`;
      return { ...s, effect, verdict: verdict(effect, s.expect), test_line: `${line}; ${how}` };
    } catch (e) {
      if (e instanceof UserError) throw e;
      return { ...s, effect: null, verdict: "not measured", test_line: (e as Error).message };
    }
  });
  return { study: grid.name, bootstrap: { replicates, level: DEFAULT_BOOTSTRAP.level }, settings, findings, missing };
}

/** "+4.2 points [1.1, 7.3], p = 0.004" for an effect on a 0-1 scale (points = percentage points). */
export function formatEffect(e: Effect | null, perUnit = false): string {
  if (!e) return "n/a";
  const f = (v: number) => (perUnit ? v * 100 : v * 100).toFixed(1);
  const sign = e.value >= 0 ? "+" : "";
  const p = e.p < 0.001 ? "p < 0.001" : `p = ${e.p.toFixed(3)}`;
  return `${sign}${f(e.value)} points${perUnit ? " per unit" : ""} [${f(e.low)}, ${f(e.high)}], ${p}`;
}

export const FINDINGS_FILE = "findings.json";
