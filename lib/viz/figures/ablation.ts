/**
 * An ablation sweep: a metric's mean against a swept setting (data size, LoRA rank, mixture weight...),
 * one line per series with its [lo, hi] interval as a shaded band.
 */
import { UserError } from "../../errors";
import { baseLayout, color, withAlpha } from "../theme";
import type { Figure, Trace } from "../types";

export interface AblationRow {
  x: number | string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

export interface AblationOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Log x axis, for sweeps over sizes or ranks that double. Needs numeric x. */
  logX?: boolean;
  height?: number;
  /**
   * Fixed y range. Give it whenever cells are compared on a scale with a meaning (accuracy 0-100): an
   * auto-scaled axis stretches a one-point spread over the whole chart and noise reads as a trend.
   */
  yRange?: [number, number];
  /** Horizontal reference lines (a floor: the base model, chance, a format-only answer), dashed and labelled. */
  floors?: { label: string; y: number }[];
}

export const DEFAULT_ABLATION: Required<Omit<AblationOptions, "height" | "yRange" | "floors">> = {
  title: "Ablation",
  xTitle: "",
  yTitle: "",
  logX: false,
};

const BAND_ALPHA = 0.15;

export function ablationCurve(rows: readonly AblationRow[], options: AblationOptions = {}): Figure {
  const opts = { ...DEFAULT_ABLATION, ...options };
  const numeric = rows.every((r) => typeof r.x === "number");
  if (opts.logX && !numeric) throw new UserError("ablationCurve: logX needs numeric x values", 1);
  for (const r of rows) {
    if (r.lo > r.mean || r.hi < r.mean) {
      throw new UserError(`ablationCurve: ${r.series} at x=${r.x}: [${r.lo}, ${r.hi}] does not contain ${r.mean}`, 1);
    }
  }
  const series = [...new Set(rows.map((r) => r.series))];
  const data: Trace[] = [];
  series.forEach((s, i) => {
    const c = color(i);
    const mine = rows.filter((r) => r.series === s);
    // Numeric x is sorted so lines and bands run left to right; categorical x keeps the given order.
    if (numeric) mine.sort((a, b) => (a.x as number) - (b.x as number));
    const xs = mine.map((r) => r.x);
    // Band: the upper edge (invisible), then the lower edge filled up to it.
    data.push({ type: "scatter", mode: "lines", name: `${s} hi`, x: xs, y: mine.map((r) => r.hi), line: { width: 0, color: c }, showlegend: false, legendgroup: s, hoverinfo: "skip" });
    data.push({ type: "scatter", mode: "lines", name: `${s} lo`, x: xs, y: mine.map((r) => r.lo), line: { width: 0, color: c }, fill: "tonexty", fillcolor: withAlpha(c, BAND_ALPHA), showlegend: false, legendgroup: s, hoverinfo: "skip" });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: s,
      legendgroup: s,
      x: xs,
      y: mine.map((r) => r.mean),
      customdata: mine.map((r) => [r.lo, r.hi]),
      line: { color: c, width: 2 },
      marker: { color: c, size: 7 },
      hovertemplate: "%{x}: %{y:.4g} [%{customdata[0]:.4g}, %{customdata[1]:.4g}]<extra>%{fullData.name}</extra>",
    });
  });
  (options.floors ?? []).forEach((f, i) => {
    const xs = [...new Set(rows.map((r) => r.x))];
    if (numeric) (xs as number[]).sort((a, b) => a - b);
    data.push({
      type: "scatter", mode: "lines", name: f.label, x: xs, y: xs.map(() => f.y),
      line: { color: "#777777", width: 1.5, dash: i === 0 ? "dash" : "dot" }, hovertemplate: `${f.label}: %{y:.4g}<extra></extra>`,
    });
  });
  const layout = baseLayout({
    title: opts.title,
    height: options.height,
    x: { title: opts.xTitle || undefined, type: opts.logX ? "log" : numeric ? "linear" : "category" },
    y: { title: opts.yTitle || undefined },
  });
  if (options.yRange) Object.assign(layout.yaxis as object, { range: options.yRange, autorange: false });
  if (opts.logX) {
    // Ticks at the swept values (1, 2, 4, 8...) instead of plotly's 2-3-5 minor labels.
    const ticks = [...new Set(rows.map((r) => r.x as number))].sort((a, b) => a - b);
    Object.assign(layout.xaxis as object, { tickmode: "array", tickvals: ticks, ticktext: ticks.map(String) });
  }
  return { data, layout };
}
