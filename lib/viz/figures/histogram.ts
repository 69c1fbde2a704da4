/**
 * Length distributions (prompt/response tokens, characters...) as histograms binned here rather than by
 * plotly, so a figure of a million lengths stays a few kilobytes of JSON in the notebook. Several series
 * overlay; an optional cutoff (the context length) is drawn with the share of values beyond it.
 */
import { UserError } from "../../errors";
import { baseLayout, color, withAlpha } from "../theme";
import type { Figure, Trace } from "../types";

export interface LengthHistogramOptions {
  title?: string;
  xTitle?: string;
  /** About this many bins (the width is rounded to 1, 2 or 5 times a power of ten). */
  bins?: number;
  /** Exact bin width; overrides `bins`. */
  binWidth?: number;
  /** Draws a line here and reports how many values exceed it (e.g. the model's block size). */
  cutoff?: number;
  height?: number;
}

export const DEFAULT_LENGTH_HISTOGRAM: Required<Omit<LengthHistogramOptions, "binWidth" | "cutoff" | "height">> = {
  title: "Lengths",
  xTitle: "length (tokens)",
  bins: 40,
};

export interface Bins {
  /** Left edge of each bin; bin i covers [starts[i], starts[i] + width). */
  starts: number[];
  width: number;
  counts: number[];
}

/** Smallest of 1, 2, 5 x 10^k that is >= raw; at least 1 when `integers` (lengths are whole numbers). */
export function niceWidth(raw: number, integers: boolean): number {
  if (!(raw > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const w = [1, 2, 5, 10].map((m) => m * p).find((c) => c >= raw * (1 - 1e-12)) ?? 10 * p;
  return integers ? Math.max(1, Math.round(w)) : w;
}

/** [min, max] by a loop: Math.min(...values) overflows the stack beyond ~100k values. */
function extent(series: readonly (readonly number[])[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const vs of series) {
    for (const v of vs) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/** Equal-width bins shared by all series, so overlaid bars line up. */
export function binValues(series: readonly (readonly number[])[], width: number): Bins[] {
  const [min, hi] = extent(series);
  const lo = Math.floor(min / width) * width;
  const n = Math.max(1, Math.floor((hi - lo) / width) + 1);
  return series.map((vs) => {
    const counts = new Array<number>(n).fill(0);
    for (const v of vs) counts[Math.min(n - 1, Math.floor((v - lo) / width))]++;
    return { starts: counts.map((_, i) => lo + i * width), width, counts };
  });
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(3);
}

export function lengthHistogram(
  values: readonly number[] | Readonly<Record<string, readonly number[]>>,
  options: LengthHistogramOptions = {},
): Figure {
  const opts = { ...DEFAULT_LENGTH_HISTOGRAM, ...options };
  const named: [string, readonly number[]][] = Array.isArray(values)
    ? [["values", values as readonly number[]]]
    : Object.entries(values as Readonly<Record<string, readonly number[]>>);
  const clean = named.map(([k, vs]) => {
    const bad = vs.find((v) => !Number.isFinite(v));
    if (bad !== undefined) throw new UserError(`lengthHistogram: "${k}" holds a non-finite value (${bad})`, 1);
    return [k, vs] as const;
  });
  const total = clean.reduce((n, [, vs]) => n + vs.length, 0);
  if (total === 0) throw new UserError("lengthHistogram: no values to plot", 1);
  const integers = clean.every(([, vs]) => vs.every(Number.isInteger));
  const [min, max] = extent(clean.map(([, vs]) => vs));
  const width = options.binWidth ?? niceWidth((max - min) / Math.max(1, opts.bins), integers);
  if (!(width > 0)) throw new UserError(`lengthHistogram: binWidth must be > 0, got ${width}`, 1);
  const bins = binValues(clean.map(([, vs]) => vs), width);
  const several = clean.length > 1;

  const data: Trace[] = clean.map(([name, vs], i) => {
    const b = bins[i];
    const sorted = [...vs].sort((a, c) => a - c);
    const stats = `n=${fmt(vs.length)}, median ${fmt(quantile(sorted, 0.5))}, p95 ${fmt(quantile(sorted, 0.95))}`;
    return {
      type: "bar",
      name: several ? `${name} (${stats})` : stats,
      x: b.starts.map((s) => s + width / 2),
      y: b.counts,
      width: b.starts.map(() => width),
      customdata: b.starts.map((s) => [s, s + width]),
      marker: { color: several ? withAlpha(color(i), 0.55) : color(i), line: { width: 0 } },
      hovertemplate: "[%{customdata[0]}, %{customdata[1]}): %{y}<extra>" + (several ? "%{fullData.name}" : "") + "</extra>",
    };
  });

  const layout = baseLayout({ title: opts.title, height: options.height, x: { title: opts.xTitle }, y: { title: "count" } });
  layout.barmode = "overlay";
  layout.bargap = 0;
  layout.showlegend = true;
  if (options.cutoff !== undefined) {
    const cutoff = options.cutoff;
    const over = clean.reduce((n, [, vs]) => n + vs.filter((v) => v > cutoff).length, 0);
    layout.shapes = [
      { type: "line", xref: "x", x0: options.cutoff, x1: options.cutoff, yref: "paper", y0: 0, y1: 1, line: { color: "#444444", width: 1.5, dash: "dash" } },
    ];
    layout.annotations = [
      {
        xref: "x", x: options.cutoff, xanchor: "left", yref: "paper", y: 1, yanchor: "top", showarrow: false,
        text: ` ${fmt(options.cutoff)}: ${((100 * over) / total).toFixed(1)}% longer`,
        font: { size: 11, color: "#444444" },
      },
    ];
  }
  return { data, layout };
}
