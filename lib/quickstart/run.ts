/**
 * The quickstart: the whole story of instruction tuning in one call, used by `npm start` and by
 * notebooks/00_quickstart. Load the bundled base model, build an instruction mixture from the task
 * library, fine-tune, measure the win-rate against the base on held-out instances of the trained tasks
 * (verifier judge), and write an offline HTML report and summary.json.
 */
import { join } from "node:path";
import * as aq from "arquero";
import { writeJsonAtomic } from "../fsutil";
import { generateWorld } from "../world/index";
import { generateRecords, evalSet } from "../tasks/generate";
import { DEFAULT_FINETUNE, resolveFinetuneConfig, type FinetuneConfig } from "../finetune/config";
import { finetune, type FinetuneReport } from "../finetune/run";
import { runEvaluation, type EvalResult } from "../eval/pipeline";
import { formatSummary } from "../eval/summary";
import { MetricsLog, type StepMetrics, type EvalMetrics } from "../train/metrics";
import type { TrainerCallbacks } from "../train/trainer";
import { lossCurves } from "../viz/figures/loss";
import { winRateChart } from "../viz/figures/winrate";
import { writeReport } from "../viz/report";
import type { Figure } from "../viz/types";

export type Scale = "smoke" | "full";

export interface QuickstartConfig {
  /** Base model to tune. */
  model: string;
  outDir: string;
  /** Task clusters trained on (and evaluated on, with held-out instances). */
  clusters: string[];
  /** Training records per task. */
  perTask: number;
  /** Held-out evaluation items per task. */
  evalPerTask: number;
  /** Shares of zero-/few-shot training prompts and the rate of answer options (FLAN's template mix). */
  templateTypes: { zeroShot: number; fewShot: number; withOptions: number };
  /** Fine-tuning settings (merged over DEFAULT_FINETUNE). */
  finetune: Partial<FinetuneConfig>;
  seed: number;
}

/**
 * The quickstart tunes three clusters that a 1M-parameter model can learn in three CPU minutes. Spread over all
 * 14 clusters, the same budget gives each task a few steps and most answers stay wrong (we measured win-rate
 * 56.8%, exact match 13.7%; docs/ABLATIONS.md's cluster-count study shows the same dilution).
 */
export const QUICKSTART_CLUSTERS = ["sentiment", "nli", "paraphrase"];

/** `full` is what `npm start` runs (a few minutes on 2 cores); `smoke` is for tests and CI. */
export function quickstartConfig(scale: Scale, overrides: Partial<QuickstartConfig> = {}): QuickstartConfig {
  const full: QuickstartConfig = {
    model: "nano-base", outDir: "runs/quickstart", clusters: QUICKSTART_CLUSTERS, perTask: 250, evalPerTask: 20, seed: 0,
    // Mostly zero-shot: short prompts leave more of a few CPU minutes for steps (few-shot exemplars triple a prompt).
    templateTypes: { zeroShot: 3, fewShot: 1, withOptions: 0.5 },
    finetune: {
      mode: "full", template: "alpaca", mask: "completion", maxLength: 256, maxSteps: 240, evalFraction: 0, packing: "bfd",
      train: { ...DEFAULT_FINETUNE.train, batchSize: 8, microBatchSize: 8, learningRate: 1.5e-3, schedule: "cosine", warmupSteps: 10, minLrRatio: 0.1, evalEvery: 40, evalRows: 128, checkpointEvery: 80 },
    },
  };
  const smoke: QuickstartConfig = {
    ...full, outDir: "runs/quickstart-smoke", clusters: ["arithmetic", "closed_book_qa", "string_transforms"], perTask: 6, evalPerTask: 3,
    finetune: { ...full.finetune, maxSteps: 8, train: { ...full.finetune.train!, batchSize: 4, microBatchSize: 4, evalEvery: 4, evalRows: 16, checkpointEvery: 4, workers: 1 } },
  };
  return { ...(scale === "full" ? full : smoke), ...overrides };
}

/**
 * The quickstart's fine-tuning config, resolved by the fine-tuning resolver (every value checked, nothing
 * dropped): its finetune settings with its model, seed and run directory.
 */
export function quickstartFinetuneConfig(cfg: QuickstartConfig): FinetuneConfig {
  // train.maxSteps in the settings is the loop default carried along by the spread of DEFAULT_FINETUNE.train;
  // the step count is finetune.maxSteps.
  const { maxSteps: _derived, ...train } = cfg.finetune.train ?? {};
  void _derived;
  return resolveFinetuneConfig({ ...cfg.finetune, model: cfg.model, data: "<task library>", outDir: join(cfg.outDir, "run"), train: { ...train, seed: cfg.seed } }, "quickstart config");
}

export interface QuickstartResult {
  finetune: FinetuneReport;
  evaluation: EvalResult;
  reportPath: string;
  summaryPath: string;
  seconds: { train: number; eval: number; total: number };
}

/** Runs the pipeline; `callbacks` receive training progress (the CLI's bar, a notebook's live chart). */
export async function quickstart(cfg: QuickstartConfig, callbacks: TrainerCallbacks = {}, say: (s: string) => void = () => {}): Promise<QuickstartResult> {
  const t0 = performance.now();
  const world = generateWorld(0);
  const records = generateRecords(world, { clusters: cfg.clusters, n: cfg.perTask, split: "train", seed: cfg.seed, templateTypes: cfg.templateTypes });
  const heldOut = evalSet(world, { clusters: cfg.clusters, perTask: cfg.evalPerTask, seed: cfg.seed });
  say(`mixture: ${records.length} training records from ${cfg.clusters.length} clusters; ${heldOut.length} held-out evaluation items`);
  const ft = quickstartFinetuneConfig(cfg);
  const ftReport = await finetune(ft, { records, evalRecords: heldOut, replaceRun: true, callbacks: { ...callbacks, onMessage: callbacks.onMessage ?? say } });
  const tTrain = performance.now();
  say("evaluating the tuned model against the base (verifier judge)");
  const evaluation = await runEvaluation({
    model: ftReport.modelDir, baseline: cfg.model, evalSet: "<held-out>", records: heldOut, judge: "verifier", outDir: cfg.outDir,
    perTask: cfg.evalPerTask, seed: cfg.seed, template: ft.template, onProgress: say,
  });
  const tEval = performance.now();
  const reportPath = writeQuickstartReport(cfg, ftReport, evaluation);
  const result: QuickstartResult = {
    finetune: ftReport, evaluation, reportPath, summaryPath: join(cfg.outDir, "summary.json"),
    seconds: { train: (tTrain - t0) / 1000, eval: (tEval - tTrain) / 1000, total: (performance.now() - t0) / 1000 },
  };
  writeJsonAtomic(join(cfg.outDir, "timing.json"), result.seconds);
  return result;
}

function writeQuickstartReport(cfg: QuickstartConfig, ft: FinetuneReport, ev: EvalResult): string {
  const lines = new MetricsLog(join(ft.config.outDir, "metrics.jsonl")).read();
  const points = lines.map((l) => l.type === "train"
    ? { step: l.step, loss: (l as StepMetrics).loss, split: "train" as const, lr: (l as StepMetrics).lr }
    : { step: l.step, loss: (l as EvalMetrics).eval_loss, split: "eval" as const });
  const s = ev.summary;
  const rows = [{ model: "tuned", winRate: s.win_rate / 100, ciLow: (s.ci_low ?? s.win_rate) / 100, ciHigh: (s.ci_high ?? s.win_rate) / 100 }]
    .concat(Object.entries(s.per_cluster).map(([cluster, g]) => ({ model: "tuned", cluster, winRate: g.win_rate / 100, ciLow: (g.ci_low ?? g.win_rate) / 100, ciHigh: (g.ci_high ?? g.win_rate) / 100 })));
  const examples = aq.from(ev.items.slice(0, 40).map((it, i) => ({
    cluster: it.cluster ?? "", prompt: it.instruction.slice(0, 160), reference: (it.reference ?? [])[0] ?? "",
    tuned: it.outputA.slice(0, 80), base: it.outputB.slice(0, 80), preference: ev.judgments[i].preference,
  })));
  const figs: Figure[] = [
    lossCurves([{ name: "fine-tuning", points }], { title: "Loss (train, EMA-smoothed; eval on held-out responses)" }),
    winRateChart(rows.slice(1), { title: "Win-rate of the tuned model against the base, per cluster (95% bootstrap CI)" }),
  ];
  return writeReport(join(cfg.outDir, "report.html"), {
    title: "nanoinstruct quickstart",
    sections: [
      `Base model **${cfg.model}**, fine-tuned (${ft.config.mode}) on ${ft.data.train.records} instruction records from ${cfg.clusters.length} task clusters, ` +
        `${ft.result.steps} steps, then judged against the base on ${s.n} held-out items by the task verifiers.`,
      "```\n" + formatSummary(s).split("\n\n")[0] + "\n```",
      figs[0], figs[1],
      "Example outputs (first 40 items): preference 1 = the tuned model was right and the base wrong, 0.5 = tie.",
      examples,
      "Per cluster and per task:",
      "```\n" + formatSummary(s).split("\n\n").slice(1).join("\n\n") + "\n```",
    ],
  });
}
