/**
 * Turning source sizes and a strategy into per-source record counts. Rates are computed in floating point,
 * counts by the largest-remainder method (ties to the earlier source), so the counts always add up to the
 * total and depend on nothing but the inputs.
 */
import { UserError } from "../../errors";
import type { StrategySpec } from "./recipe";

/** One mixture component (a source, or one task of a source): its size and the recipe numbers that apply. */
export interface Component {
  size: number;
  cap?: number;
  weight?: number;
  count?: number;
}

export interface Allocation {
  /** Records drawn from each source (may exceed its size: the source is then repeated). */
  counts: number[];
  /** Each source's share of the total. */
  rates: number[];
  total: number;
}

/** `total` split in proportion to `weights` (not all zero), rounded by largest remainder. */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % order.length) {
    if (weights[order[k]] > 0) {
      counts[order[k]]++;
      left--;
    }
  }
  return counts;
}

/**
 * Counts per component. Sizes are the records each has after cleaning; a component with none gets 0
 * whatever its weight. Throws UserError when nothing can be drawn.
 */
export function allocate(components: readonly Component[], strategy: StrategySpec, total: number | null): Allocation {
  const sizes = components.map((c) => c.size);
  const capOf = (i: number, cap: number | null) => Math.min(sizes[i], components[i].cap ?? cap ?? Infinity);
  let weights: number[];
  let implied: number;
  switch (strategy.type) {
    case "examples-proportional":
      weights = sizes.map((_, i) => capOf(i, strategy.cap));
      implied = weights.reduce((a, b) => a + b, 0);
      break;
    case "temperature": {
      const capped = sizes.map((_, i) => capOf(i, strategy.cap));
      weights = capped.map((n) => (n > 0 ? n ** (1 / strategy.temperature) : 0));
      implied = capped.reduce((a, b) => a + b, 0);
      break;
    }
    case "weights":
      weights = components.map((s, i) => (sizes[i] > 0 ? s.weight ?? 0 : 0));
      implied = total ?? 0;
      break;
    case "counts": {
      const counts = components.map((s, i) => (sizes[i] > 0 ? s.count ?? 0 : 0));
      const sum = counts.reduce((a, b) => a + b, 0);
      return { counts, rates: counts.map((n) => (sum > 0 ? n / sum : 0)), total: sum };
    }
  }
  const n = total ?? implied;
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) throw new UserError("mixture: no source has records to draw from (after held-out clusters, decontamination and deduplication)", 1);
  const counts = largestRemainder(n, weights);
  const wsum = weights.reduce((a, b) => a + b, 0);
  return { counts, rates: weights.map((w) => w / wsum), total: n };
}
