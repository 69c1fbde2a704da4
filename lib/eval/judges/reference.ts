/**
 * The reference judge: scores both outputs against the task's reference answers with a text-overlap
 * metric and prefers the closer one. Cheap and deterministic; a sanity check next to an LLM judge.
 */
import { UserError } from "../../errors";
import { METRIC_NAMES, metricFn, type MetricName } from "../metrics";
import { preferHigher, type Judge, type JudgeItem, type Judgment } from "./types";

export interface ReferenceJudgeConfig {
  metric: MetricName;
  /** Scores closer than this (metric units, [0, 1]) are a tie. */
  margin: number;
}

export const DEFAULT_REFERENCE_JUDGE: ReferenceJudgeConfig = { metric: "rouge_l", margin: 0.01 };

export function validateReferenceJudge(c: ReferenceJudgeConfig): string[] {
  const errors: string[] = [];
  if (!METRIC_NAMES.includes(c.metric)) errors.push(`metric must be one of ${METRIC_NAMES.join(", ")}, got ${JSON.stringify(c.metric)}`);
  if (!(c.margin >= 0 && c.margin < 1)) errors.push(`margin must be in [0, 1), got ${c.margin}`);
  return errors;
}

export class ReferenceJudge implements Judge {
  readonly name: string;
  readonly config: ReferenceJudgeConfig;

  constructor(config: Partial<ReferenceJudgeConfig> = {}) {
    this.config = { ...DEFAULT_REFERENCE_JUDGE, ...config };
    const errors = validateReferenceJudge(this.config);
    if (errors.length) throw new UserError(`reference judge: ${errors.join("; ")}`, 1);
    this.name = `reference:${this.config.metric}`;
  }

  async judge(item: JudgeItem): Promise<Judgment> {
    const refs = item.reference ?? [];
    if (refs.length === 0) throw new UserError(`reference judge: item ${item.id} has no reference answer`, 1);
    const score = metricFn(this.config.metric);
    const a = score(item.outputA, refs), b = score(item.outputB, refs);
    const preference = preferHigher(a, b, this.config.margin);
    const verdict = preference === 0.5 ? "tie" : preference === 1 ? "model closer" : "baseline closer";
    return {
      id: item.id, preference, judge: this.name,
      reason: `${verdict} (${this.config.metric} ${a.toFixed(3)} vs ${b.toFixed(3)})`,
      details: { metric: this.config.metric, scoreA: a, scoreB: b },
    };
  }
}
