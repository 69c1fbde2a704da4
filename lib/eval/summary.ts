/**
 * The evaluation summary: one JSON-ready object per (model, baseline, judge) with the win rate and its
 * interval, the length-controlled win rate, breakdowns per cluster and task, output lengths and the
 * reference metrics; plus plain-text tables for the terminal and notebooks.
 * Rates and metrics are in percent; values that cannot be computed are null.
 */
import { UserError } from "../errors";
import { meanMetric } from "./metrics";
import { positionBias } from "./judges/run";
import type { JudgeItem, Judgment } from "./judges/types";
import { DEFAULT_WIN_RATE_CONFIG, winRate, winRateBy, type PreferenceRecord, type WinRateConfig, type WinRateStats } from "./winrate";
import { lengthControlledWinRate, type LengthControlConfig } from "./length-control";

export interface GroupSummary {
  win_rate: number;
  ci_low: number | null;
  ci_high: number | null;
  n: number;
  wins: number;
  ties: number;
  losses: number;
}

export interface ReferenceMetrics {
  exact_match: number | null;
  token_f1: number | null;
  rouge_l: number | null;
  chrf: number | null;
}

export interface EvalSummary extends ReferenceMetrics {
  model: string | null;
  baseline: string | null;
  judge: string;
  win_rate: number;
  std_error: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Null when output lengths are unknown. */
  lc_win_rate: number | null;
  n: number;
  wins: number;
  ties: number;
  losses: number;
  per_cluster: Record<string, GroupSummary>;
  per_task: Record<string, GroupSummary>;
  /** Mean output length in characters. */
  avg_len_model: number;
  avg_len_baseline: number;
  /** The baseline's reference metrics, for comparison with the model's (the top-level ones). */
  baseline_metrics: ReferenceMetrics;
  length_control: { group_by: string; length_coef: number; length_scale: number; intercept: number; converged: boolean } | null;
  /** LLM judges only: how often the output shown first won, in percent, and order agreement. */
  position_bias: { first_wins: number; n: number; agreement: number | null } | null;
  bootstrap: { resamples: number; confidence: number; seed: number };
}

export interface SummaryOptions {
  model?: string;
  baseline?: string;
  /** Judge name; default the judgments' own. */
  judge?: string;
  winRate?: Partial<WinRateConfig>;
  lengthControl?: Partial<LengthControlConfig>;
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);
const pct = (x: number | null) => (x === null ? null : 100 * x);

/** Output length as the summary counts it: Unicode code points. */
export function outputLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Judgments joined with their items (by id) into the records the statistics use, in judgment order. */
export function preferenceRecords(items: readonly JudgeItem[], judgments: readonly Judgment[]): PreferenceRecord[] {
  const byId = new Map(items.map((it) => [it.id, it]));
  return judgments.map((j) => {
    const it = byId.get(j.id);
    if (!it) throw new UserError(`judgment ${j.id} has no matching evaluation item`, 1);
    return {
      id: j.id, preference: j.preference, cluster: it.cluster, task: it.task, instruction: it.instruction,
      lengthA: outputLength(it.outputA), lengthB: outputLength(it.outputB),
    };
  });
}

function group(s: WinRateStats): GroupSummary {
  return { win_rate: s.winRate, ci_low: orNull(s.ciLow), ci_high: orNull(s.ciHigh), n: s.n, wins: s.wins, ties: s.ties, losses: s.losses };
}

function referenceMetrics(items: readonly JudgeItem[], side: "outputA" | "outputB"): ReferenceMetrics {
  const pairs = items.map((it) => ({ prediction: it[side], references: it.reference }));
  return {
    exact_match: pct(meanMetric("exact_match", pairs)),
    token_f1: pct(meanMetric("token_f1", pairs)),
    rouge_l: pct(meanMetric("rouge_l", pairs)),
    chrf: pct(meanMetric("chrf", pairs)),
  };
}

/** The summary of one model against the baseline under one judge. */
export function summarize(items: readonly JudgeItem[], judgments: readonly Judgment[], options: SummaryOptions = {}): EvalSummary {
  if (judgments.length === 0) throw new UserError("no judgments to summarize", 1);
  const judged = new Set(judgments.map((j) => j.id));
  if (judged.size !== judgments.length) throw new UserError("judgments contain the same item id twice", 1);
  const records = preferenceRecords(items, judgments);
  const wrCfg = { ...DEFAULT_WIN_RATE_CONFIG, ...options.winRate };
  const overall = winRate(records.map((r) => r.preference), wrCfg);
  const lc = lengthControlledWinRate(records, options.lengthControl);
  const judgedItems = items.filter((it) => judged.has(it.id));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bias = positionBias(judgments);
  const perGroup = (key: (r: PreferenceRecord) => string | undefined) =>
    Object.fromEntries(Object.entries(winRateBy(records, key, wrCfg)).map(([k, s]) => [k, group(s)]));
  return {
    model: options.model ?? null,
    baseline: options.baseline ?? null,
    judge: options.judge ?? judgments[0].judge,
    win_rate: overall.winRate,
    std_error: orNull(overall.stdError),
    ci_low: orNull(overall.ciLow),
    ci_high: orNull(overall.ciHigh),
    lc_win_rate: orNull(lc.lcWinRate),
    n: overall.n,
    wins: overall.wins,
    ties: overall.ties,
    losses: overall.losses,
    per_cluster: perGroup((r) => r.cluster),
    per_task: perGroup((r) => r.task),
    avg_len_model: mean(records.map((r) => r.lengthA!)),
    avg_len_baseline: mean(records.map((r) => r.lengthB!)),
    ...referenceMetrics(judgedItems, "outputA"),
    baseline_metrics: referenceMetrics(judgedItems, "outputB"),
    length_control: { group_by: lc.groupBy, length_coef: lc.lengthCoef, length_scale: lc.lengthScale, intercept: lc.intercept, converged: lc.converged },
    position_bias: bias.n > 0 ? { first_wins: bias.firstWins, n: bias.n, agreement: bias.agreement } : null,
    bootstrap: { resamples: wrCfg.resamples, confidence: wrCfg.confidence, seed: wrCfg.seed },
  };
}

export interface ModelRun {
  /** The evaluated model's name (a row of the comparison table). */
  name: string;
  items: readonly JudgeItem[];
  judgments: readonly Judgment[];
}

/** Summaries of several models, each judged against the same baseline, in the given order. */
export function summarizeModels(runs: readonly ModelRun[], options: Omit<SummaryOptions, "model"> = {}): { name: string; summary: EvalSummary }[] {
  return runs.map((r) => ({ name: r.name, summary: summarize(r.items, r.judgments, { ...options, model: r.name }) }));
}

// ---- text output ----

const f1 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(1));
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? "-" : `[${f1(lo)}, ${f1(hi)}]`);

/** Left-aligned first column, right-aligned others, two spaces between. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function groupTable(title: string, groups: Record<string, GroupSummary>): string {
  const rows = Object.entries(groups).map(([k, g]) => [k, f1(g.win_rate), ci(g.ci_low, g.ci_high), String(g.n), `${g.wins}/${g.ties}/${g.losses}`]);
  return formatTable([title, "win %", "CI", "n", "W/T/L"], rows);
}

/** A multi-line report of one summary. */
export function formatSummary(s: EvalSummary): string {
  const conf = Math.round(s.bootstrap.confidence * 100);
  const lines = [
    `${s.model ?? "model"} vs ${s.baseline ?? "baseline"}   judge: ${s.judge}`,
    `win rate     ${f1(s.win_rate)}%  ${conf}% CI ${ci(s.ci_low, s.ci_high)}  s.e. ${f1(s.std_error)}  n=${s.n}  W/T/L ${s.wins}/${s.ties}/${s.losses}`,
    `LC win rate  ${f1(s.lc_win_rate)}%   avg length (chars): model ${f1(s.avg_len_model)}, baseline ${f1(s.avg_len_baseline)}`,
  ];
  if (s.exact_match !== null) {
    const m = (r: ReferenceMetrics) => `EM ${f1(r.exact_match)}  F1 ${f1(r.token_f1)}  ROUGE-L ${f1(r.rouge_l)}  chrF ${f1(r.chrf)}`;
    lines.push(`references   model: ${m(s)}`, `             baseline: ${m(s.baseline_metrics)}`);
  }
  if (s.position_bias) {
    const agree = s.position_bias.agreement === null ? "" : `, orders agree ${f1(s.position_bias.agreement)}%`;
    lines.push(`position     first-shown output wins ${f1(s.position_bias.first_wins)}% of ${s.position_bias.n}${agree}`);
  }
  if (Object.keys(s.per_cluster).length > 0) lines.push("", groupTable("cluster", s.per_cluster));
  if (Object.keys(s.per_task).length > 0) lines.push("", groupTable("task", s.per_task));
  return lines.join("\n");
}

/** One row per model, all against the same baseline: the table that compares several runs. */
export function formatComparison(entries: readonly { name: string; summary: EvalSummary }[]): string {
  const rows = entries.map(({ name, summary: s }) => [
    name, f1(s.win_rate), ci(s.ci_low, s.ci_high), f1(s.lc_win_rate), String(s.n), `${s.wins}/${s.ties}/${s.losses}`,
    f1(s.avg_len_model), f1(s.avg_len_baseline), f1(s.rouge_l),
  ]);
  const base = entries[0]?.summary.baseline ?? "baseline";
  return formatTable([`model (vs ${base})`, "win %", "CI", "LC win %", "n", "W/T/L", "len", "base len", "ROUGE-L"], rows);
}
