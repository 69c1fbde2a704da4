// `npm run book`'s rendering and browser check, on small executed notebooks (the real run executes every
// notebook at full scale, which no test should wait for): pages for every notebook with their outputs,
// one shared plotly.js, an index, and a check that fails on a chart that does not draw or a script error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPlotlyBundle, notebookPage, notebookSummary, notebookTitle, repoRelative, type NotebookJson } from "../../lib/viz/book";
import { chromiumBinary, inspectDom } from "../../lib/viz/browser-check";
import { figureHtml } from "../../lib/viz/html";
import { plotlyScriptTag } from "../../lib/viz/bundle";
import { mixtureComposition } from "../../lib/viz/figures/mixture";

const fig = mixtureComposition({ a: 1, b: 3 });
const good: NotebookJson = {
  cells: [
    { cell_type: "markdown", source: ["# First steps\n", "\n", "What this notebook shows, in one paragraph.\n", "\n", "| n | word |\n", "|---|---|\n", "| 1 | `one` |\n", "\n", "See [the next one](02_second.ipynb)."] },
    {
      cell_type: "code", source: "show(fig)",
      outputs: [
        { output_type: "display_data", data: { "text/html": plotlyScriptTag() } },
        { output_type: "display_data", data: { "text/html": figureHtml(fig, "ni-plot-test-1") } },
        { output_type: "stream", name: "stdout", text: ["loss 1.23 <b>not bold</b>\n"] },
        { output_type: "stream", name: "stderr", text: "\u001b[31mwarning\u001b[0m\n" },
        // The checkout's absolute path, as notebooks print it (the book shows it relative).
        { output_type: "stream", name: "stdout", text: `report: ${process.cwd()}/runs/quickstart/report.html, cwd: ${process.cwd()}\n` },
      ],
    },
  ],
};
const broken: NotebookJson = {
  cells: [
    { cell_type: "markdown", source: "# Second\n\nA chart that never draws and a script that throws." },
    { cell_type: "code", source: "x", outputs: [{ output_type: "display_data", data: { "text/html": '<div id="ni-plot-never"></div><script>notAFunction()</script>' } }] },
  ],
};

test("a notebook page: markdown with tables and notebook links, code, outputs escaped, the inlined plotly bundle dropped", () => {
  assert.equal(notebookTitle(good), "First steps");
  assert.equal(notebookSummary(good), "What this notebook shows, in one paragraph.");
  assert.ok(isPlotlyBundle(plotlyScriptTag()));
  assert.ok(!isPlotlyBundle(figureHtml(fig)));
  const html = notebookPage(good, { nav: { index: "index.html" } });
  assert.ok(html.length < plotlyScriptTag().length / 4, "the bundle is not inlined");
  assert.match(html, /<script src="assets\/plotly\.min\.js"><\/script>/);
  assert.match(html, /<table class="md"><thead><tr><th>n<\/th><th>word<\/th><\/tr><\/thead><tbody><tr><td>1<\/td><td><code>one<\/code><\/td><\/tr>/);
  assert.match(html, /<a href="\.\/02_second\.html">the next one<\/a>/);
  assert.match(html, /loss 1\.23 &lt;b&gt;not bold&lt;\/b&gt;/);
  assert.match(html, /<pre class="out stderr">warning\n<\/pre>/);
  assert.match(html, /id="ni-plot-test-1"/);
});

test("repoRelative: the checkout's path becomes relative; a longer name that starts with it is left alone", () => {
  const text = "report: /home/me/nano/runs/x.html, cwd: /home/me/nano\nother: /home/me/nano2/y '/home/me/nano'";
  assert.equal(repoRelative(text, "/home/me/nano/"), "report: runs/x.html, cwd: .\nother: /home/me/nano2/y '.'");
  assert.equal(repoRelative("a+b (c)/d", "a+b (c)"), "d", "regex characters in the root are literal");
});

test("inspectDom: charts drawn and recorded errors", () => {
  const dom = '<html data-book-errors="[&quot;boom&quot;]"><body><div id="ni-plot-a"><svg class="main-svg"></svg></div><div id="ni-plot-b"></div></body></html>';
  assert.deepEqual(inspectDom("p.html", dom), { page: "p.html", loaded: true, charts: 2, drawn: 1, errors: ["boom"], ok: false });
  assert.equal(inspectDom("q.html", '<html data-book-errors="[]"><body><div id="ni-plot-a"><svg class="main-svg"></svg></div></body></html>').ok, true);
});

test("npm run book renders executed notebooks and checks them in Chromium: good pages pass, a broken one fails", { skip: !chromiumBinary() && "no Chromium", timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "nano-book-"));
  try {
    const executed = join(root, "executed");
    mkdirSync(executed);
    writeFileSync(join(executed, "01_first.ipynb"), JSON.stringify(good));
    writeFileSync(join(executed, "timings.json"), JSON.stringify({ "01_first.ipynb": { ok: true, seconds: 12.4 } }));
    const out = join(root, "book");
    const run = (...extra: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/book.ts", "--executed", executed, "--out", out, "--scale", "smoke", ...extra], { encoding: "utf8", timeout: 240_000 });
    const ok = run();
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    for (const f of ["index.html", "01_first.html", "assets/plotly.min.js", "check.json"]) assert.ok(existsSync(join(out, f)), f);
    const index = readFileSync(join(out, "index.html"), "utf8");
    assert.match(index, /<a href="01_first\.html">01_first<\/a><\/td><td>First steps<\/td><td>What this notebook shows/);
    assert.match(index, /12 s/);
    const page1 = readFileSync(join(out, "01_first.html"), "utf8");
    assert.match(page1, /report: runs\/quickstart\/report\.html, cwd: \.\n/);
    assert.ok(!page1.includes(process.cwd()), "the machine's path of the checkout is not published");
    const check = JSON.parse(readFileSync(join(out, "check.json"), "utf8"));
    const page = check.pages.find((p: { page: string }) => p.page === "01_first.html");
    assert.deepEqual({ charts: page.charts, drawn: page.drawn, errors: page.errors, ok: page.ok }, { charts: 1, drawn: 1, errors: [], ok: true });

    writeFileSync(join(executed, "02_second.ipynb"), JSON.stringify(broken));
    const bad = run();
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /FAILED 02_second\.html: 0\/1 charts drawn; errors: .*notAFunction/);
    assert.match(bad.stdout, /ok +01_first\.html: 1\/1 charts drawn/);

    // A build of one notebook replaces its page and keeps the others, their index rows and the order.
    const second = JSON.stringify({ ...good, cells: [{ cell_type: "markdown", source: "# Second, mended\n\nNow it draws." }, good.cells[1]] });
    writeFileSync(join(executed, "02_second.ipynb"), second);
    rmSync(join(executed, "01_first.ipynb"));
    const one = run("02");
    assert.equal(one.status, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /wrote 1 pages \(2 in the book\)/);
    assert.ok(existsSync(join(out, "01_first.html")), "the page not rebuilt is kept");
    const index2 = readFileSync(join(out, "index.html"), "utf8");
    assert.match(index2, /01_first\.html">01_first<\/a><\/td><td>First steps<\/td>[\s\S]*02_second\.html">02_second<\/a><\/td><td>Second, mended<\/td>/);
    assert.match(index2, /12 s/, "the kept page keeps its time");
    assert.match(readFileSync(join(out, "02_second.html"), "utf8"), /href="01_first\.html"/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
