/**
 * Length-controlled win rate in the spirit of AlpacaEval 2. Judges (human and LLM) like longer answers,
 * so a model can "win" by rambling. We fit
 *
 *   logit P(model preferred) = θ + φ · tanh(Δ / σ) + γ_group
 *
 * where Δ = length(model) - length(baseline) per item and σ the standard deviation of the Δs, then report
 * the win rate the fit predicts with the length term switched off (Δ = 0), averaged over the items:
 * mean_i sigmoid(θ + γ_group(i)). When preferences depend only on length, θ and the γs are ~0 and the
 * length-controlled win rate is ~50%, whatever the raw win rate.
 *
 * Group terms stand for how hard an item is for the model. AlpacaEval fits one per instruction, which
 * works there because many models answer each instruction. With one model against one baseline each
 * instruction occurs once, so a per-instruction term would absorb each item's preference entirely and
 * leave the length slope undetermined. We therefore use one term per instruction only when instructions
 * repeat (several samples, both orders), and otherwise one per cluster (or task): items in a cluster
 * share a difficulty, which is estimable, and the length slope is then learned within clusters.
 */
import { UserError } from "../errors";
import { fitLogistic, sigmoid } from "./logistic";
import type { PreferenceRecord } from "./preference";

export type LengthGroupBy = "auto" | "instruction" | "cluster" | "task" | "none";

export interface LengthControlConfig {
  /** Which items share a difficulty term; "auto" picks instruction, then cluster, then task, then none. */
  groupBy: LengthGroupBy;
  /** L2 on the length slope and the group terms: keeps the fit finite on separable or tiny data. */
  l2: number;
  /** L2 on the intercept: only there so that a model that wins everything still converges. */
  l2Intercept: number;
}

export const DEFAULT_LENGTH_CONTROL: LengthControlConfig = { groupBy: "auto", l2: 0.1, l2Intercept: 1e-3 };

export function validateLengthControl(c: LengthControlConfig): string[] {
  const errors: string[] = [];
  if (!["auto", "instruction", "cluster", "task", "none"].includes(c.groupBy)) errors.push(`groupBy must be auto, instruction, cluster, task or none, got ${JSON.stringify(c.groupBy)}`);
  if (!(c.l2 >= 0)) errors.push(`l2 must be >= 0, got ${c.l2}`);
  if (!(c.l2Intercept >= 0)) errors.push(`l2Intercept must be >= 0, got ${c.l2Intercept}`);
  return errors;
}

export interface LengthControlResult {
  /** Predicted win rate at zero length difference, averaged over items, in percent. */
  lcWinRate: number;
  /** The grouping used (auto resolved). */
  groupBy: Exclude<LengthGroupBy, "auto">;
  intercept: number;
  /** φ: positive when longer outputs win more. */
  lengthCoef: number;
  /** σ: the standard deviation of the length differences (0 = no length term was fitted). */
  lengthScale: number;
  /** γ per group. */
  groups: Record<string, number>;
  converged: boolean;
  iterations: number;
  n: number;
}

function groupKey(r: PreferenceRecord, by: Exclude<LengthGroupBy, "auto">): string | undefined {
  return by === "none" ? undefined : r[by];
}

function distinct(records: readonly PreferenceRecord[], by: "instruction" | "cluster" | "task"): number {
  return new Set(records.map((r) => r[by]).filter((v) => v !== undefined)).size;
}

/** The grouping "auto" resolves to for these records. */
export function resolveGroupBy(records: readonly PreferenceRecord[], by: LengthGroupBy): Exclude<LengthGroupBy, "auto"> {
  if (by !== "auto") return by;
  const withInstruction = records.filter((r) => r.instruction !== undefined).length;
  if (withInstruction > 0 && distinct(records, "instruction") < withInstruction) return "instruction";
  if (distinct(records, "cluster") >= 2) return "cluster";
  if (distinct(records, "task") >= 2) return "task";
  return "none";
}

/** Fits the length model; every record needs lengthA and lengthB. */
export function lengthControlledWinRate(records: readonly PreferenceRecord[], config: Partial<LengthControlConfig> = {}): LengthControlResult {
  const c = { ...DEFAULT_LENGTH_CONTROL, ...config };
  const errors = validateLengthControl(c);
  if (errors.length) throw new UserError(`length control: ${errors.join("; ")}`, 1);
  const n = records.length;
  if (n === 0) throw new UserError("length control: no judged items", 1);
  for (const r of records) {
    if (!(Number.isFinite(r.lengthA) && Number.isFinite(r.lengthB))) throw new UserError(`length control: item ${r.id} lacks output lengths`, 1);
    if (!(r.preference >= 0 && r.preference <= 1)) throw new UserError(`length control: item ${r.id} has preference ${r.preference} outside [0, 1]`, 1);
  }
  const groupBy = resolveGroupBy(records, c.groupBy);
  const diffs = records.map((r) => r.lengthA! - r.lengthB!);
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(diffs.reduce((a, d) => a + (d - meanDiff) ** 2, 0) / (n - 1)) : 0;
  // With no spread in Δ the length term would be a second intercept: leave it out.
  const lengthScale = sd > 0 ? sd : 0;
  const names: string[] = [];
  const index = new Map<string, number>();
  for (const r of records) {
    const g = groupKey(r, groupBy);
    if (g !== undefined && !index.has(g)) {
      index.set(g, names.length);
      names.push(g);
    }
  }
  const useLength = lengthScale > 0;
  const base = useLength ? 2 : 1;
  const X = records.map((r, i) => {
    const row = new Array<number>(base + names.length).fill(0);
    row[0] = 1;
    if (useLength) row[1] = Math.tanh(diffs[i] / lengthScale);
    const g = groupKey(r, groupBy);
    if (g !== undefined) row[base + index.get(g)!] = 1;
    return row;
  });
  const l2 = [c.l2Intercept, ...(useLength ? [c.l2] : []), ...names.map(() => c.l2)];
  const fit = fitLogistic(X, records.map((r) => r.preference), { l2 });
  const w = fit.weights;
  const gamma = (r: PreferenceRecord) => {
    const g = groupKey(r, groupBy);
    return g === undefined ? 0 : w[base + index.get(g)!];
  };
  const lc = records.reduce((s, r) => s + sigmoid(w[0] + gamma(r)), 0) / n;
  return {
    lcWinRate: 100 * lc,
    groupBy,
    intercept: w[0],
    lengthCoef: useLength ? w[1] : 0,
    lengthScale,
    groups: Object.fromEntries(names.map((g, k) => [g, w[base + k]])),
    converged: fit.converged,
    iterations: fit.iterations,
    n,
  };
}
