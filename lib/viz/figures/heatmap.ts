/**
 * A labelled grid of numbers (confusion matrix, win rate per model pair, loss per layer and step...), with
 * the values written in the cells when the grid is small enough to read them.
 */
import { UserError } from "../../errors";
import { baseLayout } from "../theme";
import type { Figure, Trace } from "../types";

export interface HeatmapGrid {
  /** Rows of values: z[row][column]; NaN or null leaves a cell blank. */
  z: readonly (readonly (number | null)[])[];
  /** Column labels (x axis). */
  x?: readonly (string | number)[];
  /** Row labels (y axis), drawn top to bottom in this order. */
  y?: readonly (string | number)[];
}

export interface HeatmapOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Plotly colour scale name or [[0, colour], ..., [1, colour]]. */
  colorscale?: string | [number, string][];
  zmin?: number;
  zmax?: number;
  /** d3 format of the cell text and hover, e.g. ".2f" or ".0%". */
  format?: string;
  /** Write values in cells (default: when the grid has at most 400 cells). */
  showValues?: boolean;
  height?: number;
}

export const DEFAULT_HEATMAP = {
  title: "",
  colorscale: "Viridis",
  format: ".3g",
  maxCellsWithText: 400,
};

export function heatmap(grid: HeatmapGrid, options: HeatmapOptions = {}): Figure {
  const rows = grid.z.length;
  const cols = rows > 0 ? grid.z[0].length : 0;
  if (rows === 0 || cols === 0) throw new UserError("heatmap: the grid is empty", 1);
  grid.z.forEach((r, i) => {
    if (r.length !== cols) throw new UserError(`heatmap: row ${i} has ${r.length} values, row 0 has ${cols}`, 1);
  });
  if (grid.x && grid.x.length !== cols) throw new UserError(`heatmap: ${grid.x.length} x labels for ${cols} columns`, 1);
  if (grid.y && grid.y.length !== rows) throw new UserError(`heatmap: ${grid.y.length} y labels for ${rows} rows`, 1);
  const format = options.format ?? DEFAULT_HEATMAP.format;
  const showValues = options.showValues ?? rows * cols <= DEFAULT_HEATMAP.maxCellsWithText;
  // Labels are made strings so numeric labels stay categories (one cell each) instead of a numeric axis.
  const x = (grid.x ?? Array.from({ length: cols }, (_, i) => i)).map(String);
  const y = (grid.y ?? Array.from({ length: rows }, (_, i) => i)).map(String);
  const trace: Trace = {
    type: "heatmap",
    z: grid.z.map((r) => r.map((v) => (v === null || !Number.isFinite(v) ? null : v))),
    x,
    y,
    colorscale: options.colorscale ?? DEFAULT_HEATMAP.colorscale,
    hovertemplate: `%{y} · %{x}: %{z:${format}}<extra></extra>`,
    xgap: 1,
    ygap: 1,
    colorbar: { thickness: 12, outlinewidth: 0 },
  };
  if (options.zmin !== undefined) trace.zmin = options.zmin;
  if (options.zmax !== undefined) trace.zmax = options.zmax;
  if (showValues) {
    trace.texttemplate = `%{z:${format}}`;
    trace.textfont = { size: cols > 12 ? 9 : 12 };
  }
  const layout = baseLayout({
    title: options.title || undefined,
    height: options.height ?? Math.min(900, Math.max(300, 120 + 32 * rows)),
    x: { title: options.xTitle, type: "category" },
    y: { title: options.yTitle, type: "category" },
  });
  (layout.yaxis as Record<string, unknown>).autorange = "reversed"; // row 0 at the top, like a table
  (layout.xaxis as Record<string, unknown>).showgrid = false;
  (layout.yaxis as Record<string, unknown>).showgrid = false;
  return { data: [trace], layout };
}
