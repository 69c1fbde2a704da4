import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapMeanCI, quantileSorted, winRate, winRateBy, type PreferenceRecord } from "../../lib/eval/winrate";
import { lengthControlledWinRate, resolveGroupBy } from "../../lib/eval/length-control";
import { fitLogistic, sigmoid, solveSPD } from "../../lib/eval/logistic";
import { seededRandom } from "../../lib/eval/rng";

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test("win rate, counts and standard error by hand", () => {
  const s = winRate([1, 0, 0.5, 1], { resamples: 500 });
  assert.equal(s.winRate, 62.5);
  assert.deepEqual([s.n, s.wins, s.ties, s.losses], [4, 2, 1, 1]);
  // deviations .375 -.625 -.125 .375; squares sum .6875; var .6875/3; s.e. sqrt(var/4)
  close(s.stdError, 100 * Math.sqrt(0.6875 / 3 / 4));
  assert.ok(s.ciLow <= s.winRate && s.winRate <= s.ciHigh);
  assert.throws(() => winRate([1.2]), /must be in \[0, 1\]/);
  const one = winRate([1]);
  assert.ok(Number.isNaN(one.stdError));
  assert.deepEqual([one.ciLow, one.ciHigh], [100, 100]);
});

test("bootstrap interval: seeded, percentile, degenerate cases", () => {
  close(quantileSorted([0, 1, 2, 3], 0.5), 1.5);
  close(quantileSorted([0, 1, 2, 3], 0.25), 0.75);
  const values = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : 0.5));
  assert.deepEqual(bootstrapMeanCI(values, { seed: 7 }), bootstrapMeanCI(values, { seed: 7 }));
  assert.notDeepEqual(bootstrapMeanCI(values, { seed: 7 }), bootstrapMeanCI(values, { seed: 8 }));
  assert.deepEqual(bootstrapMeanCI([0.5, 0.5, 0.5]), [0.5, 0.5]);
  // Two values 0 and 1: resample means are 0, 1/2, 1 with probabilities 1/4, 1/2, 1/4,
  // so the 2.5% and 97.5% quantiles of 2000 resamples are 0 and 1.
  assert.deepEqual(bootstrapMeanCI([0, 1]), [0, 1]);
  // The normal approximation and the bootstrap agree roughly on a larger sample.
  const r = seededRandom(1);
  const prefs = Array.from({ length: 400 }, () => (r() < 0.6 ? 1 : 0));
  const s = winRate(prefs);
  close((s.ciHigh - s.ciLow) / 2, 1.96 * s.stdError, 1.0);
});

test("per-cluster breakdowns", () => {
  const recs: PreferenceRecord[] = [
    { id: "1", preference: 1, cluster: "qa" }, { id: "2", preference: 0, cluster: "qa" },
    { id: "3", preference: 1, cluster: "math" }, { id: "4", preference: 0.5 },
  ];
  const by = winRateBy(recs, (r) => r.cluster, { resamples: 200 });
  assert.deepEqual(Object.keys(by), ["qa", "math"]);
  assert.equal(by.qa.winRate, 50);
  assert.equal(by.math.winRate, 100);
  assert.equal(by.math.n, 1);
});

test("logistic regression: Cholesky solve and a saturated fit", () => {
  const x = solveSPD([[4, 2], [2, 3]], [2, 1])!;
  close(x[0], 0.5);
  close(x[1], 0);
  // One binary feature, soft targets: the fit reproduces each cell's mean exactly.
  const fit = fitLogistic([[1, 0], [1, 0], [1, 1], [1, 1]], [1, 0.5, 0.2, 0.2]);
  assert.ok(fit.converged);
  close(sigmoid(fit.weights[0]), 0.75, 1e-8);
  close(sigmoid(fit.weights[0] + fit.weights[1]), 0.2, 1e-8);
});

const lengths = (d: number) => ({ lengthA: 100 + d, lengthB: 100 });

test("LC win rate by hand: two length cells", () => {
  // Items 10 chars longer win 0.8 on average, 10 chars shorter win 0.4. The model is saturated
  // (intercept + slope, two distinct tanh values ±t), so without penalties
  // θ = (logit 0.8 + logit 0.4) / 2 and LC = sigmoid(θ) = 1 / (1 + sqrt(3/8)).
  const recs: PreferenceRecord[] = [
    { id: "1", preference: 1, ...lengths(10) }, { id: "2", preference: 0.6, ...lengths(10) },
    { id: "3", preference: 0.5, ...lengths(-10) }, { id: "4", preference: 0.3, ...lengths(-10) },
  ];
  const lc = lengthControlledWinRate(recs, { l2: 0, l2Intercept: 0 });
  close(lc.lcWinRate, 100 / (1 + Math.sqrt(3 / 8)), 1e-6);
  assert.equal(lc.groupBy, "none");
  assert.ok(lc.lengthCoef > 0);
  close(lc.lengthScale, Math.sqrt(400 / 3));
  // Raw win rate is 60; switching the sides gives 100 - LC.
  const swapped = recs.map((r) => ({ ...r, preference: 1 - r.preference, lengthA: r.lengthB, lengthB: r.lengthA }));
  close(lengthControlledWinRate(swapped, { l2: 0, l2Intercept: 0 }).lcWinRate, 100 - lc.lcWinRate, 1e-6);
});

test("LC win rate equals the raw win rate when lengths never differ", () => {
  const recs: PreferenceRecord[] = [1, 1, 0, 0.5, 1].map((p, i) => ({ id: String(i), preference: p, cluster: i < 2 ? "x" : "y", ...lengths(0) }));
  const lc = lengthControlledWinRate(recs, { l2: 0, l2Intercept: 1e-9 });
  assert.equal(lc.groupBy, "cluster");
  assert.equal(lc.lengthScale, 0);
  close(lc.lcWinRate, 70, 1e-4);
});

test("LC win rate is ~50% when only length matters, whatever the raw win rate", () => {
  const r = seededRandom(5);
  const recs: PreferenceRecord[] = [];
  for (let i = 0; i < 600; i++) {
    // The model is usually longer; the judge prefers longer outputs and nothing else.
    const d = Math.round(200 * (r() - 0.25));
    const p = sigmoid(2.5 * Math.tanh(d / 60));
    recs.push({ id: String(i), preference: r() < p ? 1 : 0, cluster: `c${i % 4}`, ...lengths(d) });
  }
  const raw = winRate(recs.map((x) => x.preference), { resamples: 10 }).winRate;
  const lc = lengthControlledWinRate(recs);
  assert.ok(raw > 65, `raw ${raw}`);
  assert.ok(Math.abs(lc.lcWinRate - 50) < 6, `lc ${lc.lcWinRate}`);
  assert.ok(lc.lengthCoef > 1);
  assert.ok(lc.converged);
  // With soft preferences exactly following the length curve, the fit recovers ~50% closely.
  const soft = recs.map((x) => ({ ...x, preference: sigmoid(2.5 * Math.tanh((x.lengthA! - 100) / 60)) }));
  assert.ok(Math.abs(lengthControlledWinRate(soft).lcWinRate - 50) < 1.5);
});

test("LC grouping: auto choice, convergence when the model wins everything, errors", () => {
  const base = { preference: 1, ...lengths(5) };
  assert.equal(resolveGroupBy([{ id: "1", ...base, instruction: "q" }, { id: "2", ...base, instruction: "q" }], "auto"), "instruction");
  assert.equal(resolveGroupBy([{ id: "1", ...base, instruction: "q", task: "t1" }, { id: "2", ...base, instruction: "r", task: "t2" }], "auto"), "task");
  assert.equal(resolveGroupBy([{ id: "1", ...base, cluster: "a", task: "t1" }, { id: "2", ...base, cluster: "b", task: "t2" }], "auto"), "cluster");
  const allWins = Array.from({ length: 20 }, (_, i) => ({ id: String(i), preference: 1, cluster: `c${i % 2}`, ...lengths(i) }));
  const lc = lengthControlledWinRate(allWins);
  assert.ok(lc.converged);
  assert.ok(lc.lcWinRate > 95);
  assert.throws(() => lengthControlledWinRate([{ id: "1", preference: 1 }]), /lacks output lengths/);
  assert.throws(() => lengthControlledWinRate([]), /no judged items/);
});
