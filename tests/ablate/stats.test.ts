import { test } from "node:test";
import assert from "node:assert/strict";
import { cellMean, estimate, outcomesFrom, pairedBootstrap, quantile, slope, trendBootstrap, verdict, type Outcomes } from "../../lib/ablate/stats";
import { Rng } from "../../lib/random";

/** Synthetic cells: per seed, `items` items; item i of seed s has difficulty d, shared by every cell (paired design). */
function synthetic(seeds: number, items: number, pCorrect: (difficulty: number) => number, rng: Rng, difficulties: number[][]): Outcomes {
  const rows: { seed: number; id: string; score: number }[] = [];
  for (let s = 0; s < seeds; s++) for (let i = 0; i < items; i++) rows.push({ seed: s, id: `q${i}`, score: rng.float() < pCorrect(difficulties[s][i]) ? 1 : 0 });
  return outcomesFrom(rows);
}

function difficulties(seeds: number, items: number, rng: Rng): number[][] {
  return Array.from({ length: seeds }, () => Array.from({ length: items }, () => rng.float()));
}

test("quantile interpolates between order statistics", () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([0, 10], 0.25), 2.5);
});

test("slope is the least-squares slope", () => {
  assert.equal(slope([0, 1, 2], [1, 3, 5]), 2);
  assert.throws(() => slope([1, 1], [0, 1]), /every x is the same/);
});

test("cellMean weighs every seed the same, whatever its item count", () => {
  const o = outcomesFrom([
    { seed: 0, id: "a", score: 1 }, { seed: 0, id: "b", score: 1 }, { seed: 0, id: "c", score: 1 }, { seed: 0, id: "d", score: 1 },
    { seed: 1, id: "a", score: 0 },
  ]);
  assert.equal(cellMean(o), 0.5);
});

test("scores outside [0, 1] are refused with the item named", () => {
  assert.throws(() => outcomesFrom([{ seed: 2, id: "x", score: 3 }]), /x \(seed 2\)/);
});

test("estimate: a cell's interval contains its mean and narrows with more items", () => {
  const rng = new Rng("stats-test/estimate");
  const small = synthetic(3, 40, () => 0.3, rng, difficulties(3, 40, rng));
  const large = synthetic(3, 1000, () => 0.3, rng, difficulties(3, 1000, rng));
  const a = estimate(small), b = estimate(large);
  assert.ok(a.low <= a.mean && a.mean <= a.high);
  assert.ok(b.high - b.low < (a.high - a.low) / 2, `${b.high - b.low} vs ${a.high - a.low}`);
  assert.ok(Math.abs(b.mean - 0.3) < 0.03);
  assert.equal(a.seeds, 3);
  assert.equal(a.items, 40);
});

test("paired bootstrap finds a known difference and covers it", () => {
  // Item difficulty matters a lot (0.1..0.9); the tuned cell adds 0.1 to every item's chance.
  const rng = new Rng("stats-test/known-difference");
  const d = difficulties(3, 300, rng);
  const a = synthetic(3, 300, (x) => Math.min(1, 0.1 + 0.8 * x + 0.1), rng, d);
  const b = synthetic(3, 300, (x) => 0.1 + 0.8 * x, rng, d);
  const e = pairedBootstrap(a, b);
  assert.ok(e.paired);
  assert.ok(e.low > 0, `interval [${e.low}, ${e.high}] should exclude 0`);
  assert.ok(e.low < 0.1 && 0.1 < e.high + 0.02, `interval [${e.low}, ${e.high}] should be near 0.1`);
  assert.ok(e.p < 0.01);
  assert.equal(verdict(e, "up"), "reproduces (significant)");
  assert.equal(verdict(e, "down"), "does not reproduce");
});

test("paired bootstrap: no true difference gives a large p-value and an interval around 0 (coverage near 95%)", () => {
  const rng = new Rng("stats-test/null");
  let covered = 0;
  const runs = 60;
  for (let k = 0; k < runs; k++) {
    const d = difficulties(3, 120, rng);
    const a = synthetic(3, 120, (x) => 0.2 + 0.6 * x, rng, d);
    const b = synthetic(3, 120, (x) => 0.2 + 0.6 * x, rng, d);
    const e = pairedBootstrap(a, b, { replicates: 400, seed: k });
    if (e.low <= 0 && 0 <= e.high) covered++;
  }
  // 95% nominal; with 60 runs anything from 85% up is consistent with it.
  assert.ok(covered / runs >= 0.85, `covered ${covered} of ${runs}`);
});

test("pairing narrows the interval when items differ in difficulty", () => {
  const rng = new Rng("stats-test/pairing");
  const d = difficulties(3, 200, rng);
  const a = synthetic(3, 200, (x) => x, rng, d);
  const b = synthetic(3, 200, (x) => x, rng, d);
  const paired = pairedBootstrap(a, b);
  // The same outcomes with item ids renamed: nothing is shared, so the cells are resampled independently.
  const renamed: Outcomes = new Map([...b].map(([s, m]) => [s, new Map([...m].map(([id, v]) => [`other-${id}`, v]))]));
  const unpaired = pairedBootstrap(a, renamed);
  assert.equal(unpaired.paired, false);
  assert.ok(paired.high - paired.low < unpaired.high - unpaired.low, `${paired.high - paired.low} vs ${unpaired.high - unpaired.low}`);
});

test("trend: a rising series has a positive slope whose interval excludes 0; a flat one does not", () => {
  const rng = new Rng("stats-test/trend");
  const d = difficulties(3, 200, rng);
  const rising = [0, 1, 2, 3].map((x) => ({ x, outcomes: synthetic(3, 200, (t) => Math.min(1, 0.2 * t + 0.08 * x), rng, d) }));
  const e = trendBootstrap(rising);
  assert.ok(e.value > 0.05 && e.value < 0.11, `slope ${e.value}`);
  assert.ok(e.low > 0);
  const flat = [0, 1, 2, 3].map((x) => ({ x, outcomes: synthetic(3, 200, (t) => 0.3 + 0.2 * t, rng, d) }));
  const f = trendBootstrap(flat);
  assert.ok(f.low < 0 && f.high > 0, `[${f.low}, ${f.high}]`);
  assert.notEqual(verdict(f, "up"), "reproduces (significant)");
});

test("the bootstrap is deterministic for a seed", () => {
  const rng = new Rng("stats-test/det");
  const d = difficulties(2, 50, rng);
  const a = synthetic(2, 50, (x) => x, rng, d), b = synthetic(2, 50, (x) => x / 2, rng, d);
  assert.deepEqual(pairedBootstrap(a, b, { seed: 7 }), pairedBootstrap(a, b, { seed: 7 }));
});

test("verdict reads direction and significance", () => {
  assert.equal(verdict({ value: 0.05, low: -0.01, high: 0.1 }, "up"), "same direction, not significant");
  assert.equal(verdict({ value: -0.05, low: -0.1, high: -0.01 }, "down"), "reproduces (significant)");
  assert.equal(verdict({ value: -0.05, low: -0.1, high: 0.01 }, "up"), "does not reproduce");
  assert.equal(verdict({ value: -0.05, low: -0.1, high: 0.01 }, "none"), "reproduces (no significant difference)");
  assert.equal(verdict({ value: 0.05, low: 0.01, high: 0.1 }, "none"), "does not reproduce");
});
