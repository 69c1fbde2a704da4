import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportHtml, writeReport } from "../../lib/viz/report";
import { lossCurves } from "../../lib/viz/figures/loss";
import { winRateChart } from "../../lib/viz/figures/winrate";
import { heatmap } from "../../lib/viz/figures/heatmap";
import { figureHtml, scriptJson } from "../../lib/viz/html";
import { plotlyBundlePath } from "../../lib/viz/bundle";
import { UserError } from "../../lib/errors";

const loss = lossCurves([{ name: "a", points: [{ step: 0, loss: 2, split: "train" }, { step: 1, loss: 1, split: "train" }] }]);
const wins = winRateChart([{ model: "m", winRate: 0.5, ciLow: 0.4, ciHigh: 0.6 }]);

const count = (s: string, sub: string) => s.split(sub).length - 1;

test("reportHtml: bundle once in <head>, every figure in order, text and tables", () => {
  const table = { toHTML: () => "<table><tr><td>cell-x</td></tr></table>", numRows: () => 1 };
  const html = reportHtml({ title: "T <1>", subtitle: "sub", sections: ["# Heading\nsome *text*", loss, table, wins, { html: "<p id=raw>raw</p>" }] });
  assert.equal(count(html, "window.Plotly = Plotly"), 1);
  assert.ok(html.indexOf("window.Plotly = Plotly") < html.indexOf("</head>"));
  assert.equal(count(html, "Plotly.react"), 2);
  assert.ok(html.includes('<div id="figure-2"') && html.includes('<div id="figure-4"'));
  assert.ok(html.indexOf("figure-2") < html.indexOf("cell-x") && html.indexOf("cell-x") < html.indexOf("figure-4"));
  assert.ok(html.includes("<h1>Heading</h1>") && html.includes("<em>text</em>"));
  assert.ok(html.includes("<title>T &lt;1&gt;</title>"));
  assert.ok(html.includes("<p id=raw>raw</p>"));
  assert.ok(!/<(script|link)[^>]+(src|href)="?https?:/.test(html), "nothing is fetched from the network");
});

test("reportHtml: data cannot close the script that holds it", () => {
  const evil = lossCurves([{ name: "</script><script>alert(1)</script>", points: [{ step: 0, loss: 1, split: "train" }] }, { name: "b", points: [] }]);
  const frag = figureHtml(evil, "x");
  assert.equal(count(frag, "</script>"), 1);
  assert.equal(JSON.parse(scriptJson("</script>\u2028")), "</script>\u2028");
});

test("reportHtml: an unknown section is a UserError", () => {
  assert.throws(() => reportHtml({ title: "t", sections: [{ nope: 1 } as never] }), UserError);
});

test("writeReport creates folders and writes one self-contained file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ni-report-"));
  try {
    const path = writeReport(join(dir, "a", "b", "report.html"), { title: "R", sections: [loss, heatmap({ z: [[1]] })] });
    const html = readFileSync(path, "utf8");
    assert.equal(count(html, "window.Plotly = Plotly"), 1);
    assert.equal(count(html, 'class="ni-plot"'), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the plotly bundle comes from node_modules, or from NANOINSTRUCT_PLOTLY_JS when set", () => {
  assert.match(plotlyBundlePath(), /plotly\.js-cartesian-dist-min[\\/]plotly-cartesian\.min\.js$/);
  const saved = process.env.NANOINSTRUCT_PLOTLY_JS;
  process.env.NANOINSTRUCT_PLOTLY_JS = "/nonexistent/plotly.js";
  try {
    assert.throws(() => plotlyBundlePath(), UserError);
  } finally {
    if (saved === undefined) delete process.env.NANOINSTRUCT_PLOTLY_JS;
    else process.env.NANOINSTRUCT_PLOTLY_JS = saved;
  }
});
