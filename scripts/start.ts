/**
 * `npm start`: the quickstart pipeline, headless (the same lib calls as notebooks/00_quickstart).
 * NANOINSTRUCT_SCALE=smoke runs a tiny version in seconds; `--out DIR` writes somewhere other than the scale's
 * default (runs/quickstart, runs/quickstart-smoke).
 */
import { quickstart, quickstartConfig, type Scale } from "../lib/quickstart/run";
import { formatSummary } from "../lib/eval/summary";
import { progressCallbacks } from "../lib/cli/progress";
import { reportError } from "../lib/cli/main";

const scale = (process.env.NANOINSTRUCT_SCALE ?? "full") as Scale;
try {
  const outAt = process.argv.indexOf("--out");
  const cfg = quickstartConfig(scale, outAt > 0 && process.argv[outAt + 1] ? { outDir: process.argv[outAt + 1] } : {});
  // Generation progress ("generating (model) 40/200") redraws one line on a terminal and shows only its last
  // count in a log, so the run prints a handful of lines instead of one per batch.
  const tty = process.stderr.isTTY;
  let redrawing = false;
  const say = (s: string) => {
    const m = /^generating \(.*\) (\d+)\/(\d+)$/.exec(s);
    if (m && tty) {
      process.stderr.write(`\r\x1b[K${s}`);
      redrawing = m[1] !== m[2];
      if (!redrawing) process.stderr.write("\n");
      return;
    }
    if (m && m[1] !== m[2]) return;
    process.stderr.write(`${redrawing ? "\n" : ""}${s}\n`);
    redrawing = false;
  };
  say(`nanoinstruct quickstart (${scale}): ${cfg.model} -> instruction mixture -> fine-tune -> win-rate vs the base`);
  const r = await quickstart(cfg, progressCallbacks(0), say);
  const q = r.summary;
  console.log("\n" + formatSummary(r.evaluation.summary));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`\nagainst the floors (accuracy on held-out items):`);
  for (const c of q.floors) {
    console.log(`  ${c.cluster.padEnd(12)} tuned ${pct(c.tuned).padStart(6)} [${pct(c.tunedCi[0])}, ${pct(c.tunedCi[1])}]  base ${pct(c.base).padStart(6)}  format-only ${pct(c.formatOnly).padStart(6)}  random option ${(c.maxShare === null ? "n/a" : pct(c.randomOption)).padStart(6)}` +
      (c.maxShare === null ? "" : `  most given answer ${pct(c.maxShare)}`));
  }
  console.log(`headline: win rate ${q.headline.win_rate.toFixed(1)}% [${q.headline.ci_low?.toFixed(1)}, ${q.headline.ci_high?.toFixed(1)}] against the ${q.headline.against}`);
  if (q.knowledge) console.log(`knowledge through instructions (${q.knowledge.clusters.join(", ")}, never trained): tuned ${pct(q.knowledge.tuned)} [${pct(q.knowledge.tuned_ci[0])}, ${pct(q.knowledge.tuned_ci[1])}], base ${pct(q.knowledge.base)} of ${q.knowledge.n}`);
  console.log(`\ntraining ${r.seconds.train.toFixed(0)} s, evaluation ${r.seconds.eval.toFixed(0)} s, total ${r.seconds.total.toFixed(0)} s`);
  console.log(`report   ${r.reportPath}\nsummary  ${r.summaryPath}`);
} catch (e) {
  process.exitCode = reportError(e);
}
