import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseModel, fitLoss, fitThroughput, gpt2Params, predictLoss, predictThroughput, type ScalingPoint } from "../../lib/pretrain/scaling";
import { GPT } from "../../lib/model/gpt";
import { initEngine } from "../../lib/engine/backend";

const truth = { E: 0.8, A: 400, alpha: 0.45, B: 900, beta: 0.4 };
const L = (n: number, d: number) => truth.E + truth.A / n ** truth.alpha + truth.B / d ** truth.beta;
const grid: ScalingPoint[] = [];
for (const n of [2e5, 5e5, 1e6, 3e6, 5e6]) for (const d of [2e6, 6e6, 2e7]) grid.push({ name: `${n}-${d}`, params: n, tokens: d, valLoss: L(n, d) });

test("fitLoss recovers the parameters of noiseless Chinchilla-form losses", () => {
  const f = fitLoss(grid);
  assert.ok(f.rmse < 1e-3, `rmse ${f.rmse}`);
  assert.ok(Math.abs(f.alpha - truth.alpha) < 0.03, `alpha ${f.alpha}`);
  assert.ok(Math.abs(f.beta - truth.beta) < 0.03, `beta ${f.beta}`);
  assert.ok(Math.abs(f.E - truth.E) < 0.05, `E ${f.E}`);
  // Predictions outside the grid stay close (what the choice of a base relies on).
  assert.ok(Math.abs(predictLoss(f, 4e6, 5e7) - L(4e6, 5e7)) < 0.01);
});

test("fitLoss with noise still orders sizes correctly and refuses too few points", () => {
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01;
  const f = fitLoss(grid.map((p) => ({ ...p, valLoss: p.valLoss + noise() })));
  assert.ok(f.rmse < 0.01);
  assert.ok(predictLoss(f, 5e6, 1e7) < predictLoss(f, 2e5, 1e7));
  assert.throws(() => fitLoss(grid.slice(0, 3)), RangeError);
});

test("fitThroughput is a power law in log space", () => {
  const pts = [1e5, 1e6, 1e7].map((n) => ({ params: n, tokensPerSecond: 3e7 * n ** -0.6 }));
  const t = fitThroughput(pts);
  assert.ok(Math.abs(t.gamma - 0.6) < 1e-9);
  assert.ok(Math.abs(predictThroughput(t, 1e6) - 3e7 * 1e6 ** -0.6) < 1e-6);
});

test("chooseModel trades size against tokens within a time and disk budget", () => {
  const speed = { k: 3e7, gamma: 0.6 };
  const cands = [2e5, 1e6, 5e6, 2e7].map((n) => ({ name: String(n), params: n, bytes: 4 * n }));
  const long = chooseModel({ ...truth, rmse: 0, n: 15 }, speed, cands, 36_000, 1e9);
  const short = chooseModel({ ...truth, rmse: 0, n: 15 }, speed, cands, 60, 1e9);
  assert.ok(long.candidate.params > short.candidate.params, `${long.candidate.name} vs ${short.candidate.name}`);
  // The brute-force optimum among candidates.
  const best = cands.map((c) => ({ c, l: L(c.params, predictThroughput(speed, c.params) * 36_000) })).sort((a, b) => a.l - b.l)[0];
  assert.equal(long.candidate.name, best.c.name);
  // A disk limit excludes the biggest.
  const capped = chooseModel({ ...truth, rmse: 0, n: 15 }, speed, cands, 1e7, 4 * 5e6);
  assert.ok(capped.candidate.params <= 5e6);
  assert.throws(() => chooseModel({ ...truth, rmse: 0, n: 15 }, speed, cands, 60, 10), RangeError);
});

test("gpt2Params matches the model's own count", async () => {
  await initEngine();
  for (const s of [{ nLayer: 2, nHead: 2, nEmbd: 64 }, { nLayer: 3, nHead: 3, nEmbd: 96 }]) {
    const m = GPT.create({ vocabSize: 300, blockSize: 32, ...s, dropout: 0, layerNormEpsilon: 1e-5 }, 0);
    assert.equal(gpt2Params({ vocabSize: 300, blockSize: 32, ...s }), m.parameterCount());
    m.dispose();
  }
});
