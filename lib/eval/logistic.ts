/**
 * Ridge logistic regression with soft targets, fitted by Newton's method (IRLS) with step halving.
 * Targets may be any value in [0, 1] (a judge's soft preference): the loss is the cross-entropy, which is
 * what a logistic model of a probability minimises. Small problems only: the Hessian is dense.
 */

export interface LogisticOptions {
  /** L2 strength per column (added as ½·λ_j·w_j² to the loss); a number applies to every column. */
  l2: number | readonly number[];
  maxIterations: number;
  /** Stop when the largest gradient entry falls below this. */
  tolerance: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { l2: 0, maxIterations: 100, tolerance: 1e-9 };

export interface LogisticFit {
  weights: number[];
  iterations: number;
  converged: boolean;
  /** Penalised cross-entropy at the solution. */
  loss: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Solves H x = g for a symmetric positive definite H (Cholesky); null when H is not positive definite. */
export function solveSPD(H: number[][], g: readonly number[]): number[] | null {
  const n = g.length;
  const L = H.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 1e-14)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

/** Fits P(y = 1 | x) = sigmoid(x · w) to rows `X` and targets `y` in [0, 1]. */
export function fitLogistic(X: readonly (readonly number[])[], y: readonly number[], options: Partial<LogisticOptions> = {}): LogisticFit {
  const o = { ...DEFAULT_LOGISTIC, ...options };
  const n = X.length, p = n ? X[0].length : 0;
  if (y.length !== n) throw new Error(`fitLogistic: ${n} rows but ${y.length} targets`);
  const lam = typeof o.l2 === "number" ? new Array<number>(p).fill(o.l2) : [...o.l2];
  if (lam.length !== p) throw new Error(`fitLogistic: ${p} columns but ${lam.length} penalties`);
  const lossAt = (w: readonly number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = dot(X[i], w);
      s += softplus(z) - y[i] * z; // -[y log σ(z) + (1 - y) log(1 - σ(z))]
    }
    for (let j = 0; j < p; j++) s += 0.5 * lam[j] * w[j] * w[j];
    return s;
  };
  let w = new Array<number>(p).fill(0);
  let loss = lossAt(w);
  for (let it = 0; it < o.maxIterations; it++) {
    const g = w.map((wj, j) => lam[j] * wj);
    const H = Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, k) => (j === k ? lam[j] : 0)));
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(dot(X[i], w));
      const r = mu - y[i], v = mu * (1 - mu);
      const x = X[i];
      for (let j = 0; j < p; j++) {
        if (x[j] === 0) continue;
        g[j] += r * x[j];
        for (let k = 0; k <= j; k++) if (x[k] !== 0) H[j][k] += v * x[j] * x[k];
      }
    }
    if (Math.max(0, ...g.map(Math.abs)) < o.tolerance) return { weights: w, iterations: it, converged: true, loss };
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k][j] = H[j][k];
    // A flat direction (separable data, no penalty) leaves H singular: a little damping keeps Newton moving.
    let step = solveSPD(H, g);
    for (let damp = 1e-8; !step && damp < 1e6; damp *= 100) step = solveSPD(H.map((row, j) => row.map((h, k) => (j === k ? h + damp : h))), g);
    if (!step) break;
    let t = 1, next = w, nextLoss = Infinity;
    for (let halvings = 0; halvings < 40; halvings++, t /= 2) {
      next = w.map((wj, j) => wj - t * step![j]);
      nextLoss = lossAt(next);
      if (nextLoss <= loss) break;
    }
    if (!(nextLoss <= loss)) return { weights: w, iterations: it, converged: false, loss };
    const moved = Math.max(0, ...next.map((v, j) => Math.abs(v - w[j])));
    w = next;
    loss = nextLoss;
    if (moved < 1e-12) return { weights: w, iterations: it + 1, converged: true, loss };
  }
  return { weights: w, iterations: o.maxIterations, converged: false, loss };
}
