/**
 * A Chinchilla-style scaling study on one machine (Hoffmann et al. 2022, approach 3): pretrain several model
 * sizes at several budgets, fit the validation loss as L(N, D) = E + A / N^alpha + B / D^beta (N parameters,
 * D training tokens), and let the fit choose the model that reaches the lowest loss within a wall-clock budget,
 * given how fast each size trains here. Pure arithmetic: the runner (scripts/scaling.ts) does the training.
 */
import { solveSPD } from "../eval/logistic";

/** One pretraining run of the study. */
export interface ScalingPoint {
  name: string;
  /** Parameters, embeddings included (the model is small enough that they matter). */
  params: number;
  /** Training tokens seen. */
  tokens: number;
  /** Validation loss (nats per token) at the end. */
  valLoss: number;
  /** Training throughput measured for this size, tokens per second. */
  tokensPerSecond?: number;
  /** Cloze accuracy on the world's facts at the end. */
  cloze?: number;
}

export interface LossFit {
  E: number;
  A: number;
  alpha: number;
  B: number;
  beta: number;
  /** Root-mean-square error of the fit over the points, nats. */
  rmse: number;
  /** Points the fit was made from. */
  n: number;
}

export const predictLoss = (f: LossFit, params: number, tokens: number): number => f.E + f.A / params ** f.alpha + f.B / tokens ** f.beta;

/**
 * Least-squares fit of L = E + A N^-alpha + B D^-beta with E, A, B >= 0. For each (alpha, beta) on a grid the
 * model is linear in (E, A, B), solved exactly under the sign constraints; the grid is refined twice around the
 * best point. Exponents are bounded to [0.05, 1.5].
 */
export function fitLoss(points: readonly ScalingPoint[]): LossFit {
  if (points.length < 4) throw new RangeError(`fitLoss needs at least 4 points, got ${points.length}`);
  // Scale N and D so the powers stay in a well-conditioned range.
  const n0 = 1e6, d0 = 1e6;
  const xs = points.map((p) => ({ n: p.params / n0, d: p.tokens / d0, y: p.valLoss }));
  let best = { sse: Infinity, E: 0, A: 0, B: 0, alpha: 0.3, beta: 0.3 };
  const tryAt = (alpha: number, beta: number) => {
    const cols = xs.map((x) => [1, x.n ** -alpha, x.d ** -beta]);
    // Non-negative least squares over three unknowns by trying every active set: a loss floor, a size term and a
    // data term can each only add to the loss, so none may come out negative.
    for (const keep of [[0, 1, 2], [1, 2], [0, 1], [0, 2], [0], [1], [2]]) {
      const coef = leastSquares(cols.map((c) => keep.map((k) => c[k])), xs.map((x) => x.y));
      if (!coef || coef.some((v) => v < 0)) continue;
      const full = [0, 0, 0];
      keep.forEach((k, i) => (full[k] = coef[i]));
      const sse = xs.reduce((s, x, i) => s + (full[0] + full[1] * cols[i][1] + full[2] * cols[i][2] - x.y) ** 2, 0);
      if (sse < best.sse) best = { sse, E: full[0], A: full[1], B: full[2], alpha, beta };
    }
  };
  let [aLo, aHi, bLo, bHi] = [0.05, 1.5, 0.05, 1.5];
  for (let round = 0; round < 3; round++) {
    const steps = 40;
    for (let i = 0; i <= steps; i++) for (let j = 0; j <= steps; j++) tryAt(aLo + ((aHi - aLo) * i) / steps, bLo + ((bHi - bLo) * j) / steps);
    const da = (aHi - aLo) / 8, db = (bHi - bLo) / 8;
    [aLo, aHi] = [Math.max(0.05, best.alpha - da), Math.min(1.5, best.alpha + da)];
    [bLo, bHi] = [Math.max(0.05, best.beta - db), Math.min(1.5, best.beta + db)];
  }
  // Back to unscaled N and D: A / (N/n0)^alpha = (A n0^alpha) / N^alpha.
  return {
    E: best.E, A: best.A * n0 ** best.alpha, alpha: best.alpha, B: best.B * d0 ** best.beta, beta: best.beta,
    rmse: Math.sqrt(best.sse / xs.length), n: xs.length,
  };
}

/** Solves min ||X c - y|| through the normal equations X^T X c = X^T y (tiny systems); undefined when singular. */
function leastSquares(X: number[][], y: number[]): number[] | undefined {
  const k = X[0].length;
  const H = Array.from({ length: k }, (_r, i) => Array.from({ length: k }, (_c, j) => X.reduce((s, row) => s + row[i] * row[j], 0)));
  const g = Array.from({ length: k }, (_r, i) => X.reduce((s, row, r) => s + row[i] * y[r], 0));
  return solveSPD(H, g) ?? undefined;
}

/** Throughput against size as a power law, tokens/s = k N^-gamma, fitted in log space. */
export interface ThroughputFit {
  k: number;
  gamma: number;
}

export function fitThroughput(points: readonly { params: number; tokensPerSecond: number }[]): ThroughputFit {
  if (points.length < 2) throw new RangeError("fitThroughput needs at least 2 points");
  const xs = points.map((p) => Math.log(p.params)), ys = points.map((p) => Math.log(p.tokensPerSecond));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return { k: Math.exp(my - slope * mx), gamma: -slope };
}

export const predictThroughput = (t: ThroughputFit, params: number): number => t.k * params ** -t.gamma;

export interface Candidate {
  name: string;
  params: number;
  /** Bytes on disk of the weights (4 per parameter as float32, 2 as float16). */
  bytes: number;
  /** Measured throughput when known; otherwise the throughput fit is used. */
  tokensPerSecond?: number;
}

export interface Choice {
  candidate: Candidate;
  tokensPerSecond: number;
  tokens: number;
  predictedLoss: number;
  /** Every candidate with its prediction, best first. */
  ranking: { name: string; params: number; tokens: number; predictedLoss: number; fits: boolean }[];
}

/** The candidate with the lowest predicted loss after `seconds` of training that fits in `maxBytes`. */
export function chooseModel(fit: LossFit, speed: ThroughputFit, candidates: readonly Candidate[], seconds: number, maxBytes: number): Choice {
  const ranked = candidates.map((c) => {
    const tps = c.tokensPerSecond ?? predictThroughput(speed, c.params);
    const tokens = tps * seconds;
    return { c, tps, tokens, loss: predictLoss(fit, c.params, tokens), fits: c.bytes <= maxBytes };
  }).sort((a, b) => a.loss - b.loss);
  const best = ranked.find((r) => r.fits);
  if (!best) throw new RangeError(`no candidate fits in ${maxBytes} bytes`);
  return {
    candidate: best.c, tokensPerSecond: best.tps, tokens: best.tokens, predictedLoss: best.loss,
    ranking: ranked.map((r) => ({ name: r.c.name, params: r.c.params, tokens: r.tokens, predictedLoss: r.loss, fits: r.fits })),
  };
}

/** GPT-2 parameter count of a shape (tied embeddings, biases, layer norms), as GPT.parameterCount() gives. */
export function gpt2Params(s: { vocabSize: number; blockSize: number; nLayer: number; nEmbd: number }): number {
  const C = s.nEmbd;
  const perLayer = 2 * 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C);
  return s.vocabSize * C + s.blockSize * C + s.nLayer * perLayer + 2 * C;
}
