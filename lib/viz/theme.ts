/**
 * One small theme for every figure, so notebooks and reports look alike: a colour-blind-safe palette
 * (Okabe–Ito), light grid, the system font, and legends above the plot where they never cover data.
 */
import type { Layout } from "./types";

export const PALETTE = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // green
  "#CC79A7", // purple
  "#E69F00", // orange
  "#56B4E9", // sky
  "#F0E442", // yellow
  "#000000",
] as const;

export const FONT_FAMILY =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
export const TEXT_COLOR = "#222222";
export const GRID_COLOR = "#e6e6e6";
export const DEFAULT_HEIGHT = 400;
/** Pixels at the top kept for the title; the legend starts below them. */
const TITLE_SPACE = 40;

/** The i-th palette colour, cycling. */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/**
 * `n` colours no two of which are the same: the palette when it is long enough, else hues spread evenly
 * around the wheel in two lightnesses (a stack of 14 clusters must not reuse 8 colours).
 */
export function categoricalColors(n: number): string[] {
  if (n <= PALETTE.length) return PALETTE.slice(0, n);
  return Array.from({ length: n }, (_, i) => {
    const hue = Math.round((210 + (360 * i) / n) % 360);
    return `hsl(${hue}, ${i % 2 ? 55 : 70}%, ${i % 2 ? 62 : 42}%)`;
  });
}

/** `#rrggbb` -> `rgba(r,g,b,alpha)`; used for faint raw curves and confidence bands. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

export interface AxisOptions {
  title?: string;
  type?: "linear" | "log" | "category";
  tickformat?: string;
  range?: [number, number];
}

export function axis(opts: AxisOptions = {}): Record<string, unknown> {
  const a: Record<string, unknown> = {
    gridcolor: GRID_COLOR,
    zeroline: false,
    linecolor: "#bbbbbb",
    ticks: "outside",
    tickcolor: "#bbbbbb",
    automargin: true,
  };
  if (opts.title) a.title = { text: opts.title };
  if (opts.type) a.type = opts.type;
  if (opts.tickformat) a.tickformat = opts.tickformat;
  if (opts.range) a.range = opts.range;
  return a;
}

export interface BaseLayoutOptions {
  title?: string;
  x?: AxisOptions;
  y?: AxisOptions;
  height?: number;
}

/** The common layout; builders add their own keys (yaxis2, barmode, shapes...) on top. */
export function baseLayout(opts: BaseLayoutOptions = {}): Layout {
  const height = opts.height ?? DEFAULT_HEIGHT;
  const layout: Layout = {
    font: { family: FONT_FAMILY, size: 13, color: TEXT_COLOR },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    height,
    margin: { l: 60, r: 30, t: opts.title ? TITLE_SPACE + 10 : 20, b: 50 },
    hovermode: "closest",
    // Legend in one wrapping row right under the title. "normal" order: with legend groups plotly would
    // otherwise stack each group's entries vertically. Container coordinates keep it clear of the title
    // however tall the figure; plotly grows the top margin to fit it.
    legend: {
      orientation: "h",
      traceorder: "normal",
      x: 0,
      xanchor: "left",
      yref: "container",
      y: 1 - (opts.title ? TITLE_SPACE : 4) / height,
      yanchor: "top",
      bgcolor: "rgba(0,0,0,0)",
    },
    xaxis: axis(opts.x),
    yaxis: axis(opts.y),
    colorway: [...PALETTE],
  };
  if (opts.title) {
    layout.title = { text: opts.title, x: 0, xanchor: "left", xref: "paper", yref: "container", y: 1, yanchor: "top", pad: { t: 12 }, font: { size: 16 } };
  }
  return layout;
}
