/**
 * Win rates with confidence intervals as bars with asymmetric error bars, a dotted line at 50% (a tie).
 * Without clusters: one bar per model. With clusters (task families, prompt categories...): clusters on
 * the x axis and one bar per model in each group, so models compare side by side within a cluster.
 */
import { UserError } from "../../errors";
import { baseLayout, color } from "../theme";
import type { Figure, Trace } from "../types";

export interface WinRateRow {
  model: string;
  cluster?: string;
  /** In [0, 1]. */
  winRate: number;
  ciLow: number;
  ciHigh: number;
}

/** A floor drawn across one cluster's bars: what a model reaches without the skill (majority class, random option). */
export interface FloorMark {
  cluster: string;
  /** In [0, 1]. */
  value: number;
  /** Legend name, one per kind of floor ("format-only (majority class)"). */
  label: string;
}

export interface WinRateOptions {
  title?: string;
  /** Floor marks per cluster (clustered charts only), drawn as horizontal dashes across the cluster's group. */
  floors?: readonly FloorMark[];
  /** Draw the dotted 50% "tie" line (default true; off for accuracy charts). */
  tieLine?: boolean;
  /** What the rate is measured against, shown on the y axis ("win rate vs. base"). */
  yTitle?: string;
  height?: number;
}

export const DEFAULT_WIN_RATE: Required<Omit<WinRateOptions, "height" | "floors">> = {
  title: "Win rate",
  yTitle: "win rate",
  tieLine: true,
};

const EPS = 1e-9;

function check(r: WinRateRow): void {
  const where = `winRateChart: ${r.model}${r.cluster === undefined ? "" : ` / ${r.cluster}`}`;
  for (const [k, v] of [["winRate", r.winRate], ["ciLow", r.ciLow], ["ciHigh", r.ciHigh]] as const) {
    if (!(v >= -EPS && v <= 1 + EPS)) throw new UserError(`${where}: ${k} must be in [0, 1], got ${v}`, 1);
  }
  if (r.ciLow > r.winRate + EPS || r.ciHigh < r.winRate - EPS) {
    throw new UserError(`${where}: interval [${r.ciLow}, ${r.ciHigh}] does not contain ${r.winRate}`, 1);
  }
}

function uniqueInOrder(xs: string[]): string[] {
  return [...new Set(xs)];
}

export function winRateChart(rows: readonly WinRateRow[], options: WinRateOptions = {}): Figure {
  const opts = { ...DEFAULT_WIN_RATE, ...options };
  rows.forEach(check);
  const clustered = rows.some((r) => r.cluster !== undefined);
  const models = uniqueInOrder(rows.map((r) => r.model));
  const errorBars = (rs: readonly WinRateRow[]) => ({
    type: "data",
    symmetric: false,
    array: rs.map((r) => Math.max(0, r.ciHigh - r.winRate)),
    arrayminus: rs.map((r) => Math.max(0, r.winRate - r.ciLow)),
    color: "#444444",
    thickness: 1.5,
    width: 4,
  });
  const hover = "%{x}<br>win rate %{y:.1%}<br>CI %{customdata[0]:.1%} – %{customdata[1]:.1%}<extra>%{fullData.name}</extra>";
  const data: Trace[] = [];
  if (!clustered) {
    data.push({
      type: "bar",
      name: "win rate",
      x: rows.map((r) => r.model),
      y: rows.map((r) => r.winRate),
      customdata: rows.map((r) => [r.ciLow, r.ciHigh]),
      marker: { color: rows.map((r) => color(models.indexOf(r.model))) },
      error_y: errorBars(rows),
      hovertemplate: hover,
      showlegend: false,
    });
  } else {
    const clusters = uniqueInOrder(rows.map((r) => r.cluster ?? "(all)"));
    models.forEach((model, i) => {
      const mine = rows.filter((r) => r.model === model);
      data.push({
        type: "bar",
        name: model,
        x: mine.map((r) => r.cluster ?? "(all)"),
        y: mine.map((r) => r.winRate),
        customdata: mine.map((r) => [r.ciLow, r.ciHigh]),
        marker: { color: color(i) },
        error_y: errorBars(mine),
        hovertemplate: hover,
      });
    });
    const kinds = uniqueInOrder((options.floors ?? []).map((f) => f.label));
    kinds.forEach((label, k) => {
      const marks = (options.floors ?? []).filter((f) => f.label === label);
      data.push({
        type: "scatter",
        mode: "markers",
        name: label,
        x: marks.map((f) => f.cluster),
        y: marks.map((f) => f.value),
        marker: { symbol: "line-ew", size: 60, line: { width: 3, color: ["#d62728", "#7f7f7f", "#9467bd"][k % 3] } },
        hovertemplate: `%{x}<br>${label} %{y:.1%}<extra></extra>`,
      });
    });
    const layout = makeLayout(opts, options.height);
    // Clusters in the order they first appear, whichever model lacks some of them.
    layout.xaxis = { ...(layout.xaxis as object), categoryorder: "array", categoryarray: clusters };
    layout.barmode = "group";
    return { data, layout };
  }
  return { data, layout: makeLayout(opts, options.height) };
}

function makeLayout(opts: Required<Omit<WinRateOptions, "height" | "floors">>, height: number | undefined) {
  const layout = baseLayout({ title: opts.title, height, y: { title: opts.yTitle, tickformat: ".0%", range: [0, 1] } });
  layout.bargap = 0.25;
  if (!opts.tieLine) return layout;
  layout.shapes = [
    { type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: 0.5, y1: 0.5, line: { color: "#888888", width: 1, dash: "dot" } },
  ];
  layout.annotations = [
    { xref: "paper", x: 1, xanchor: "right", yref: "y", y: 0.5, yanchor: "bottom", text: "tie", showarrow: false, font: { size: 11, color: "#888888" } },
  ];
  return layout;
}
