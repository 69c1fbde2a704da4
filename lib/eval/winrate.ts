/**
 * Win rates from pairwise preferences: each judged item gives a preference in [0, 1] for the model over
 * the baseline (ties 0.5); the win rate is their mean, in percent, with a standard error and a seeded
 * percentile-bootstrap confidence interval, overall and per cluster or task.
 */
import { UserError } from "../errors";
import { seededRandom } from "./rng";
import { fnv1a } from "../random";
import type { PreferenceRecord } from "./preference";

export type { PreferenceRecord };

export interface WinRateConfig {
  /** Bootstrap resamples. */
  resamples: number;
  /** Coverage of the interval. */
  confidence: number;
  seed: number;
}

export const DEFAULT_WIN_RATE_CONFIG: WinRateConfig = { resamples: 2000, confidence: 0.95, seed: 0 };

export function validateWinRateConfig(c: WinRateConfig): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(c.resamples) || c.resamples < 1) errors.push(`resamples must be a positive integer, got ${c.resamples}`);
  if (!(c.confidence > 0 && c.confidence < 1)) errors.push(`confidence must be in (0, 1), got ${c.confidence}`);
  if (!Number.isInteger(c.seed)) errors.push(`seed must be an integer, got ${c.seed}`);
  return errors;
}

export interface WinRateStats {
  /** Mean preference, in percent. */
  winRate: number;
  /** Standard error of the mean, in percent (NaN with fewer than 2 items). */
  stdError: number;
  /** Bootstrap interval bounds, in percent (NaN with no items). */
  ciLow: number;
  ciHigh: number;
  n: number;
  /** Preference above, at, and below 0.5. */
  wins: number;
  ties: number;
  losses: number;
}

function checkPreferences(prefs: readonly number[]): void {
  prefs.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new UserError(`preference ${i} must be in [0, 1], got ${p}`, 1);
  });
}

/** Linear-interpolation quantile of sorted values (q in [0, 1]). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap interval of the mean: `resamples` resamples of the same size drawn with
 * replacement by a seeded generator, and the (1 - confidence)/2 and (1 + confidence)/2 quantiles of
 * their means. Same values and seed, same interval.
 */
export function bootstrapMeanCI(values: readonly number[], config: Partial<WinRateConfig> = {}): [number, number] {
  const c = { ...DEFAULT_WIN_RATE_CONFIG, ...config };
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const random = seededRandom(c.seed, "bootstrap");
  const means = new Float64Array(c.resamples);
  for (let r = 0; r < c.resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(random() * n)];
    means[r] = s / n;
  }
  const sorted = Array.from(means.sort());
  const tail = (1 - c.confidence) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/** Win rate, standard error, bootstrap interval and counts of a list of preferences. */
export function winRate(preferences: readonly number[], config: Partial<WinRateConfig> = {}): WinRateStats {
  const c = { ...DEFAULT_WIN_RATE_CONFIG, ...config };
  const errors = validateWinRateConfig(c);
  if (errors.length) throw new UserError(`win rate: ${errors.join("; ")}`, 1);
  checkPreferences(preferences);
  const n = preferences.length;
  const mean = n ? preferences.reduce((a, b) => a + b, 0) / n : NaN;
  const variance = n > 1 ? preferences.reduce((a, p) => a + (p - mean) ** 2, 0) / (n - 1) : NaN;
  const [lo, hi] = bootstrapMeanCI(preferences, c);
  return {
    winRate: 100 * mean,
    stdError: 100 * Math.sqrt(variance / n),
    ciLow: 100 * lo,
    ciHigh: 100 * hi,
    n,
    wins: preferences.filter((p) => p > 0.5).length,
    ties: preferences.filter((p) => p === 0.5).length,
    losses: preferences.filter((p) => p < 0.5).length,
  };
}

/**
 * Win-rate statistics per group (cluster, task...), groups in first-seen order; records without a group
 * are left out. Each group's bootstrap gets its own seed derived from the name, so adding a group never
 * changes another's interval.
 */
export function winRateBy(
  records: readonly PreferenceRecord[],
  key: (r: PreferenceRecord) => string | undefined,
  config: Partial<WinRateConfig> = {},
): Record<string, WinRateStats> {
  const groups = new Map<string, number[]>();
  for (const r of records) {
    const k = key(r);
    if (k === undefined) continue;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r.preference);
  }
  const seed = config.seed ?? DEFAULT_WIN_RATE_CONFIG.seed;
  const out: Record<string, WinRateStats> = {};
  for (const [k, prefs] of groups) out[k] = winRate(prefs, { ...config, seed: (seed ^ fnv1a(k)) | 0 });
  return out;
}

export { lengthControlledWinRate, DEFAULT_LENGTH_CONTROL, type LengthControlConfig, type LengthControlResult } from "./length-control";
