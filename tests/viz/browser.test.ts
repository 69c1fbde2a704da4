// Opens a generated report in headless Chromium and checks that every chart actually drew.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ablationCurve,
  heatmap,
  lengthHistogram,
  lossCurves,
  mixtureComposition,
  winRateChart,
  writeReport,
  type LossPoint,
} from "../../lib/viz/index";
import { chromiumPath, drawnPlots, dumpDom } from "./chromium";

const browser = chromiumPath();

test("report charts draw in headless Chromium, offline", { skip: browser ? false : "chromium not installed (apt-get install chromium)", timeout: 180_000 }, () => {
  const points: LossPoint[] = Array.from({ length: 50 }, (_, i) => ({ step: i, loss: 3 / (1 + i / 10), split: "train", lr: 1e-3 }));
  const figures = [
    lossCurves([{ name: "a", points }, { name: "b", points: points.map((p) => ({ ...p, loss: p.loss + 0.1 })) }]), // 2 x (raw, ema, lr)
    winRateChart([{ model: "a", winRate: 0.6, ciLow: 0.5, ciHigh: 0.7 }]),
    ablationCurve([1, 2, 4].map((x) => ({ x, series: "s", mean: x, lo: x - 0.5, hi: x + 0.5 }))),
    mixtureComposition({ a: 1, b: 2 }),
    lengthHistogram([1, 2, 3, 50, 60]),
    heatmap({ z: [[1, 2], [3, 4]] }),
  ];
  const expectedTraces = [6, 1, 3, 1, 1, 1];
  const dir = mkdtempSync(join(tmpdir(), "ni-browser-"));
  try {
    const file = writeReport(join(dir, "report.html"), { title: "Browser check", sections: ["Intro text.", ...figures] });
    const plots = drawnPlots(dumpDom(file), "figure-");
    assert.equal(plots.length, figures.length);
    plots.forEach((p, i) => {
      assert.ok(p.mainSvgs > 0, `${p.id}: plotly drew no svg`);
      assert.equal(p.traces, expectedTraces[i], `${p.id}: traces drawn`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
