/**
 * Loss curves of one or more training runs on one chart: each run's train loss raw (faint) and
 * EMA-smoothed (solid), its eval loss as dashed line with markers, and its learning rate, when the
 * points carry one, dotted on a second y axis at the right.
 */
import { UserError } from "../../errors";
import { DEFAULT_EMA, ema } from "../smooth";
import { axis, baseLayout, color, withAlpha } from "../theme";
import { escapeHover } from "../text";
import type { Figure, Trace } from "../types";

export interface LossPoint {
  step: number;
  loss: number;
  split: "train" | "eval";
  lr?: number;
}

export interface LossRun {
  name: string;
  points: readonly LossPoint[];
}

export interface LossCurvesOptions {
  /** EMA weight for the train curve, in [0, 1); 0 draws the raw curve only. */
  ema?: number;
  title?: string;
  /** Log-scale loss axis: useful when the loss falls by orders of magnitude. */
  logY?: boolean;
  /** Draw the learning rate on a second axis (default: when any point has `lr`). */
  showLr?: boolean;
  height?: number;
}

export const DEFAULT_LOSS_CURVES: Required<Omit<LossCurvesOptions, "showLr" | "height">> = {
  ema: DEFAULT_EMA,
  title: "Loss",
  logY: false,
};

const RAW_ALPHA = 0.25;

function bySplit(points: readonly LossPoint[], split: LossPoint["split"]): LossPoint[] {
  return points.filter((p) => p.split === split).sort((a, b) => a.step - b.step);
}

export function lossCurves(runs: readonly LossRun[], options: LossCurvesOptions = {}): Figure {
  const opts = { ...DEFAULT_LOSS_CURVES, ...options };
  const names = new Set<string>();
  for (const r of runs) {
    if (names.has(r.name)) throw new UserError(`lossCurves: two runs are named "${r.name}"`, 1);
    names.add(r.name);
  }
  const showLr = options.showLr ?? runs.some((r) => r.points.some((p) => p.lr !== undefined));
  // With a single run the legend need not repeat its name.
  const label = (run: string, what: string) => (runs.length === 1 ? what : `${run} · ${what}`);
  const data: Trace[] = [];

  runs.forEach((run, i) => {
    const c = color(i);
    const train = bySplit(run.points, "train");
    const evalPts = bySplit(run.points, "eval");
    const steps = train.map((p) => p.step);
    const losses = train.map((p) => p.loss);
    if (train.length > 0) {
      const smoothing = opts.ema > 0;
      data.push({
        type: "scatter",
        mode: "lines",
        name: label(run.name, smoothing ? "train (raw)" : "train"),
        legendgroup: run.name,
        showlegend: !smoothing,
        x: steps,
        y: losses,
        line: { color: smoothing ? withAlpha(c, RAW_ALPHA) : c, width: smoothing ? 1 : 2 },
        hovertemplate: "step %{x}<br>train loss %{y:.4f}<extra>" + escapeHover(run.name) + "</extra>",
      });
      if (smoothing) {
        data.push({
          type: "scatter",
          mode: "lines",
          name: label(run.name, "train"),
          legendgroup: run.name,
          x: steps,
          y: ema(losses, opts.ema),
          line: { color: c, width: 2 },
          hovertemplate: `step %{x}<br>train loss (EMA ${opts.ema}) %{y:.4f}<extra>${escapeHover(run.name)}</extra>`,
        });
      }
    }
    if (evalPts.length > 0) {
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: label(run.name, "eval"),
        legendgroup: run.name,
        x: evalPts.map((p) => p.step),
        y: evalPts.map((p) => p.loss),
        line: { color: c, width: 2, dash: "dash" },
        marker: { color: c, size: 6 },
        hovertemplate: "step %{x}<br>eval loss %{y:.4f}<extra>" + escapeHover(run.name) + "</extra>",
      });
    }
    if (showLr) {
      const withLr = run.points.filter((p) => p.lr !== undefined && p.split === "train");
      const lrPts = (withLr.length > 0 ? withLr : run.points.filter((p) => p.lr !== undefined)).sort(
        (a, b) => a.step - b.step,
      );
      if (lrPts.length > 0) {
        data.push({
          type: "scatter",
          mode: "lines",
          name: label(run.name, "lr"),
          legendgroup: run.name,
          yaxis: "y2",
          x: lrPts.map((p) => p.step),
          y: lrPts.map((p) => p.lr as number),
          line: { color: c, width: 1, dash: "dot" },
          hovertemplate: "step %{x}<br>lr %{y:.3e}<extra>" + escapeHover(run.name) + "</extra>",
        });
      }
    }
  });

  const layout = baseLayout({
    title: opts.title,
    height: options.height,
    x: { title: "step" },
    y: { title: "loss", type: opts.logY ? "log" : "linear" },
  });
  layout.hovermode = "x unified";
  if (showLr) {
    layout.yaxis2 = {
      ...axis({ title: "learning rate" }),
      overlaying: "y",
      side: "right",
      showgrid: false,
      // Plotly would otherwise put the lr ticks at the loss axis' grid lines: 2.486e-4, 1.914e-4...
      tickmode: "auto",
      nticks: 6,
      exponentformat: "e",
      rangemode: "tozero",
    };
    layout.margin = { ...(layout.margin as object), r: 70 };
  }
  return { data, layout };
}
