import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { inNotebook, liveLossChart, loadPlotly, show, showTable, figureSummary } from "../../lib/viz/notebook";
import { lossCurves } from "../../lib/viz/figures/loss";
import type { LossPoint } from "../../lib/viz/figures/loss";

/** A stand-in for tslab: records what each display entry received. */
function fakeTslab() {
  const sent: { display: string; html: string }[] = [];
  let n = 0;
  const make = (name: string) => ({
    html: (s: string) => sent.push({ display: name, html: s }),
    text: (s: string) => sent.push({ display: name, html: s }),
  });
  const api = { display: make("main"), newDisplay: () => make(`d${++n}`) };
  (globalThis as Record<string, unknown>).__tslab__ = { require: (id: string) => (id === "tslab" ? api : undefined) };
  return sent;
}

const LOADED = Symbol.for("nanoinstruct.viz.plotlyLoaded");
afterEach(() => {
  delete (globalThis as Record<string, unknown>).__tslab__;
  delete (globalThis as Record<symbol, unknown>)[LOADED];
});

const pts = (n: number): LossPoint[] => Array.from({ length: n }, (_, i) => ({ step: i, loss: 1 / (i + 1), split: "train" }));

function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

test("outside a notebook show() prints a one-line summary and liveLossChart does nothing", () => {
  assert.equal(inNotebook(), false);
  const fig = lossCurves([{ name: "a", points: pts(3) }], { title: "My loss" });
  const lines = captureLog(() => show(fig));
  assert.deepEqual(lines, [`[figure] ${figureSummary(fig)}`]);
  assert.match(lines[0], /My loss: 2 traces \(train \(raw\), train\)/);
  const live = liveLossChart();
  live.update(pts(5));
  live.done();
  assert.equal(live.figure.data.length, 2);
  assert.equal(loadPlotly(), false);
});

test("outside a notebook showTable() prints markdown", () => {
  const table = { toHTML: () => "<table></table>", toMarkdown: () => "|a|\n|-|\n|1|", numRows: () => 1 };
  assert.deepEqual(captureLog(() => showTable(table)), ["|a|\n|-|\n|1|"]);
});

test("in tslab, plotly is inlined once per kernel, then each show() is a div and a script", () => {
  const sent = fakeTslab();
  assert.equal(inNotebook(), true);
  const fig = lossCurves([{ name: "a", points: pts(3) }]);
  show(fig);
  show(fig);
  const bundles = sent.filter((s) => s.html.includes("window.Plotly = Plotly"));
  assert.equal(bundles.length, 1);
  assert.ok(sent[0].html.startsWith("<script"), "the bundle comes first");
  const charts = sent.filter((s) => s.html.includes("Plotly.react"));
  assert.equal(charts.length, 2);
  const ids = charts.map((c) => /<div id="([^"]+)"/.exec(c.html)?.[1]);
  assert.notEqual(ids[0], ids[1], "each chart gets its own element id");
  assert.equal(loadPlotly(), false);
  assert.equal(loadPlotly({ force: true }), true);
  assert.equal(sent.filter((s) => s.html.includes("window.Plotly = Plotly")).length, 2);
});

test("in tslab, showTable() displays the table HTML with a row count", () => {
  const sent = fakeTslab();
  let limitSeen: number | undefined;
  const table = { toHTML: (o?: { limit?: number }) => ((limitSeen = o?.limit), "<table><tr><td>x</td></tr></table>"), numRows: () => 1234 };
  showTable(table, { limit: 5, caption: "data <1>" });
  assert.equal(limitSeen, 5);
  assert.equal(sent.length, 1);
  assert.match(sent[0].html, /<table>.*first 5 of 1,234 rows/s);
  assert.match(sent[0].html, /data &lt;1&gt;/);
});

test("liveLossChart: one div, then one display entry overwritten per (throttled) update", () => {
  const sent = fakeTslab();
  const live = liveLossChart({ throttleMs: 60_000, name: "run-1" });
  const main = sent.filter((s) => s.display === "main");
  assert.equal(main.length, 2, "bundle + div");
  const div = main[1].html;
  const id = /<div id="([^"]+)"/.exec(div)?.[1];
  assert.ok(id && !div.includes("<script"), "the div output holds no script");
  const scripts = () => sent.filter((s) => s.display === "d1");
  assert.equal(scripts().length, 1, "an empty chart is drawn at once");
  live.update(pts(2));
  live.update(pts(3)); // within throttleMs: kept, not sent
  assert.equal(scripts().length, 1);
  live.done();
  assert.equal(scripts().length, 2);
  const last = scripts()[1].html;
  assert.ok(last.includes(JSON.stringify(id)), "the script draws into the div");
  assert.ok(last.includes('"x":[0,1,2]'), "the last update's points are drawn");
  live.done(); // nothing pending: nothing sent
  assert.equal(scripts().length, 2);
  assert.equal(live.figure.data[0].name, "train (raw)");
});

test("liveLossChart: throttleMs 0 sends every update; several runs are accepted", () => {
  const sent = fakeTslab();
  const live = liveLossChart({ throttleMs: 0 });
  live.update([{ name: "a", points: pts(2) }, { name: "b", points: pts(2) }]);
  live.update([{ name: "a", points: pts(3) }, { name: "b", points: pts(3) }]);
  assert.equal(sent.filter((s) => s.display === "d1").length, 3);
  assert.deepEqual(live.figure.data.map((d) => d.name), ["a · train (raw)", "a · train", "b · train (raw)", "b · train"]);
});
