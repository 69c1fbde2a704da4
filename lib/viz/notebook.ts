/**
 * Showing figures and tables in a tslab notebook, and doing nothing harmful anywhere else.
 *
 * tslab is found through the `__tslab__` global its executor defines, never by importing "tslab": that
 * import would load tslab's TypeScript compiler and zeromq into every CLI run and test.
 * plotly.js is inlined once per kernel (1.5 MB) by a `<script>` output; every chart after that is a
 * small div + script. Outside a notebook, show() prints a one-line summary instead.
 */
import { plotlyScriptTag } from "./bundle";
import { lossCurves, type LossCurvesOptions, type LossPoint, type LossRun } from "./figures/loss";
import { figureHeight, figureHtml, newPlotId, plotDiv, plotScript } from "./html";
import { escapeHtml } from "./text";
import { isFigure, type Figure } from "./types";
import { markdownToHtml } from "./markdown";

/** The part of tslab's `Display` used here. */
export interface NotebookDisplay {
  html(s: string): void;
  text(s: string): void;
}

export interface NotebookApi {
  display: NotebookDisplay;
  /** A display entry that later calls overwrite in place (update_display_data). */
  newDisplay(): NotebookDisplay;
}

const LOADED = Symbol.for("nanoinstruct.viz.plotlyLoaded");
type GlobalWithTslab = typeof globalThis & {
  __tslab__?: { require?: (id: string) => unknown };
  [LOADED]?: boolean;
};

/** tslab's display API when running inside a tslab kernel, else null. */
export function notebook(): NotebookApi | null {
  const g = globalThis as GlobalWithTslab;
  const req = g.__tslab__?.require;
  if (typeof req !== "function") return null;
  try {
    const api = req("tslab") as Partial<NotebookApi> | undefined;
    return api && api.display && typeof api.newDisplay === "function" ? (api as NotebookApi) : null;
  } catch {
    return null;
  }
}

export function inNotebook(): boolean {
  return notebook() !== null;
}

export interface LoadPlotlyOptions {
  /** Send the bundle again, e.g. after reloading the browser page while the kernel kept running. */
  force?: boolean;
}

/** Inlines plotly.js into the notebook page once per kernel; returns whether it sent it now. */
export function loadPlotly(options: LoadPlotlyOptions = {}): boolean {
  const nb = notebook();
  if (!nb) return false;
  const g = globalThis as GlobalWithTslab;
  // The flag lives on globalThis, not in this module, so that tslab re-compiling lib/ after an edit
  // (a fresh module instance) does not send the bundle again.
  if (g[LOADED] && !options.force) return false;
  nb.display.html(plotlyScriptTag());
  g[LOADED] = true;
  return true;
}

/** "Loss: 5 traces (train (raw), train, eval, ...)": what show() prints outside a notebook. */
export function figureSummary(fig: Figure): string {
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? "figure";
  const names = fig.data.map((t) => t.name ?? t.type);
  const shown = names.slice(0, 6).join(", ") + (names.length > 6 ? ", ..." : "");
  return `${title}: ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}${names.length ? ` (${shown})` : ""}`;
}

/** Draws a figure in the notebook; outside one, prints a one-line summary. Returns what it printed. */
export function show(fig: Figure): string | undefined {
  const nb = notebook();
  if (!nb) {
    const summary = figureSummary(fig);
    console.log(`[figure] ${summary}`);
    return summary;
  }
  loadPlotly();
  nb.display.html(figureHtml(fig));
  return undefined;
}

/** What showTable needs of an arquero table (kept structural: lib/viz does not depend on arquero). */
export interface HtmlTable {
  toHTML(options?: { limit?: number }): string;
  toMarkdown?(options?: { limit?: number }): string;
  numRows(): number;
}

export interface ShowTableOptions {
  /** Rows shown; the caption says how many there are. */
  limit?: number;
  caption?: string;
}

export const DEFAULT_SHOW_TABLE = { limit: 20 };

/** The table's HTML with a caption line: "first 20 of 1,234 rows". */
export function tableHtml(table: HtmlTable, options: ShowTableOptions = {}): string {
  const limit = options.limit ?? DEFAULT_SHOW_TABLE.limit;
  const n = table.numRows();
  const note = n > limit ? `first ${limit} of ${n.toLocaleString("en-US")} rows` : `${n.toLocaleString("en-US")} row${n === 1 ? "" : "s"}`;
  const caption = options.caption ? `${escapeHtml(options.caption)} · ${note}` : note;
  return `<div class="ni-table">${table.toHTML({ limit })}<div class="ni-caption" style="color:#666;font-size:90%">${caption}</div></div>`;
}

/** Shows an arquero table in the notebook; outside one, prints it as markdown (or a row count). */
export function showTable(table: HtmlTable, options: ShowTableOptions = {}): void {
  const nb = notebook();
  if (nb) {
    nb.display.html(tableHtml(table, options));
    return;
  }
  const limit = options.limit ?? DEFAULT_SHOW_TABLE.limit;
  console.log(table.toMarkdown ? table.toMarkdown({ limit }) : `[table] ${table.numRows()} rows`);
}

/**
 * Shows report sections in order, each once: markdown text (headings and paragraphs), figures drawn, tables
 * as tables, raw HTML. Outside a notebook, text is printed and figures and tables summarized as by
 * show()/showTable().
 */
export function showSections(sections: readonly (Figure | HtmlTable | { html: string } | string)[]): void {
  const nb = notebook();
  for (const s of sections) {
    if (typeof s === "string") {
      if (nb) nb.display.html(markdownToHtml(s));
      else console.log(s);
    } else if (isFigure(s)) show(s);
    else if ("html" in s && typeof s.html === "string") {
      if (nb) nb.display.html(s.html);
    } else showTable(s as HtmlTable);
  }
}

export interface LiveLossChartOptions extends LossCurvesOptions {
  /** Redraw at most this often; updates in between are kept and drawn by the next one or by done(). */
  throttleMs?: number;
  /** Legend name of the run when update() is given bare points. */
  name?: string;
}

export const DEFAULT_LIVE_LOSS_CHART = { throttleMs: 1000, name: "run" };

export interface LiveLossChart {
  /** The whole history so far (not just new points): bare points of one run, or several runs. */
  update(points: readonly LossPoint[] | readonly LossRun[]): void;
  /** Draws the last state; call when training ends so the final points are not lost to throttling. */
  done(): void;
  /** The figure of the last update. */
  readonly figure: Figure;
}

function asRuns(points: readonly LossPoint[] | readonly LossRun[], name: string): LossRun[] {
  if (points.length > 0 && "points" in points[0]) return [...(points as readonly LossRun[])];
  return [{ name, points: points as readonly LossPoint[] }];
}

/**
 * A loss chart that follows training. tslab has no API to run JS in the page except outputs, so it uses
 * two outputs: a div made once, and a script output that each update overwrites in place
 * (update_display_data) with a new Plotly.react call on that div. No flicker, no growing list of
 * outputs, and the saved notebook holds the final curves.
 * Call update() between `await`s: outputs leave the kernel only when the event loop runs.
 */
export function liveLossChart(options: LiveLossChartOptions = {}): LiveLossChart {
  const { throttleMs = DEFAULT_LIVE_LOSS_CHART.throttleMs, name = DEFAULT_LIVE_LOSS_CHART.name, ...figOpts } = options;
  const nb = notebook();
  const id = newPlotId();
  let figure = lossCurves([], figOpts);
  let lastDraw = -Infinity;
  let pending = false;
  let scriptOut: NotebookDisplay | null = null;
  if (nb) {
    loadPlotly();
    nb.display.html(plotDiv(id, figureHeight(figure)));
    scriptOut = nb.newDisplay();
  }
  const draw = () => {
    pending = false;
    lastDraw = Date.now();
    scriptOut?.html(plotScript(id, figure));
  };
  draw();
  return {
    update(points) {
      figure = lossCurves(asRuns(points, name), figOpts);
      pending = true;
      if (Date.now() - lastDraw >= throttleMs) draw();
    },
    done() {
      if (pending) draw();
    },
    get figure() {
      return figure;
    },
  };
}
