// The main job as a user runs it (`npm start`, here at smoke scale): base model -> mixture -> fine-tune ->
// win-rate; it writes summary.json with the evaluation fields and a report whose charts really draw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { chromiumPath, drawnPlots, dumpDom } from "../viz/chromium";

test("npm start (smoke scale) writes summary.json and a report that draws", { timeout: 600_000 }, () => {
  // Its own directory: notebooks 00 and 04 use runs/quickstart-smoke at the same time in the test run.
  const out = "runs/quickstart-smoke-start-test";
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts", "--out", out], { encoding: "utf8", env: { ...process.env, NANOINSTRUCT_SCALE: "smoke" } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /win rate\s+\d/);
  assert.match(r.stdout, /headline: win rate \d+(\.\d)?% \[/);
  assert.match(r.stdout, /sentiment\s+tuned\s+\d/);
  // Generation progress is one line per model in a log, not one per batch.
  assert.ok(r.stderr.split("\n").filter((l) => l.startsWith("generating")).length <= 4, r.stderr);
  const summary = JSON.parse(readFileSync(`${out}/summary.json`, "utf8"));
  for (const k of ["win_rate", "ci_low", "ci_high", "lc_win_rate", "n", "wins", "ties", "losses", "per_cluster"]) assert.ok(k in summary, k);
  assert.equal(summary.n, summary.wins + summary.ties + summary.losses);
  // Read against floors: the format-only baseline is the headline, every cluster has its floors and answer counts.
  assert.equal(summary.headline.win_rate, summary.vs_format_only.win_rate);
  assert.equal(summary.vs_format_only.n, summary.n);
  assert.deepEqual(summary.floors.map((c: { cluster: string }) => c.cluster).sort(), Object.keys(summary.per_cluster).sort());
  for (const c of summary.floors) {
    for (const k of ["tuned", "base", "formatOnly", "randomOption"]) assert.ok(c[k] >= 0 && c[k] <= 1, `${c.cluster}.${k}`);
  }
  const sentiment = summary.floors.find((c: { cluster: string }) => c.cluster === "sentiment");
  assert.ok(sentiment.randomOption > 0 && sentiment.randomOption <= 0.5, String(sentiment.randomOption));
  assert.ok(Object.values(sentiment.predicted as Record<string, number>).reduce((a, b) => a + b, 0) > 0);
  assert.ok(summary.knowledge.n > 0 && summary.knowledge.clusters.every((k: string) => !["arithmetic", "sentiment", "string_transforms"].includes(k)));
  assert.ok(existsSync(`${out}/run/model/model.safetensors`));
  const browser = chromiumPath();
  if (!browser) return; // the report check needs Debian's chromium (installed by scripts/setup-system.sh)
  const plots = drawnPlots(dumpDom(`${out}/report.html`), "figure-");
  assert.equal(plots.length, 3);
  for (const p of plots) assert.ok(p.mainSvgs > 0 && p.traces > 0, `${p.id} did not draw`);
});
