/**
 * AdamW with decoupled weight decay (as torch.optim.AdamW), gradient scaling for clipping and per-token
 * loss normalization, and state that checkpoints can save and restore.
 *
 * On wasm the update runs in place in one fused kernel per parameter; elsewhere it is the same arithmetic
 * in TF.js ops.
 */
import * as tf from "@tensorflow/tfjs";
import { adamwInPlace, canUpdateInPlace, sumSquaresInPlace } from "../engine/in-place";

export interface AdamWConfig {
  /** Exponential decay of the first moment. */
  beta1: number;
  /** Exponential decay of the second moment. */
  beta2: number;
  /** Added to sqrt(v) for stability. */
  eps: number;
  /** Decoupled weight decay, applied only where `decays(name)` holds. */
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export function validateAdamW(c: AdamWConfig): string[] {
  const errors: string[] = [];
  if (!(c.beta1 >= 0 && c.beta1 < 1)) errors.push(`beta1 must be in [0, 1), got ${c.beta1}`);
  if (!(c.beta2 >= 0 && c.beta2 < 1)) errors.push(`beta2 must be in [0, 1), got ${c.beta2}`);
  if (!(c.eps > 0)) errors.push(`eps must be > 0, got ${c.eps}`);
  if (!(c.weightDecay >= 0)) errors.push(`weightDecay must be >= 0, got ${c.weightDecay}`);
  return errors;
}

/**
 * The default weight-decay mask: every weight matrix decays; biases, LayerNorm parameters and the token and
 * position embeddings do not. This is minGPT's grouping (its configure_optimizers puts Embedding weights in
 * the no-decay group). nanoGPT's model.py differs: it decays every tensor of two or more dimensions,
 * embeddings included (pass `(name) => shape(name).length >= 2` as AdamW's decayMask to train that way;
 * tests/train/adamw.test.ts checks both masks against PyTorch).
 *
 * Excluding embeddings is a deliberate choice here, for fine-tuning: decoupled decay shrinks a parameter at
 * every step whether or not it has a gradient, so the rows of tokens and positions that an instruction data
 * set rarely or never uses would fade towards zero, step after step, losing what pretraining put there
 * (and the token embedding is also the output head). Every published number was made with this default.
 */
export function decays(name: string): boolean {
  if (name.endsWith(".bias")) return false;
  if (/\.ln_\d\.|\.ln_f\./.test(name)) return false;
  if (/\.wte\.|\.wpe\./.test(name)) return false;
  return true;
}

/**
 * The factor that clips gradients of global norm `norm` to `maxNorm` (0 = no clipping): maxNorm / norm when
 * the norm is larger, else 1. torch.nn.utils.clip_grad_norm_ divides by norm + 1e-6 instead.
 */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
}

/** Global L2 norm of a set of gradients, times `scale`. */
export function globalNorm(grads: Iterable<tf.Tensor>, scale = 1): number {
  if (canUpdateInPlace()) return normFromSumSquares([...grads].map(sumSquaresInPlace), scale);
  const parts = [...grads];
  const sumSq = tf.tidy(() => tf.addN(parts.map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
  return Math.sqrt(sumSq) * Math.abs(scale);
}

/** The global norm from each gradient's sum of squares (summed in order), times `scale`: what globalNorm
 * gives on wasm, for sums computed elsewhere (the replica pool computes them while summing). */
export function normFromSumSquares(sums: Iterable<number>, scale = 1): number {
  let sumSq = 0;
  for (const s of sums) sumSq += s;
  return Math.sqrt(sumSq) * Math.abs(scale);
}

/** globalNorm, reading the sum asynchronously (the webgpu backend has no synchronous read in Node). */
export async function globalNormAsync(grads: Iterable<tf.Tensor>, scale = 1): Promise<number> {
  if (canUpdateInPlace()) return globalNorm(grads, scale);
  const parts = [...grads];
  if (parts.length === 0) return 0;
  // Added one by one, in order (what addN computes): WebGPU's AddN binds every input as a storage buffer,
  // and past the device's per-stage limit (8 by default) it fails validation and returns garbage.
  const total = tf.tidy(() => parts.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
  const sumSq = (await total.data())[0];
  total.dispose();
  return Math.sqrt(sumSq) * Math.abs(scale);
}

/** A zero variable that owns its buffer alone (the in-place update writes into it). */
function ownedZeros(shape: number[]): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false);
  z.dispose();
  return v;
}

export interface OptimizerState {
  step: number;
  /** First and second moments by parameter name, on the host. */
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  readonly config: AdamWConfig;
  /** Number of updates applied so far. */
  step = 0;
  private readonly params: Map<string, tf.Variable>;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly decayMask: (name: string) => boolean;

  constructor(params: Map<string, tf.Variable>, config: Partial<AdamWConfig> = {}, decayMask = decays) {
    this.config = { ...DEFAULT_ADAMW, ...config };
    const errors = validateAdamW(this.config);
    if (errors.length) throw new Error(`AdamW: ${errors.join("; ")}`);
    this.params = params;
    this.decayMask = decayMask;
    for (const [name, p] of params) {
      if (!p.trainable) continue;
      this.m.set(name, ownedZeros(p.shape));
      this.v.set(name, ownedZeros(p.shape));
    }
  }

  /**
   * Applies one update from `grads` (by parameter name; missing names are frozen). The gradient is
   * multiplied by `gradScale` first.
   */
  apply(grads: Map<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const bc1 = 1 - Math.pow(beta1, this.step), bc2 = 1 - Math.pow(beta2, this.step);
    const inPlace = canUpdateInPlace();
    for (const [name, g] of grads) {
      const p = this.params.get(name), m = this.m.get(name), v = this.v.get(name);
      if (!p || !m || !v) continue;
      const wd = this.decayMask(name) ? weightDecay : 0;
      if (inPlace) {
        adamwInPlace(p, g, m, v, { lr, beta1, beta2, eps, weightDecay: wd, biasCorrection1: bc1, biasCorrection2: bc2, gradScale });
        continue;
      }
      tf.tidy(() => {
        const gs = tf.mul(g, gradScale);
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(gs, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gs), 1 - beta2));
        const denom = tf.add(tf.mul(tf.sqrt(vNew), 1 / Math.sqrt(bc2)), eps);
        m.assign(mNew);
        v.assign(vNew);
        p.assign(tf.sub(tf.mul(p, 1 - lr * wd), tf.mul(tf.div(mNew, denom), lr / bc1)));
      });
    }
  }

  /** A host copy of the state, for checkpoints. */
  async state(): Promise<OptimizerState> {
    const m = new Map<string, Float32Array>(), v = new Map<string, Float32Array>();
    for (const [name, t] of this.m) m.set(name, (await t.data()) as Float32Array);
    for (const [name, t] of this.v) v.set(name, (await t.data()) as Float32Array);
    return { step: this.step, m, v };
  }

  /** Restores a state saved by `state()`; shapes must match. */
  loadState(s: OptimizerState): void {
    this.step = s.step;
    for (const [name, t] of this.m) {
      const mv = s.m.get(name), vv = s.v.get(name);
      if (!mv || !vv) throw new Error(`optimizer state has no moments for ${name}`);
      if (mv.length !== t.size || vv.length !== t.size) throw new Error(`optimizer state for ${name} has the wrong size`);
      const mt = tf.tensor(mv, t.shape), vt = tf.tensor(vv, t.shape);
      t.assign(mt);
      this.v.get(name)!.assign(vt);
      mt.dispose();
      vt.dispose();
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
