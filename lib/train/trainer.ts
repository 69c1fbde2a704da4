/**
 * The training loop shared by pretraining and fine-tuning: seeded data order, gradient accumulation with
 * the loss normalized per trained token across micro-batches, global-norm clipping, AdamW, a learning-rate
 * schedule, periodic evaluation and checkpoints, a NaN/Inf guard, early stopping, metrics.jsonl, and
 * exact resume from the latest checkpoint.
 *
 * Everything that watches training (the CLI's progress bar, a notebook's live chart) gets the same
 * events through `TrainerCallbacks`.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { GPT } from "../model/gpt";
import { crossEntropyPerToken, IGNORE_INDEX } from "../engine/ops";
import { splitmix32 } from "../model/init";
import { UserError } from "../errors";
import { AdamW, globalNormAsync } from "./optimizer";
import { lossAndGradientsAsync, disposeBatch } from "./step";
import { rowsToBatch, microBatches, type Row } from "./batch";
import { lrAt, type ScheduleName } from "./schedule";
import { listCheckpoints, pruneCheckpoints, readCheckpoint, writeCheckpoint } from "./checkpoint";
import { MetricsLog, type EvalMetrics, type StepMetrics } from "./metrics";
import { ReplicaPool, autoWorkers } from "./parallel";
import { watchStopSignals, type StopRequest } from "./interrupt";

/** A dataset of training rows, addressable by index so order and resume are exact. */
export interface RowSource {
  size: number;
  row(i: number): Row;
}

export function arraySource(rows: Row[]): RowSource {
  return { size: rows.length, row: (i) => rows[i] };
}

export interface LoopConfig {
  /** Optimizer steps to run in total. */
  maxSteps: number;
  /** Rows per optimizer step. */
  batchSize: number;
  /** Rows per forward/backward pass; batchSize / microBatchSize passes are accumulated. */
  microBatchSize: number;
  learningRate: number;
  schedule: ScheduleName;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  gradClip: number;
  seed: number;
  /** Save a checkpoint every N steps (0 = only at the end). */
  checkpointEvery: number;
  /** Evaluate every N steps (0 = only at the end). */
  evalEvery: number;
  /** At most this many evaluation rows per evaluation (0 = all). */
  evalRows: number;
  /** Keep the newest N checkpoints (0 = all). */
  keepCheckpoints: number;
  /** Stop after this many evaluations without an eval-loss improvement of minDelta (0 = never). */
  earlyStoppingPatience: number;
  earlyStoppingMinDelta: number;
  /** On a NaN/Inf loss or gradient: skip the update, or stop with an error. */
  nanGuard: "skip" | "stop";
  /** Token id used to pad rows of unequal length (its labels are always ignored). */
  padId: number;
  /**
   * Worker threads computing gradients in parallel (data parallelism over CPU cores): 0 = one per core
   * (NANOINSTRUCT_WORKERS overrides), 1 = in this thread. Micro-batches shrink so each worker gets one.
   */
  workers: number;
}

export const DEFAULT_LOOP: LoopConfig = {
  maxSteps: 100, batchSize: 16, microBatchSize: 16, learningRate: 1e-3, schedule: "cosine", warmupSteps: 10,
  minLrRatio: 0.1, weightDecay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, gradClip: 1, seed: 0,
  checkpointEvery: 0, evalEvery: 0, evalRows: 0, keepCheckpoints: 2, earlyStoppingPatience: 0,
  earlyStoppingMinDelta: 0, nanGuard: "skip", padId: 0, workers: 0,
};

export function validateLoop(c: LoopConfig): string[] {
  const e: string[] = [];
  const posInt = (k: keyof LoopConfig) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v <= 0) e.push(`${k} must be a positive integer, got ${JSON.stringify(v)}`);
  };
  const nonNegInt = (k: keyof LoopConfig) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < 0) e.push(`${k} must be a non-negative integer, got ${JSON.stringify(v)}`);
  };
  posInt("maxSteps"); posInt("batchSize"); posInt("microBatchSize");
  for (const k of ["warmupSteps", "checkpointEvery", "evalEvery", "evalRows", "keepCheckpoints", "earlyStoppingPatience", "workers"] as const) nonNegInt(k);
  if (!(c.learningRate > 0 && Number.isFinite(c.learningRate))) e.push(`learningRate must be > 0 and finite, got ${c.learningRate}`);
  // AdamW's moments: each beta in [0, 1), eps > 0; otherwise the update is NaN or never decays.
  for (const k of ["beta1", "beta2"] as const) if (!(c[k] >= 0 && c[k] < 1)) e.push(`${k} must be in [0, 1), got ${c[k]}`);
  if (!(c.eps > 0 && Number.isFinite(c.eps))) e.push(`eps must be a finite number > 0, got ${c.eps}`);
  if (!(c.weightDecay >= 0 && Number.isFinite(c.weightDecay))) e.push(`weightDecay must be a finite number >= 0, got ${c.weightDecay}`);
  if (!(c.earlyStoppingMinDelta >= 0 && Number.isFinite(c.earlyStoppingMinDelta))) e.push(`earlyStoppingMinDelta must be a finite number >= 0, got ${c.earlyStoppingMinDelta}`);
  if (!Number.isSafeInteger(c.seed)) e.push(`seed must be an integer, got ${c.seed}`);
  if (!Number.isInteger(c.padId) || c.padId < 0) e.push(`padId must be a non-negative integer, got ${c.padId}`);
  if (!["constant", "linear", "cosine"].includes(c.schedule)) e.push(`schedule must be constant, linear or cosine, got ${JSON.stringify(c.schedule)}`);
  if (!(c.minLrRatio >= 0 && c.minLrRatio <= 1)) e.push(`minLrRatio must be in [0, 1], got ${c.minLrRatio}`);
  if (!(c.gradClip >= 0 && Number.isFinite(c.gradClip))) e.push(`gradClip must be a finite number >= 0, got ${c.gradClip}`);
  if (c.batchSize % c.microBatchSize !== 0 && c.microBatchSize < c.batchSize) e.push(`batchSize (${c.batchSize}) must be a multiple of microBatchSize (${c.microBatchSize})`);
  if (!["skip", "stop"].includes(c.nanGuard)) e.push(`nanGuard must be skip or stop, got ${JSON.stringify(c.nanGuard)}`);
  return e;
}

export interface TrainerCallbacks {
  onStep?(m: StepMetrics): void | Promise<void>;
  onEval?(m: EvalMetrics): void | Promise<void>;
  onCheckpoint?(path: string, step: number): void;
  onMessage?(text: string): void;
}

export interface TrainResult {
  steps: number;
  /** Loss of the last optimizer step (mean over its trained tokens). */
  finalLoss: number;
  firstEval: EvalMetrics | null;
  lastEval: EvalMetrics | null;
  stoppedEarly: boolean;
  resumedFrom: number | null;
  seconds: number;
  /** The SIGINT/SIGTERM that stopped the run at the end of a step, after a checkpoint; null when it ran on. */
  interrupted?: NodeJS.Signals | null;
}

export interface TrainOptions {
  model: GPT;
  /** What to train, by name (default: the model's parameters). LoRA passes its adapters. */
  params?: Map<string, tf.Variable>;
  train: RowSource;
  eval?: RowSource;
  config: LoopConfig;
  runDir: string;
  /** Continue from the newest checkpoint in runDir/checkpoints when there is one. */
  resume?: boolean;
  /** Identifies the run's resolved config; a resume with a different one is refused. */
  configHash: string;
  callbacks?: TrainerCallbacks;
  /** Test hook: stop (as if killed) right after this step's checkpoint. */
  stopAfterStep?: number;
  /**
   * On SIGINT/SIGTERM, finish the current step, write a checkpoint and return with `interrupted` set (a
   * second signal exits at once). Default true; false leaves signals alone.
   */
  handleSignals?: boolean;
}

/** Refuses weights that are no longer finite: a checkpoint or a model of NaNs would only hide the failure. */
function assertFiniteWeights(weights: Map<string, { data: Float32Array }>, step: number, learningRate: number): void {
  for (const [name, w] of weights) {
    const d = w.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        throw new UserError(`step ${step}: weight '${name}' is ${d[i]}: the weights are no longer finite (learningRate ${learningRate} is probably too high); stopped without writing a checkpoint or a model. Lower train.learningRate and start again`, 1);
      }
    }
  }
}

/** A seeded permutation of 0..n-1 for one epoch. */
function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const rand = splitmix32((seed * 1000003 + epoch * 7919 + 17) >>> 0);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Mean loss, perplexity and token accuracy over trained tokens of (up to evalRows of) a source. */
export function evaluate(model: GPT, source: RowSource, microBatchSize: number, evalRows = 0, padId = 0): Omit<EvalMetrics, "type" | "step"> {
  const it = evaluation(model, source, microBatchSize, evalRows, padId);
  let r = it.next();
  while (!r.done) {
    const t = r.value as tf.Tensor; // tslab's TypeScript 5.0 does not narrow r in the loop
    const v = t.dataSync()[0];
    t.dispose();
    r = it.next(v);
  }
  return r.value;
}

/** evaluate() reading results asynchronously (what the webgpu backend needs; the same numbers elsewhere). */
export async function evaluateAsync(model: GPT, source: RowSource, microBatchSize: number, evalRows = 0, padId = 0): Promise<Omit<EvalMetrics, "type" | "step">> {
  const it = evaluation(model, source, microBatchSize, evalRows, padId);
  let r = it.next();
  while (!r.done) {
    const t = r.value as tf.Tensor; // tslab's TypeScript 5.0 does not narrow r in the loop
    const v = (await t.data())[0];
    t.dispose();
    r = it.next(v);
  }
  return r.value;
}

/** The evaluation loop; it yields scalar tensors and is handed back their values (read sync or async). */
function* evaluation(model: GPT, source: RowSource, microBatchSize: number, evalRows: number, padId: number): Generator<tf.Tensor, Omit<EvalMetrics, "type" | "step">, number> {
  const n = evalRows > 0 ? Math.min(evalRows, source.size) : source.size;
  let lossSum = 0, correct = 0, tokens = 0;
  for (let start = 0; start < n; start += microBatchSize) {
    const rows: Row[] = [];
    for (let i = start; i < Math.min(n, start + microBatchSize); i++) rows.push(source.row(i));
    const batch = rowsToBatch(rows, padId);
    const [loss, hit] = tf.tidy(() => {
      const [B, T] = batch.inputs.shape;
      const logits = model.forward(batch.inputs, { positions: batch.positions, attentionBias: batch.attentionBias }).reshape([B * T, -1]) as tf.Tensor2D;
      const labels = batch.labels.reshape([B * T]) as tf.Tensor1D;
      const loss = tf.sum(crossEntropyPerToken(logits, labels));
      const hit = tf.sum(tf.cast(tf.logicalAnd(tf.equal(tf.argMax(logits, 1), labels), tf.notEqual(labels, IGNORE_INDEX)), "float32"));
      return [loss, hit];
    });
    lossSum += yield loss;
    correct += yield hit;
    tokens += batch.trainedTokens;
    disposeBatch(batch);
  }
  const loss = tokens > 0 ? lossSum / tokens : NaN;
  return { eval_loss: loss, eval_perplexity: Math.exp(loss), eval_token_accuracy: tokens > 0 ? correct / tokens : NaN, eval_tokens: tokens };
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Runs (or resumes) training; see the module comment. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const cfg = opts.config;
  const errors = validateLoop(cfg);
  if (errors.length) throw new UserError(`training config: ${errors.join("; ")}`, 1);
  if (opts.train.size === 0) throw new UserError("training data has no rows (after filtering and truncation)", 1);
  const { model, runDir } = opts;
  const params = new Map([...(opts.params ?? model.params)].filter(([, v]) => v.trainable));
  mkdirSync(runDir, { recursive: true });
  const log = new MetricsLog(join(runDir, "metrics.jsonl"));
  const cb = opts.callbacks ?? {};
  const opt = new AdamW(params, { beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weightDecay });
  const sched = { schedule: cfg.schedule, learningRate: cfg.learningRate, warmupSteps: cfg.warmupSteps, totalSteps: cfg.maxSteps, minLrRatio: cfg.minLrRatio };

  let step = 0, rowsSeen = 0, best: number | null = null, badEvals = 0, resumedFrom: number | null = null;
  const ckpts = opts.resume ? listCheckpoints(runDir) : [];
  if (opts.resume && ckpts.length > 0) {
    const last = ckpts[ckpts.length - 1];
    const c = readCheckpoint(join(runDir, "checkpoints", `step-${last}`));
    if (c.state.configHash !== opts.configHash) {
      throw new UserError(`${runDir}: the checkpoint was made with a different config (hash ${c.state.configHash}, now ${opts.configHash}); use a new outDir or the same config`, 1);
    }
    for (const [name, v] of params) {
      const w = c.weights.get(name);
      if (!w) throw new UserError(`${runDir}/checkpoints/step-${last}: no tensor ${name}`, 2);
      const t = tf.tensor(w.data, w.shape);
      v.assign(t);
      t.dispose();
    }
    opt.loadState({ step: c.state.optimizerStep, m: c.m, v: c.v });
    ({ step, rowsSeen, best, badEvals } = c.state);
    resumedFrom = last;
    log.truncateAfter(step);
    cb.onMessage?.(`resumed from checkpoint step ${last}`);
  } else if (existsSync(log.path)) {
    // A fresh run starts a fresh log; so does a resume with no checkpoint yet (its lines are from a killed start).
    log.truncateAfter(-1);
  }

  const orders = new Map<number, Int32Array>();
  const rowAt = (k: number): Row => {
    const n = opts.train.size, epoch = Math.floor(k / n);
    let order = orders.get(epoch);
    if (!order) {
      orders.clear();
      order = epochOrder(n, cfg.seed, epoch);
      orders.set(epoch, order);
    }
    return opts.train.row(order[k % n]);
  };

  let savedAt = -1, interrupted: NodeJS.Signals | null = null;
  const saveCheckpoint = async () => {
    const weights = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, v] of params) weights.set(name, { shape: v.shape, data: (await v.data()) as Float32Array });
    assertFiniteWeights(weights, step, cfg.learningRate);
    const s = await opt.state();
    const path = writeCheckpoint(runDir, {
      state: { step, rowsSeen, best, badEvals, configHash: opts.configHash, optimizerStep: opt.step },
      weights, m: s.m, v: s.v,
    });
    pruneCheckpoints(runDir, cfg.keepCheckpoints);
    savedAt = step;
    cb.onCheckpoint?.(path, step);
  };
  const runEval = async (): Promise<EvalMetrics | null> => {
    if (!opts.eval || opts.eval.size === 0) return null;
    const m: EvalMetrics = { type: "eval", step, ...(await evaluateAsync(model, opts.eval, cfg.microBatchSize, cfg.evalRows, cfg.padId)) };
    log.append(m);
    await cb.onEval?.(m);
    return m;
  };

  const t0 = performance.now();
  // A resumed run that is already complete still reports its last loss.
  const lastLogged = log.read().filter((l): l is StepMetrics => l.type === "train").pop();
  let finalLoss = lastLogged?.loss ?? NaN, stoppedEarly = false;
  // A resumed run reports the evaluation before training from its log, as the uninterrupted run does.
  const firstEval = step === 0 ? await runEval() : log.read().find((l): l is EvalMetrics => l.type === "eval" && l.step === 0) ?? null;
  let lastEval: EvalMetrics | null = firstEval;
  // Data parallelism applies when the whole model trains (LoRA and partial freezing run in-process).
  // "auto" starts worker threads (a few seconds each) only when the run is long enough to repay them:
  // about 10 s of single-core compute at ~20 GFLOP/s.
  const rowTokens = opts.train.row(0).inputIds.length;
  const estimatedFlops = 6 * model.parameterCount() * cfg.batchSize * rowTokens * (cfg.maxSteps - step);
  const workers = cfg.workers === 0 ? (estimatedFlops > 2e11 ? autoWorkers() : 1) : cfg.workers;
  // Worker threads are for CPU backends; on a GPU (webgpu, tfjs-node-gpu) one process owns the device.
  const cpuBackend = tf.getBackend() === "wasm" || tf.getBackend() === "cpu";
  const parallel = workers > 1 && cpuBackend && opts.params === undefined && [...model.params.values()].every((v) => v.trainable);
  const micro = parallel ? Math.min(cfg.microBatchSize, Math.ceil(cfg.batchSize / workers)) : Math.min(cfg.microBatchSize, cfg.batchSize);
  const pool = parallel ? await ReplicaPool.create(model, workers, Math.ceil(cfg.batchSize / micro), cfg.padId) : null;
  if (pool) cb.onMessage?.(`training on ${pool.size} worker threads (micro-batches of ${micro} rows)`);
  const stop: StopRequest | null = opts.handleSignals === false ? null : watchStopSignals();
  try {
  while (step < cfg.maxSteps) {
    const tStep = performance.now();
    const rows: Row[] = [];
    for (let i = 0; i < cfg.batchSize; i++) rows.push(rowAt(rowsSeen + i));
    let lossSum = 0, tokens = 0;
    let grads = new Map<string, tf.Tensor>();
    if (pool) {
      ({ lossSum, tokens, grads } = await pool.gradients(microBatches(rows, micro), cfg.seed * 100003 + step));
    } else for (const part of microBatches(rows, micro)) {
      const batch = rowsToBatch(part, cfg.padId);
      const g = await lossAndGradientsAsync(model, batch, params, { training: true, dropoutSeed: cfg.seed * 100003 + step });
      lossSum += g.lossSum;
      tokens += batch.trainedTokens;
      disposeBatch(batch);
      for (const [name, t] of g.grads) {
        const prev = grads.get(name);
        if (prev) {
          grads.set(name, tf.add(prev, t));
          prev.dispose();
          t.dispose();
        } else grads.set(name, t);
      }
    }
    const inputTokens = rows.reduce((n, r) => n + r.inputIds.length, 0);
    rowsSeen += cfg.batchSize;
    step += 1;
    const scale = tokens > 0 ? 1 / tokens : 0;
    const norm = await globalNormAsync(grads.values(), scale);
    const loss = tokens > 0 ? lossSum / tokens : NaN;
    const lr = lrAt(step, sched);
    let skipped = false;
    if (!Number.isFinite(norm) || !Number.isFinite(lossSum)) {
      if (cfg.nanGuard === "stop") {
        tf.dispose([...grads.values()]);
        throw new UserError(`step ${step}: loss or gradient is ${Number.isFinite(lossSum) ? "" : "NaN/Inf loss"}${Number.isFinite(norm) ? "" : " NaN/Inf gradient"}; stopped (nanGuard: stop). Lower the learning rate or check the data; resume from the last checkpoint with --resume`, 1);
      }
      skipped = true;
      cb.onMessage?.(`step ${step}: non-finite loss or gradient, update skipped`);
    } else if (tokens > 0) {
      const clip = cfg.gradClip > 0 && norm > cfg.gradClip ? cfg.gradClip / norm : 1;
      opt.apply(grads, lr, scale * clip);
      pool?.publish(model);
    }
    tf.dispose([...grads.values()]);
    finalLoss = loss;
    const seconds = (performance.now() - tStep) / 1000;
    const m: StepMetrics = {
      type: "train", step, max_steps: cfg.maxSteps, epoch: rowsSeen / opts.train.size, loss, lr, grad_norm: norm, tokens,
      input_tokens: inputTokens, tokens_per_s: inputTokens / seconds, elapsed_s: (performance.now() - t0) / 1000,
      num_tensors: tf.memory().numTensors, rss_mb: process.memoryUsage().rss / 2 ** 20,
      ...(skipped ? { skipped: true } : {}),
    };
    log.append(m);
    await cb.onStep?.(m);
    if ((cfg.evalEvery > 0 && step % cfg.evalEvery === 0) || step === cfg.maxSteps) {
      lastEval = await runEval();
      if (lastEval && cfg.earlyStoppingPatience > 0) {
        if (best === null || lastEval.eval_loss < best - cfg.earlyStoppingMinDelta) {
          best = lastEval.eval_loss;
          badEvals = 0;
        } else if (++badEvals >= cfg.earlyStoppingPatience) {
          stoppedEarly = true;
          cb.onMessage?.(`early stopping at step ${step}: no eval-loss improvement in ${badEvals} evaluations`);
        }
      }
    }
    if ((cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0) || step === cfg.maxSteps || stoppedEarly) await saveCheckpoint();
    if (opts.stopAfterStep !== undefined && step >= opts.stopAfterStep) break;
    if (stoppedEarly) break;
    await yieldToEventLoop();
    if (stop?.signal && step < cfg.maxSteps) {
      if (savedAt !== step) await saveCheckpoint();
      interrupted = stop.signal;
      cb.onMessage?.(`${interrupted}: stopped after step ${step}; checkpoint written`);
      break;
    }
  }
  } finally {
    stop?.dispose();
    await pool?.close();
  }
  opt.dispose();
  return { steps: step, finalLoss, firstEval, lastEval, stoppedEarly, resumedFrom, seconds: (performance.now() - t0) / 1000, interrupted };
}
