/**
 * Statistics for ablation studies: a cell's mean with a 95% interval over seeds and items, the difference
 * of two cells by a paired bootstrap, and a trend (a metric against a swept setting) by its slope's
 * interval. Pure TypeScript, no tf.
 *
 * A cell's outcomes are scores per seed and evaluation item: right/wrong (0 or 1), a judge's preference
 * (0, 0.5, 1), or a difference of two such (-1..1). Both sources of noise are resampled, hierarchically: each bootstrap replicate draws seeds with
 * replacement, then items with replacement within each drawn seed (Davison and Hinkley 1997, section 3.8;
 * the "two-stage" bootstrap). A cell's value is the mean over seeds of its per-seed item means, so every
 * seed weighs the same.
 *
 * Cells compared on the same items (same seed, same item ids) are paired: the same seeds and item draws
 * are used for every cell in a replicate, which removes the items' own difficulty from the difference.
 * Where two cells share no items (for example trained-task items of different mixtures), the cells are
 * resampled independently.
 */
import { Rng } from "../random";

/** Per seed, per item id: a score in [0, 1]. */
export type Outcomes = Map<number, Map<string, number>>;

export interface BootstrapOptions {
  /** Bootstrap replicates. */
  replicates: number;
  /** Coverage of the interval. */
  level: number;
  /** Seeds the resampling. */
  seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { replicates: 2000, level: 0.95, seed: 0 };

export interface Estimate {
  mean: number;
  low: number;
  high: number;
  seeds: number;
  /** Items per seed (the smallest, when seeds differ). */
  items: number;
}

export interface Effect {
  /** The observed value (a difference of means, or a slope). */
  value: number;
  low: number;
  high: number;
  /** Two-sided bootstrap p-value for "the effect is zero": twice the share of replicates on the far side of 0. */
  p: number;
  /** Whether the cells were compared item by item. */
  paired: boolean;
  seeds: number;
  items: number;
}

/** Builds Outcomes from rows of (seed, item id, score); scores must lie in [min, max] (default [0, 1]). */
export function outcomesFrom(rows: Iterable<{ seed: number; id: string; score: number }>, range: { min: number; max: number } = { min: 0, max: 1 }): Outcomes {
  const o: Outcomes = new Map();
  for (const r of rows) {
    if (!(r.score >= range.min && r.score <= range.max)) throw new RangeError(`outcome ${r.id} (seed ${r.seed}): score ${r.score} is not in [${range.min}, ${range.max}]`);
    if (!o.has(r.seed)) o.set(r.seed, new Map());
    o.get(r.seed)!.set(r.id, r.score);
  }
  return o;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The p-quantile of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

/** Mean over seeds of per-seed item means. */
export function cellMean(o: Outcomes): number {
  const per = [...o.values()].filter((m) => m.size > 0).map((m) => mean([...m.values()]));
  return per.length ? mean(per) : NaN;
}

/**
 * The shared design of several cells: the seeds every cell has, and per seed the item ids every cell has
 * (sorted, so results do not depend on insertion order). Null when some seed has no shared item.
 */
function sharedDesign(cells: readonly Outcomes[]): { seeds: number[]; items: Map<number, string[]> } | null {
  const seeds = [...cells[0].keys()].filter((s) => cells.every((c) => c.has(s))).sort((a, b) => a - b);
  if (seeds.length === 0) return null;
  const items = new Map<number, string[]>();
  for (const s of seeds) {
    const ids = [...cells[0].get(s)!.keys()].filter((id) => cells.every((c) => c.get(s)!.has(id))).sort();
    if (ids.length === 0) return null;
    items.set(s, ids);
  }
  return { seeds, items };
}

/**
 * One bootstrap replicate of every cell's mean. Paired: one draw of seeds and items shared by all cells.
 * Unpaired: each cell draws its own seeds and items.
 */
function replicateMeans(cells: readonly Outcomes[], design: { seeds: number[]; items: Map<number, string[]> } | null, rng: Rng): number[] {
  if (design) {
    const seeds = design.seeds.map(() => design.seeds[rng.below(design.seeds.length)]);
    const sums = cells.map(() => 0);
    for (const s of seeds) {
      const ids = design.items.get(s)!;
      const draw = ids.map(() => ids[rng.below(ids.length)]);
      cells.forEach((c, k) => {
        const m = c.get(s)!;
        let t = 0;
        for (const id of draw) t += m.get(id)!;
        sums[k] += t / draw.length;
      });
    }
    return sums.map((t) => t / seeds.length);
  }
  return cells.map((c) => {
    const seedList = [...c.keys()].filter((s) => c.get(s)!.size > 0);
    let total = 0;
    for (let i = 0; i < seedList.length; i++) {
      const vals = [...c.get(seedList[rng.below(seedList.length)])!.values()];
      let t = 0;
      for (let j = 0; j < vals.length; j++) t += vals[rng.below(vals.length)];
      total += t / vals.length;
    }
    return total / seedList.length;
  });
}

function checkOptions(o: BootstrapOptions): void {
  if (!Number.isInteger(o.replicates) || o.replicates < 100) throw new RangeError(`bootstrap: replicates must be an integer >= 100, got ${o.replicates}`);
  if (!(o.level > 0 && o.level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${o.level}`);
}

function sizeOf(o: Outcomes): { seeds: number; items: number } {
  const sizes = [...o.values()].map((m) => m.size).filter((n) => n > 0);
  return { seeds: sizes.length, items: sizes.length ? Math.min(...sizes) : 0 };
}

/** A cell's mean with its interval over seeds and items. */
export function estimate(o: Outcomes, options: Partial<BootstrapOptions> = {}): Estimate {
  const opts = { ...DEFAULT_BOOTSTRAP, ...options };
  checkOptions(opts);
  const { seeds, items } = sizeOf(o);
  if (seeds === 0) return { mean: NaN, low: NaN, high: NaN, seeds: 0, items: 0 };
  const rng = new Rng(`bootstrap/estimate/${opts.seed}`);
  const design = sharedDesign([o]);
  const reps = Array.from({ length: opts.replicates }, () => replicateMeans([o], design, rng)[0]).sort((a, b) => a - b);
  const a = (1 - opts.level) / 2;
  return { mean: cellMean(o), low: quantile(reps, a), high: quantile(reps, 1 - a), seeds, items };
}

function effectFrom(value: number, reps: number[], level: number, paired: boolean, seeds: number, items: number): Effect {
  reps.sort((x, y) => x - y);
  const a = (1 - level) / 2;
  const below = reps.filter((r) => r <= 0).length / reps.length;
  const above = reps.filter((r) => r >= 0).length / reps.length;
  return { value, low: quantile(reps, a), high: quantile(reps, 1 - a), p: Math.min(1, 2 * Math.min(below, above)), paired, seeds, items };
}

/**
 * The difference mean(a) - mean(b), with its interval and p-value by a bootstrap over seeds and items,
 * paired on the seeds and items both cells have (unpaired when they share none).
 */
export function pairedBootstrap(a: Outcomes, b: Outcomes, options: Partial<BootstrapOptions> = {}): Effect {
  const opts = { ...DEFAULT_BOOTSTRAP, ...options };
  checkOptions(opts);
  const design = sharedDesign([a, b]);
  const rng = new Rng(`bootstrap/pair/${opts.seed}`);
  const reps = Array.from({ length: opts.replicates }, () => {
    const [ma, mb] = replicateMeans([a, b], design, rng);
    return ma - mb;
  });
  // With a shared design the observed difference is taken on the shared items, as the replicates are.
  const restrict = (o: Outcomes): Outcomes => (design ? new Map(design.seeds.map((s) => [s, new Map(design.items.get(s)!.map((id) => [id, o.get(s)!.get(id)!]))])) : o);
  const size = design ? { seeds: design.seeds.length, items: Math.min(...[...design.items.values()].map((x) => x.length)) } : sizeOf(a);
  return effectFrom(cellMean(restrict(a)) - cellMean(restrict(b)), reps, opts.level, design !== null, size.seeds, size.items);
}

/** Least-squares slope of y on x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs), my = mean(ys);
  let num = 0, den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  if (den === 0) throw new RangeError("slope: every x is the same");
  return num / den;
}

/**
 * A trend: the least-squares slope of the cells' means against x (for example log2 of the number of
 * clusters), with its interval and p-value by the same two-stage bootstrap, paired across cells when they
 * share items.
 */
export function trendBootstrap(points: readonly { x: number; outcomes: Outcomes }[], options: Partial<BootstrapOptions> = {}): Effect {
  const opts = { ...DEFAULT_BOOTSTRAP, ...options };
  checkOptions(opts);
  if (points.length < 2) throw new RangeError(`trend: need at least two cells, got ${points.length}`);
  const xs = points.map((p) => p.x);
  const cells = points.map((p) => p.outcomes);
  const design = sharedDesign(cells);
  const rng = new Rng(`bootstrap/trend/${opts.seed}`);
  const reps = Array.from({ length: opts.replicates }, () => slope(xs, replicateMeans(cells, design, rng)));
  const size = design ? { seeds: design.seeds.length, items: Math.min(...[...design.items.values()].map((x) => x.length)) } : sizeOf(cells[0]);
  return effectFrom(slope(xs, cells.map(cellMean)), reps, opts.level, design !== null, size.seeds, size.items);
}

export type Verdict = "reproduces (significant)" | "same direction, not significant" | "does not reproduce" | "reproduces (no significant difference)";

/**
 * How an effect reads against the paper's direction ("up": the effect should be positive): significant in
 * that direction (its interval excludes 0), in that direction but not significant, or not in that
 * direction at all. A paper that reports no difference ("none") is reproduced when the interval
 * contains 0. (A wide interval that contains 0 is weak evidence of no difference: read its width.)
 */
export function verdict(effect: Pick<Effect, "value" | "low" | "high">, expect: "up" | "down" | "none"): Verdict {
  if (expect === "none") return effect.low <= 0 && effect.high >= 0 ? "reproduces (no significant difference)" : "does not reproduce";
  const sign = expect === "up" ? 1 : -1;
  const v = sign * effect.value, lo = Math.min(sign * effect.low, sign * effect.high);
  if (v > 0 && lo > 0) return "reproduces (significant)";
  if (v > 0) return "same direction, not significant";
  return "does not reproduce";
}
