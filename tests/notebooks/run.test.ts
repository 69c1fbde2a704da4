// Runs every notebook in notebooks/ headless (scripts/notebooks.js, NANOINSTRUCT_SCALE=smoke) and checks
// the plumbing notebook's outputs in detail, including that its charts draw in a browser.
// Skips when Jupyter's Python modules are missing (scripts/setup-jupyter.sh installs them; CI does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromiumPath, drawnPlots, dumpDom } from "../viz/chromium";

const ROOT = resolve(import.meta.dirname, "..", "..");
const RUNNER = join(ROOT, "scripts", "notebooks.js");
const EXECUTED = join(ROOT, "notebooks", ".executed");
// The Python the runner uses (scripts/find-python.sh), else the system's.
const found = spawnSync("bash", [join(ROOT, "scripts", "find-python.sh"), "nbclient", "nbformat", "jupyter_client"], { encoding: "utf8" });
const PYTHON = found.status === 0 ? found.stdout.trim() : process.env.NANOINSTRUCT_PYTHON || (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const NOTEBOOK_TIMEOUT_MS = 20 * 60_000;

const check = spawnSync(process.execPath, [RUNNER, "--check"], { cwd: ROOT, encoding: "utf8" });
const skip = check.status === 0 ? false : `Jupyter not available: ${(check.stderr || check.stdout).trim()}`;
const notebooks = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
const join1 = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");

function runNotebook(name: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [RUNNER, ...extra, name], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NANOINSTRUCT_SCALE: "smoke" },
    timeout: NOTEBOOK_TIMEOUT_MS,
  });
  assert.equal(r.status, 0, `notebooks/${name} failed:\n${r.stdout}\n${r.stderr}`);
}

for (const name of notebooks) {
  const plumbing = name === "99_plumbing_check.ipynb";
  test(`notebook ${name} runs at smoke scale`, { skip, timeout: NOTEBOOK_TIMEOUT_MS + 60_000 }, () => {
    runNotebook(name, plumbing ? ["--html"] : []);
    if (!plumbing) return;

    const nb = JSON.parse(readFileSync(join(EXECUTED, name), "utf8")) as { cells: Cell[] };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    const html = outputs.map((o) => join1(o.data?.["text/html"])).filter((h) => h);
    const stdout = outputs.filter((o) => o.name === "stdout").map((o) => join1(o.text)).join("");
    assert.ok(stdout.includes(`in notebook: true, scale: smoke, cwd: ${ROOT}`), stdout);
    assert.equal(html.filter((h) => h.includes("window.Plotly = Plotly")).length, 1, "plotly inlined once per kernel");
    assert.equal(html.filter((h) => h.includes("Plotly.react")).length, 3, "loss, win rate and live charts");
    assert.ok(html.some((h) => h.includes("<table") && h.includes("plumbing-table")), "arquero table shown");
    // The live chart's script output was overwritten in place: one output, holding the last update.
    const live = nb.cells.find((c) => join1(c.source).includes("liveLossChart("));
    const liveScripts = (live?.outputs ?? []).filter((o) => join1(o.data?.["text/html"]).includes("Plotly.react"));
    assert.equal(liveScripts.length, 1);
    assert.ok(join1(liveScripts[0].data?.["text/html"]).includes(",390]"), "last update (step 390) drawn");

    if (!chromiumPath()) {
      console.log("skipping the browser check: chromium not installed");
      return;
    }
    const plots = drawnPlots(dumpDom(join(EXECUTED, name.replace(/\.ipynb$/, ".html")), 10_000), "ni-plot-");
    assert.equal(plots.length, 3);
    for (const p of plots) assert.ok(p.mainSvgs > 0 && p.traces > 0, `${p.id} did not draw: ${JSON.stringify(p)}`);
  });
}

test("a failing cell: executed copy saved, cell and its stderr printed, exit 1", { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "ni-nb-"));
  try {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (nanoinstruct)", language: "typescript" } },
      cells: [
        { id: "c1", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'import { ema } from "./lib/viz/smooth";\nconsole.log("first", ema([1, 2], 0.5)[1]);' },
        { id: "c2", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'const n: number = "not a number";' },
        { id: "c3", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: 'console.log("never");' },
      ],
    };
    const file = join(dir, "broken.ipynb");
    writeFileSync(file, JSON.stringify(nb));
    const out = join(dir, "out");
    const r = spawnSync(PYTHON, [join(ROOT, "scripts", "run_notebooks.py"), file, "--out-dir", out], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAILED .*broken\.ipynb at cell 1/);
    assert.match(r.stdout, /const n: number = "not a number";/);
    assert.match(r.stdout, /Type 'string' is not assignable to type 'number'/);
    assert.match(r.stdout, /0 passed, 1 failed/);
    const saved = JSON.parse(readFileSync(join(out, "broken.ipynb"), "utf8")) as { cells: Cell[] };
    assert.ok(join1(saved.cells[0].outputs?.[0]?.text).includes("first 1.6666"), "cells before the failure keep their outputs");
    assert.deepEqual(saved.cells[2].outputs, [], "cells after the failure did not run");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
