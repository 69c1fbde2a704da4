/**
 * Grid files: an ablation as a base cell config, axes to sweep (cartesian product), seeds, optional
 * explicit cells, and what to plot. `loadGrid` reads and checks a file; `expandGrid` turns it into cells,
 * each validated by resolveCellConfig before anything runs, so a bad grid fails fast naming the file and
 * the cell. Every cell gets a stable id: a readable slug of its axis labels and seed plus a short hash of
 * its resolved config, so an edited grid never picks up a stale result.
 *
 * {
 *   "//": "comments are keys named // (anywhere)",
 *   "name": "flan-clusters", "description": "...",
 *   "base": { partial cell config },
 *   "axes": { "data.perTask": [4, 8], "data.clusters": [{ "label": "two", "value": ["nli", "sentiment"] }] },
 *   "seeds": [0, 1, 2],
 *   "cells": [{ "name": "lora", "finetune": { "mode": "lora" } }],
 *   "plot": { "x": "data.perTask", "metric": "win_rate" }
 * }
 */
import { basename, extname } from "node:path";
import { UserError } from "../errors";
import { isObject } from "../json";
import { canonicalHash, canonicalJson, FORBIDDEN_KEYS, hasOwn, readConfigFile, stripComments } from "../config";
import { resolveCellConfig, type CellConfig } from "./cell";
import { resolveFindings, type FindingSpec } from "./finding-spec";

/** One value of an axis: what goes into the config, and how tables, plots and ids name it. */
export interface AxisValue {
  label: string;
  value: unknown;
}

export interface Axis {
  /** Dotted path into the cell config, e.g. "finetune.train.learningRate"; also the table column. */
  path: string;
  /** Short name used in cell ids (the last path segment when that is unambiguous). */
  short: string;
  values: AxisValue[];
  /** True when the table column holds labels (some value is labelled or is not a scalar) rather than values. */
  labelled: boolean;
}

/** An explicit cell: a name and overrides (nested objects or dotted keys) over the base. */
export interface ExplicitCell {
  name: string;
  overrides: Record<string, unknown>;
}

export interface PlotSpec {
  /** The swept axis on the x axis of the ablation curve: an axis path, its short name, or "cell". */
  x: string;
  /** The result field on the y axis. */
  metric: string;
  /** Log x axis (numeric x only). */
  logX: boolean;
  title: string;
}

export interface Grid {
  name: string;
  description: string;
  /** The file it came from ("<inline>" when built in code). */
  file: string;
  base: Record<string, unknown>;
  axes: Axis[];
  /** Seeds every cell runs with; null = the base's seed only (no seed axis). */
  seeds: number[] | null;
  cells: ExplicitCell[] | null;
  plot: PlotSpec;
  /** The papers' claims the study tests (./findings.ts); [] when it declares none. */
  findings: FindingSpec[];
}

export interface GridCell {
  /** Stable id: readable slug + "_" + the config hash; also the cell's directory name. */
  id: string;
  /** The explicit cell's name, or null when the grid has no explicit cells. */
  name: string | null;
  /** Per axis path: the label of this cell's value. */
  labels: Record<string, string>;
  /** Per axis path: the value set in the config. */
  values: Record<string, unknown>;
  seed: number;
  /** First 8 hex digits of the SHA-256 of the resolved config (keys sorted). */
  hash: string;
  config: CellConfig;
}

export const DEFAULT_PLOT: PlotSpec = { x: "", metric: "win_rate", logX: false, title: "" };

const GRID_KEYS = ["name", "description", "base", "axes", "seeds", "cells", "plot", "findings"];
const PLOT_KEYS = Object.keys(DEFAULT_PLOT);
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

export { canonicalJson, stripComments };

/** `over` merged into `base`: objects recursively, everything else (arrays, scalars, null) replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (FORBIDDEN_KEYS.has(k)) throw new UserError(`key '${k}' is not allowed (it would change every object's prototype)`, 2);
    out[k] = deepMerge(hasOwn(base, k) ? base[k] : undefined, v);
  }
  return out;
}

/** Sets a dotted path in a (copied) object, creating the objects along the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  return deepMerge(obj, path.split(".").reduceRight<unknown>((acc, k) => ({ [k]: acc }), value)) as Record<string, unknown>;
}

/** A cell's hash: its directory name's suffix and its cache key (key-order free, unlike a run's configHash). */
export function cellHash(config: unknown): string {
  return canonicalHash(config, 8);
}

/** A value's label: given, or made from the value (lists joined with "+"). */
function labelOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every(isScalar)) return v.map(String).join("+");
  return isScalar(v) ? String(v) : canonicalJson(v);
}

/** A label made safe for a directory name. */
function slugPart(s: string, max = 32): string {
  const bad = /[^A-Za-z0-9.+=-]+/g;
  return (s.replace(new RegExp(`^${bad.source}|${bad.source}$`, "g"), "").replace(bad, "-") || "x").slice(0, max);
}

/** Reads a grid file (JSON with // comment keys) and checks its shape; cells are checked by expandGrid. */
export function loadGrid(file: string): Grid {
  return resolveGrid(readConfigFile(file), file);
}

/** Checks a grid object (as parsed from JSON); `file` names it in errors. */
export function resolveGrid(input: unknown, file = "<inline>"): Grid {
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`, 2);
  };
  const raw = stripComments(input, file);
  if (!isObject(raw)) return fail("a grid must be a JSON object");
  for (const k of Object.keys(raw)) if (!GRID_KEYS.includes(k)) fail(`unknown key '${k}' (known: ${GRID_KEYS.join(", ")})`);
  const name = raw.name ?? basename(file, extname(file));
  if (typeof name !== "string" || !NAME_RE.test(name)) fail(`'name' must be letters, digits, '.', '_' or '-' (it names the output folder), got ${JSON.stringify(name)}`);
  const description = raw.description ?? "";
  if (typeof description !== "string") fail("'description' must be a string");
  const base = raw.base ?? {};
  if (!isObject(base)) fail("'base' must be an object (a partial cell config)");

  const axesRaw = raw.axes ?? {};
  if (!isObject(axesRaw)) fail(`'axes' must be an object of "dotted.path": [values]`);
  const axes: Axis[] = [];
  for (const [path, list] of Object.entries(axesRaw as Record<string, unknown>)) {
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path)) fail(`axis '${path}': not a dotted path into the cell config`);
    if (path.split(".").some((k) => FORBIDDEN_KEYS.has(k))) fail(`axis '${path}': '__proto__', 'constructor' and 'prototype' are not allowed in a path`);
    if (path === "seed" && raw.seeds !== undefined) fail("axis 'seed' and 'seeds' both given: use one");
    if (!Array.isArray(list) || list.length === 0) fail(`axis '${path}': expected a non-empty list of values`);
    let labelled = false;
    const values = (list as unknown[]).map((v, i): AxisValue => {
      if (isObject(v) && "value" in v && Object.keys(v).every((k) => k === "label" || k === "value")) {
        if (typeof v.label !== "string" || v.label === "") fail(`axis '${path}' value ${i + 1}: 'label' must be a non-empty string`);
        labelled = true;
        return { label: v.label as string, value: v.value };
      }
      if (!isScalar(v)) labelled = true;
      return { label: labelOf(v), value: v };
    });
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v.label)) fail(`axis '${path}': two values are labelled '${v.label}' (give each a distinct { "label", "value" })`);
      seen.add(v.label);
    }
    axes.push({ path, short: "", values, labelled });
  }
  // Short names in ids: the last path segment unless two axes share it.
  for (const a of axes) {
    const last = a.path.split(".").pop()!;
    a.short = axes.filter((b) => b.path.split(".").pop() === last).length > 1 ? a.path.replace(/\./g, "-") : last;
  }

  let seeds: number[] | null = null;
  if (raw.seeds !== undefined) {
    const s = raw.seeds;
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => Number.isInteger(x) && (x as number) >= 0)) fail("'seeds' must be a non-empty list of non-negative integers");
    if (new Set(s as number[]).size !== (s as number[]).length) fail("'seeds' lists a seed twice");
    seeds = s as number[];
  }

  let cells: ExplicitCell[] | null = null;
  if (raw.cells !== undefined) {
    if (!Array.isArray(raw.cells) || raw.cells.length === 0) fail("'cells' must be a non-empty list of { \"name\": ..., overrides }");
    cells = (raw.cells as unknown[]).map((c, i) => {
      if (!isObject(c)) return fail(`cells[${i}]: expected an object`);
      const { name: n, ...overrides } = c;
      for (const k of Object.keys(overrides)) if (k.split(".").some((x) => FORBIDDEN_KEYS.has(x))) fail(`cells[${i}]: key '${k}' is not allowed (it would change every object's prototype)`);
      if (typeof n !== "string" || n === "") return fail(`cells[${i}]: 'name' must be a non-empty string`);
      return { name: n, overrides };
    });
    const names = cells.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(`two cells are named '${dup}'`);
  }

  const plotRaw = raw.plot ?? {};
  if (!isObject(plotRaw)) fail("'plot' must be an object");
  for (const k of Object.keys(plotRaw as object)) if (!PLOT_KEYS.includes(k)) fail(`unknown key 'plot.${k}' (known: ${PLOT_KEYS.join(", ")})`);
  const plot: PlotSpec = { ...DEFAULT_PLOT, ...(plotRaw as Partial<PlotSpec>) };
  if (typeof plot.x !== "string") fail("'plot.x' must name an axis");
  if (typeof plot.metric !== "string" || plot.metric === "") fail("'plot.metric' must name a result field, e.g. win_rate");
  if (typeof plot.logX !== "boolean") fail("'plot.logX' must be true or false");
  if (typeof plot.title !== "string") fail("'plot.title' must be a string");
  const xChoices = [...axes.map((a) => a.path), ...axes.map((a) => a.short), ...(cells ? ["cell"] : [])];
  if (plot.x === "") plot.x = axes[0]?.path ?? (cells ? "cell" : "");
  else if (!xChoices.includes(plot.x)) fail(`'plot.x' is '${plot.x}', which is not an axis (axes: ${xChoices.join(", ") || "none"})`);
  else plot.x = axes.find((a) => a.short === plot.x)?.path ?? plot.x;

  const findings = resolveFindings(raw.findings, file);
  return { name: name as string, description: description as string, file, base: base as Record<string, unknown>, axes, seeds, cells, plot, findings };
}

/**
 * Every cell of the grid: explicit cells (or one unnamed cell) x the cartesian product of the axes x the
 * seeds, each deep-merged over the base and validated. Order: explicit cells, then axes (first axis
 * slowest), then seeds.
 */
export function expandGrid(grid: Grid): GridCell[] {
  const combos: AxisValue[][] = grid.axes.reduce<AxisValue[][]>((acc, a) => acc.flatMap((c) => a.values.map((v) => [...c, v])), [[]]);
  const explicit: (ExplicitCell | null)[] = grid.cells ?? [null];
  const seeds: (number | null)[] = grid.seeds ?? [null];
  const out: GridCell[] = [];
  for (const ex of explicit) {
    for (const combo of combos) {
      for (const seed of seeds) {
        let cfg: Record<string, unknown> = deepMerge({}, grid.base) as Record<string, unknown>;
        if (ex) {
          for (const [k, v] of Object.entries(ex.overrides)) cfg = k.includes(".") ? setPath(cfg, k, v) : (deepMerge(cfg, { [k]: v }) as Record<string, unknown>);
        }
        combo.forEach((v, i) => (cfg = setPath(cfg, grid.axes[i].path, v.value)));
        if (seed !== null) cfg = { ...cfg, seed };
        const parts = [
          ...(ex ? [slugPart(ex.name)] : []),
          ...combo.map((v, i) => `${slugPart(grid.axes[i].short, 20)}=${slugPart(v.label, 24)}`),
          ...(seed !== null ? [`seed=${seed}`] : []),
        ];
        const readable = parts.join("_").slice(0, 100) || "base";
        const config = resolveCellConfig(cfg, `${grid.file}: cell ${readable}`);
        const hash = cellHash(config);
        const labels: Record<string, string> = {}, values: Record<string, unknown> = {};
        combo.forEach((v, i) => {
          labels[grid.axes[i].path] = v.label;
          values[grid.axes[i].path] = v.value;
        });
        out.push({ id: `${readable}_${hash}`, name: ex?.name ?? null, labels, values, seed: config.seed, hash, config });
      }
    }
  }
  const byHash = new Map<string, string>();
  for (const c of out) {
    const other = byHash.get(c.hash);
    if (other) throw new UserError(`${grid.file}: cells ${other} and ${c.id} resolve to the same config (an axis or cell changes nothing)`, 2);
    byHash.set(c.hash, c.id);
  }
  return out;
}

/** The value a results table shows in an axis column: the value itself for plain scalar axes, else the label. */
export function axisCell(axis: Axis, cell: GridCell): unknown {
  return axis.labelled ? cell.labels[axis.path] : cell.values[axis.path];
}

/** The grid as saved next to its results: everything needed to see what ran. */
export function gridRecord(grid: Grid, cells: readonly GridCell[]): Record<string, unknown> {
  return {
    name: grid.name, description: grid.description, file: grid.file, base: grid.base,
    axes: Object.fromEntries(grid.axes.map((a) => [a.path, a.values])), seeds: grid.seeds,
    cells: cells.map((c) => ({ id: c.id, name: c.name, labels: c.labels, seed: c.seed, hash: c.hash, config: c.config })),
    explicitCells: grid.cells, plot: grid.plot, findings: grid.findings,
  };
}
