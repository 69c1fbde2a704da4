/**
 * A figure as an HTML fragment: a div and a script that draws into it. The same fragment serves the
 * notebook (tslab.display.html) and the offline report; both must have loaded plotly.js before.
 */
import { DEFAULT_HEIGHT } from "./theme";
import type { Figure } from "./types";

export const PLOTLY_CONFIG = {
  responsive: true,
  displaylogo: false,
  modeBarButtonsToRemove: ["lasso2d", "select2d"],
};

/** JSON that is safe inside a <script>: no `</script>`, `<!--`, or line separators that end JS strings. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function figureHeight(fig: Figure): number {
  const h = fig.layout.height;
  return typeof h === "number" && h > 0 ? h : DEFAULT_HEIGHT;
}

let counter = 0;

/** A fresh element id; random part so ids stay unique across kernel restarts in one notebook page. */
export function newPlotId(): string {
  counter++;
  return `ni-plot-${Date.now().toString(36)}-${counter}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

export function plotDiv(id: string, height: number): string {
  return `<div id="${id}" class="ni-plot" style="width:100%;min-height:${height}px"></div>`;
}

/**
 * A script that draws `fig` into the element `id` with Plotly.react (which also works on an empty div,
 * and on a drawn one without redrawing from scratch). It waits for the element and for window.Plotly:
 * Jupyter may run an output's script before the output is attached to the page.
 */
export function plotScript(id: string, fig: Figure): string {
  return `<script type="text/javascript">
(function () {
  var id = ${scriptJson(id)}, fig = ${scriptJson(fig)}, config = ${scriptJson(PLOTLY_CONFIG)}, tries = 0;
  function draw() {
    var el = document.getElementById(id);
    if (el && window.Plotly) { window.Plotly.react(el, fig.data, fig.layout, config); return; }
    if (++tries < 100) { setTimeout(draw, 50); return; }
    if (el) el.textContent = window.Plotly ? "" : "plotly.js is not loaded in this page (it was reloaded, or the output that loaded it was cleared): run loadPlotly({ force: true }) from lib/viz, then run this cell again.";
  }
  draw();
})();
</script>`;
}

/** The div and its drawing script together: what `show()` displays and what a report embeds. */
export function figureHtml(fig: Figure, id: string = newPlotId()): string {
  return plotDiv(id, figureHeight(fig)) + "\n" + plotScript(id, fig);
}
