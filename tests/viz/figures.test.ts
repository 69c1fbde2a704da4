import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ablationCurve,
  heatmap,
  lengthHistogram,
  lossCurves,
  mixtureComposition,
  winRateChart,
  type LossPoint,
  type Trace,
} from "../../lib/viz/index";
import { binValues, niceWidth } from "../../lib/viz/figures/histogram";
import { UserError } from "../../lib/errors";
import { categoricalColors, PALETTE } from "../../lib/viz/theme";

const byName = (data: Trace[], name: string): Trace => {
  const t = data.find((d) => d.name === name);
  assert.ok(t, `no trace named ${name}; have ${data.map((d) => d.name).join(", ")}`);
  return t;
};
const nums = (v: unknown) => v as number[];

const train = (losses: number[], lr?: number[]): LossPoint[] =>
  losses.map((loss, i) => ({ step: i * 10, loss, split: "train", ...(lr ? { lr: lr[i] } : {}) }));

test("lossCurves: one run gives raw (hidden from legend) + EMA + eval + lr on y2", () => {
  const points: LossPoint[] = [
    ...train([1, 2, 3], [1e-4, 2e-4, 3e-4]),
    { step: 20, loss: 2.5, split: "eval" },
    { step: 0, loss: 1.5, split: "eval" }, // out of order: must be sorted
  ];
  const fig = lossCurves([{ name: "a", points }], { ema: 0.5 });
  assert.deepEqual(fig.data.map((d) => d.name), ["train (raw)", "train", "eval", "lr"]);
  const raw = byName(fig.data, "train (raw)");
  assert.equal(raw.showlegend, false);
  assert.deepEqual(raw.y, [1, 2, 3]);
  assert.match(String((raw.line as { color: string }).color), /^rgba\(/, "raw curve is faint");
  const smooth = nums(byName(fig.data, "train").y);
  [1, 1.25 / 0.75, 2.125 / 0.875].forEach((v, i) => assert.ok(Math.abs(smooth[i] - v) < 1e-9));
  const ev = byName(fig.data, "eval");
  assert.deepEqual(ev.x, [0, 20]);
  assert.deepEqual(ev.y, [1.5, 2.5]);
  const lr = byName(fig.data, "lr");
  assert.equal(lr.yaxis, "y2");
  assert.deepEqual(lr.y, [1e-4, 2e-4, 3e-4]);
  assert.equal((fig.layout.yaxis2 as { overlaying: string }).overlaying, "y");
  assert.doesNotThrow(() => JSON.stringify(fig));
});

test("lossCurves: several runs are labelled by run and coloured apart; no lr axis without lr", () => {
  const fig = lossCurves([
    { name: "full", points: train([3, 2]) },
    { name: "lora", points: train([4, 3]) },
  ]);
  assert.deepEqual(fig.data.map((d) => d.name), ["full · train (raw)", "full · train", "lora · train (raw)", "lora · train"]);
  const c = (n: string) => (byName(fig.data, n).line as { color: string }).color;
  assert.notEqual(c("full · train"), c("lora · train"));
  assert.equal(fig.layout.yaxis2, undefined);
});

test("lossCurves: ema 0 draws only the raw curve, in the legend", () => {
  const fig = lossCurves([{ name: "a", points: train([3, 2, 1]) }], { ema: 0 });
  assert.deepEqual(fig.data.map((d) => [d.name, d.showlegend]), [["train", true]]);
});

test("lossCurves: duplicate run names are an error", () => {
  assert.throws(() => lossCurves([{ name: "a", points: [] }, { name: "a", points: [] }]), UserError);
});

test("winRateChart: error bars are asymmetric distances from the rate", () => {
  const fig = winRateChart([
    { model: "full", winRate: 0.6, ciLow: 0.5, ciHigh: 0.75 },
    { model: "lora", winRate: 0.4, ciLow: 0.3, ciHigh: 0.45 },
  ]);
  assert.equal(fig.data.length, 1);
  const t = fig.data[0];
  assert.deepEqual(t.x, ["full", "lora"]);
  const e = t.error_y as { array: number[]; arrayminus: number[]; symmetric: boolean };
  assert.equal(e.symmetric, false);
  e.array.forEach((v, i) => assert.ok(Math.abs(v - [0.15, 0.05][i]) < 1e-12));
  e.arrayminus.forEach((v, i) => assert.ok(Math.abs(v - [0.1, 0.1][i]) < 1e-12));
  const shapes = fig.layout.shapes as { y0: number }[];
  assert.equal(shapes[0].y0, 0.5, "a line marks a tie");
});

test("winRateChart: clusters give one trace per model, clusters kept in first-seen order", () => {
  const fig = winRateChart([
    { model: "a", cluster: "qa", winRate: 0.5, ciLow: 0.4, ciHigh: 0.6 },
    { model: "b", cluster: "qa", winRate: 0.6, ciLow: 0.5, ciHigh: 0.7 },
    { model: "a", cluster: "brainstorm", winRate: 0.7, ciLow: 0.6, ciHigh: 0.8 },
  ]);
  assert.deepEqual(fig.data.map((d) => d.name), ["a", "b"]);
  assert.deepEqual(fig.data[0].x, ["qa", "brainstorm"]);
  assert.deepEqual(fig.data[1].x, ["qa"]);
  assert.equal(fig.layout.barmode, "group");
  assert.deepEqual((fig.layout.xaxis as { categoryarray: string[] }).categoryarray, ["qa", "brainstorm"]);
});

test("winRateChart: an interval that misses the rate, or a rate outside [0,1], is an error", () => {
  assert.throws(() => winRateChart([{ model: "a", winRate: 0.6, ciLow: 0.65, ciHigh: 0.7 }]), /does not contain/);
  assert.throws(() => winRateChart([{ model: "a", winRate: 60, ciLow: 50, ciHigh: 70 }]), /\[0, 1\]/);
});

test("ablationCurve: per series a hi edge, a lo edge filled to it, then the mean; numeric x sorted", () => {
  const fig = ablationCurve(
    [
      { x: 4, series: "lora", mean: 0.6, lo: 0.5, hi: 0.7 },
      { x: 1, series: "lora", mean: 0.4, lo: 0.3, hi: 0.5 },
      { x: 1, series: "full", mean: 0.5, lo: 0.45, hi: 0.55 },
    ],
    { logX: true },
  );
  assert.deepEqual(fig.data.map((d) => d.name), ["lora hi", "lora lo", "lora", "full hi", "full lo", "full"]);
  assert.equal(fig.data[1].fill, "tonexty");
  assert.deepEqual(fig.data[2].x, [1, 4]);
  assert.deepEqual(fig.data[2].y, [0.4, 0.6]);
  assert.deepEqual(fig.data[0].y, [0.5, 0.7]);
  const xa = fig.layout.xaxis as { type: string; tickvals: number[] };
  assert.equal(xa.type, "log");
  assert.deepEqual(xa.tickvals, [1, 4]);
  assert.throws(() => ablationCurve([{ x: "a", series: "s", mean: 1, lo: 0, hi: 2 }], { logX: true }), UserError);
});

test("mixtureComposition: shares sum to 1, largest drawn on top", () => {
  const fig = mixtureComposition({ a: 10, b: 30, c: 60 });
  const t = fig.data[0];
  assert.deepEqual(t.y, ["a", "b", "c"]); // plotly draws the last category on top
  assert.deepEqual(t.x, [0.1, 0.3, 0.6]);
  assert.deepEqual(t.text, ["10.0%", "30.0%", "60.0%"]);
  assert.match((fig.layout.title as { text: string }).text, /100 examples/);
  assert.throws(() => mixtureComposition({ a: -1 }), UserError);
});

test("mixtureComposition: several mixtures stack to 100% with one trace per source", () => {
  const fig = mixtureComposition([
    { name: "natural", counts: { a: 1, b: 3 } },
    { name: "balanced", counts: { a: 5, b: 5, c: 10 } },
  ]);
  assert.equal(fig.layout.barmode, "stack");
  const total = [0, 1].map((i) => fig.data.reduce((s, d) => s + nums(d.x)[i], 0));
  total.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-12));
  assert.deepEqual(byName(fig.data, "c").x, [0, 0.5]);
});

test("mixtureComposition: 14 clusters get 14 different colours, every mixture its row label, room for the legend", () => {
  const counts = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`cluster_${i}`, i + 1]));
  const mixtures = ["no cap", "cap 3000", "temperature 3"].map((name) => ({ name, counts }));
  const fig = mixtureComposition(mixtures);
  const colours = fig.data.map((d) => (d.marker as { color: string }).color);
  assert.equal(new Set(colours).size, 14);
  const yaxis = fig.layout.yaxis as { tickvals: string[]; ticktext: string[] };
  assert.deepEqual(yaxis.tickvals, ["no cap", "cap 3000", "temperature 3"]);
  const few = mixtureComposition(mixtures.map((m) => ({ name: m.name, counts: { a: 1, b: 2 } })));
  assert.ok((fig.layout.height as number) >= (few.layout.height as number) + 22 * 4, "taller by the four extra legend rows");
  // A few sources keep the colour-blind-safe palette.
  assert.deepEqual(categoricalColors(3), [...PALETTE.slice(0, 3)]);
  assert.equal(new Set(categoricalColors(20)).size, 20);
});

test("lengthHistogram: nice integer bins, counts add up, cutoff share reported", () => {
  assert.equal(niceWidth(7.3, true), 10);
  assert.equal(niceWidth(0.3, true), 1);
  assert.equal(niceWidth(0.03, false), 0.05);
  assert.equal(niceWidth(120, true), 200);
  const [b] = binValues([[0, 1, 9, 10, 25]], 10);
  assert.deepEqual(b.starts, [0, 10, 20]);
  assert.deepEqual(b.counts, [3, 1, 1]);

  const values = Array.from({ length: 1000 }, (_, i) => i); // 0..999
  const fig = lengthHistogram(values, { bins: 10, cutoff: 899 });
  const t = fig.data[0];
  assert.equal(nums(t.y).reduce((a, c) => a + c, 0), 1000);
  assert.deepEqual(nums(t.width)[0], 100);
  assert.match(String(t.name), /n=1,000, median 499, p95 949/);
  assert.match((fig.layout.annotations as { text: string }[])[0].text, /10\.0% longer/);
});

test("lengthHistogram: several series share bins; a large input does not overflow the stack", () => {
  const big = Array.from({ length: 300_000 }, (_, i) => i % 513);
  const fig = lengthHistogram({ prompt: big, response: [5, 600] }, { binWidth: 100 });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].x, fig.data[1].x);
  assert.equal(fig.layout.barmode, "overlay");
  assert.throws(() => lengthHistogram([]), UserError);
  assert.throws(() => lengthHistogram([1, NaN]), UserError);
});

test("heatmap: labels become categories, values written in small grids, ragged rows rejected", () => {
  const fig = heatmap({ z: [[1, 2], [3, NaN]], x: [10, 20], y: ["a", "b"] }, { format: ".1f" });
  const t = fig.data[0];
  assert.equal(t.type, "heatmap");
  assert.deepEqual(t.x, ["10", "20"]);
  assert.deepEqual(t.z, [[1, 2], [3, null]]);
  assert.equal(t.texttemplate, "%{z:.1f}");
  const big = heatmap({ z: Array.from({ length: 30 }, () => new Array(30).fill(0)) });
  assert.equal(big.data[0].texttemplate, undefined);
  assert.throws(() => heatmap({ z: [[1, 2], [3]] }), /row 1/);
  assert.throws(() => heatmap({ z: [[1]], x: ["a", "b"] }), /labels/);
});
