/**
 * `npm start`: the quickstart pipeline, headless (the same lib calls as notebooks/00_quickstart).
 * NANOINSTRUCT_SCALE=smoke runs a tiny version in seconds.
 */
import { quickstart, quickstartConfig, type Scale } from "../lib/quickstart/run";
import { formatSummary } from "../lib/eval/summary";
import { progressCallbacks } from "../lib/cli/progress";
import { reportError } from "../lib/cli/main";

const scale = (process.env.NANOINSTRUCT_SCALE ?? "full") as Scale;
try {
  const cfg = quickstartConfig(scale);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  say(`nanoinstruct quickstart (${scale}): ${cfg.model} -> instruction mixture -> fine-tune -> win-rate vs the base`);
  const r = await quickstart(cfg, progressCallbacks(0), say);
  console.log("\n" + formatSummary(r.evaluation.summary));
  console.log(`\ntraining ${r.seconds.train.toFixed(0)} s, evaluation ${r.seconds.eval.toFixed(0)} s, total ${r.seconds.total.toFixed(0)} s`);
  console.log(`report   ${r.reportPath}\nsummary  ${r.summaryPath}`);
} catch (e) {
  process.exitCode = reportError(e);
}
