/**
 * Exponential moving average for noisy training curves, debiased the way TensorBoard does it: the
 * running mean starts at 0 and is divided by (1 - weight^n), so the first smoothed value equals the first
 * raw value and early points are not dragged toward zero (or toward the first, often highest, loss).
 */
import { UserError } from "../errors";

export const DEFAULT_EMA = 0.9;

/**
 * Smoothed copy of `values` with `weight` in [0, 1): 0 returns the values unchanged, 0.99 is very smooth.
 * Non-finite values (a NaN loss) are passed through as NaN and do not disturb the average.
 */
export function ema(values: readonly number[], weight = DEFAULT_EMA): number[] {
  if (!(weight >= 0 && weight < 1)) throw new UserError(`ema: weight must be in [0, 1), got ${weight}`, 1);
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(NaN);
      continue;
    }
    acc = weight * acc + (1 - weight) * v;
    n++;
    out.push(acc / (1 - Math.pow(weight, n)));
  }
  return out;
}
