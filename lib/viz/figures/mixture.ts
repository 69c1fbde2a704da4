/**
 * What an instruction mixture is made of: the share of each source (FLAN task family, Alpaca, ...) as
 * horizontal bars sorted largest first; given several mixtures, one 100%-stacked bar per mixture so their
 * compositions compare at a glance.
 */
import { UserError } from "../../errors";
import { baseLayout, categoricalColors, color } from "../theme";
import { escapeHover } from "../text";
import type { Figure, Trace } from "../types";

export type Counts = Readonly<Record<string, number>>;

export interface NamedCounts {
  name: string;
  counts: Counts;
}

export interface MixtureOptions {
  title?: string;
  /** What is counted, for hover and axis text: "examples", "tokens"... */
  unit?: string;
  height?: number;
}

export const DEFAULT_MIXTURE: Required<Omit<MixtureOptions, "height">> = {
  title: "Mixture composition",
  unit: "examples",
};

function total(c: Counts): number {
  let t = 0;
  for (const [k, v] of Object.entries(c)) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new UserError(`mixtureComposition: count of "${k}" must be a finite number >= 0, got ${v}`, 1);
    t += v;
  }
  return t;
}

export function mixtureComposition(counts: Counts | readonly NamedCounts[], options: MixtureOptions = {}): Figure {
  const opts = { ...DEFAULT_MIXTURE, ...options };
  return Array.isArray(counts) ? compare(counts as readonly NamedCounts[], opts, options.height) : single(counts as Counts, opts, options.height);
}

function single(counts: Counts, opts: Required<Omit<MixtureOptions, "height">>, height?: number): Figure {
  const t = total(counts);
  // Largest at the top: plotly draws the first category at the bottom of a horizontal bar chart.
  const entries = Object.entries(counts).sort((a, b) => a[1] - b[1]);
  const share = entries.map(([, v]) => (t > 0 ? v / t : 0));
  const data: Trace[] = [
    {
      type: "bar",
      orientation: "h",
      name: opts.unit,
      y: entries.map(([k]) => k),
      x: share,
      customdata: entries.map(([, v]) => v),
      text: share.map((s) => `${(s * 100).toFixed(1)}%`),
      textposition: "outside",
      cliponaxis: false,
      marker: { color: color(0) },
      hovertemplate: `%{y}: %{customdata:,} ${opts.unit} (%{x:.1%})<extra></extra>`,
    },
  ];
  const layout = baseLayout({
    title: `${opts.title} (${t.toLocaleString("en-US")} ${opts.unit})`,
    height: height ?? Math.max(250, 60 + 28 * entries.length),
    x: { title: `share of ${opts.unit}`, tickformat: ".0%", range: [0, Math.min(1, Math.max(...share, 0) * 1.18 + 0.02)] },
  });
  layout.showlegend = false;
  return { data, layout };
}

function compare(mixtures: readonly NamedCounts[], opts: Required<Omit<MixtureOptions, "height">>, height?: number): Figure {
  const totals = mixtures.map((m) => total(m.counts));
  // Sources ordered by their overall share, so the stack order is the same in every bar.
  const overall = new Map<string, number>();
  mixtures.forEach((m, i) => {
    for (const [k, v] of Object.entries(m.counts)) overall.set(k, (overall.get(k) ?? 0) + (totals[i] > 0 ? v / totals[i] : 0));
  });
  const sources = [...overall.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const colors = categoricalColors(sources.length);
  const data: Trace[] = sources.map((src, j) => {
    const share = mixtures.map((m, i) => (totals[i] > 0 ? (m.counts[src] ?? 0) / totals[i] : 0));
    return {
      type: "bar",
      orientation: "h",
      name: src,
      y: mixtures.map((m) => m.name),
      x: share,
      customdata: mixtures.map((m) => m.counts[src] ?? 0),
      marker: { color: colors[j] },
      hovertemplate: `%{y} · ${escapeHover(src)}: %{customdata:,} ${opts.unit} (%{x:.1%})<extra></extra>`,
    };
  });
  const layout = baseLayout({
    title: opts.title,
    // Room for the bars (40 px each) and for the legend above them, which wraps about 3 entries a row.
    height: height ?? Math.max(250, 120 + 40 * mixtures.length + 22 * Math.ceil(sources.length / 3)),
    x: { title: `share of ${opts.unit}`, tickformat: ".0%", range: [0, 1] },
    y: { type: "category" },
  });
  layout.barmode = "stack";
  const yaxis = layout.yaxis as Record<string, unknown>;
  yaxis.autorange = "reversed"; // first mixture on top
  // Every mixture's name, even where plotly would thin out crowded category labels.
  Object.assign(yaxis, { tickmode: "array", tickvals: mixtures.map((m) => m.name), ticktext: mixtures.map((m) => m.name) });
  return { data, layout };
}
