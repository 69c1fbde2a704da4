/**
 * The training loop shared by pretraining and fine-tuning: seeded data order, gradient accumulation with
 * the loss normalized per trained token across micro-batches, global-norm clipping, AdamW, a learning-rate
 * schedule, periodic evaluation and checkpoints, a NaN/Inf guard, early stopping, metrics.jsonl, and
 * exact resume from the latest checkpoint.
 *
 * Read `train()` first: it is the loop, calling one named function per part. `setUp` checks the config and
 * resumes; `trainStep` computes a batch's gradients and makes the optimizer step (AdamW, after clipping);
 * `evaluateNow` and `noLongerImproving` evaluate and decide early stopping; `saveCheckpoint` writes one.
 *
 * Everything that watches training (the CLI's progress bar, a notebook's live chart) gets the same
 * events through `TrainerCallbacks`.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { GPT } from "../model/gpt";
import { crossEntropyPerToken, IGNORE_INDEX } from "../engine/ops";
import { permutation, splitmix32 } from "../random";
import { UserError } from "../errors";
import { AdamW, clipFactor, globalNormAsync, normFromSumSquares } from "./optimizer";
import { lossAndGradientsAsync, disposeBatch } from "./step";
import type { Row } from "../data/collate";
import { rowsToBatch, microBatches } from "./batch";
import { lrAt, type ScheduleConfig, type ScheduleName } from "./schedule";
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

/** The order rows are served in during `epoch`: a seeded permutation of 0..n-1, a pure function of (seed, epoch), so a resume continues it exactly. */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  return permutation(n, splitmix32((seed * 1000003 + epoch * 7919 + 17) >>> 0));
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

/** Everything one training run holds: what it trains with, and where it is (the part a checkpoint saves). */
interface Run {
  opts: TrainOptions;
  cfg: LoopConfig;
  model: GPT;
  /** The trainable parameters, by name. */
  params: Map<string, tf.Variable>;
  opt: AdamW;
  sched: ScheduleConfig;
  log: MetricsLog;
  cb: TrainerCallbacks;
  /** Training row number k of the whole run (epoch after epoch, each in its own seeded order). */
  rowAt: (k: number) => Row;
  // Progress, saved in every checkpoint:
  /** Optimizer steps done. */
  step: number;
  rowsSeen: number;
  /** Best eval loss so far and evaluations since it improved (early stopping). */
  best: number | null;
  badEvals: number;
  // Bookkeeping:
  resumedFrom: number | null;
  /** Step of the last checkpoint written in this process (-1: none). */
  savedAt: number;
}

/** Runs (or resumes) training: set up, then steps, each maybe followed by an evaluation and a checkpoint. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const run = setUp(opts);
  const { cfg, cb } = run;
  const t0 = performance.now();
  // A resumed run that is already complete still reports its last loss.
  const lastLogged = run.log.read().filter((l): l is StepMetrics => l.type === "train").pop();
  let finalLoss = lastLogged?.loss ?? NaN, stoppedEarly = false, interrupted: NodeJS.Signals | null = null;
  // A resumed run reports the evaluation before training from its log, as the uninterrupted run does.
  const firstEval = run.step === 0 ? await evaluateNow(run) : run.log.read().find((l): l is EvalMetrics => l.type === "eval" && l.step === 0) ?? null;
  let lastEval: EvalMetrics | null = firstEval;
  const { pool, micro } = await startWorkers(run);
  const stop: StopRequest | null = opts.handleSignals === false ? null : watchStopSignals();
  try {
    while (run.step < cfg.maxSteps) {
      finalLoss = (await trainStep(run, pool, micro, t0)).loss;
      if ((cfg.evalEvery > 0 && run.step % cfg.evalEvery === 0) || run.step === cfg.maxSteps) {
        lastEval = await evaluateNow(run);
        stoppedEarly = lastEval !== null && noLongerImproving(run, lastEval);
      }
      if ((cfg.checkpointEvery > 0 && run.step % cfg.checkpointEvery === 0) || run.step === cfg.maxSteps || stoppedEarly) await saveCheckpoint(run);
      if (opts.stopAfterStep !== undefined && run.step >= opts.stopAfterStep) break;
      if (stoppedEarly) break;
      await yieldToEventLoop();
      if (stop?.signal && run.step < cfg.maxSteps) {
        if (run.savedAt !== run.step) await saveCheckpoint(run);
        interrupted = stop.signal;
        cb.onMessage?.(`${interrupted}: stopped after step ${run.step}; checkpoint written`);
        break;
      }
    }
  } finally {
    stop?.dispose();
    await pool?.close();
  }
  run.opt.dispose();
  return { steps: run.step, finalLoss, firstEval, lastEval, stoppedEarly, resumedFrom: run.resumedFrom, seconds: (performance.now() - t0) / 1000, interrupted };
}

/** Set-up: checks the config, creates the optimizer and metrics log, and resumes from the newest checkpoint if asked. */
function setUp(opts: TrainOptions): Run {
  const cfg = opts.config;
  const errors = validateLoop(cfg);
  if (errors.length) throw new UserError(`training config: ${errors.join("; ")}`, 1);
  if (opts.train.size === 0) throw new UserError("training data has no rows (after filtering and truncation)", 1);
  const { model, runDir } = opts;
  const params = new Map([...(opts.params ?? model.params)].filter(([, v]) => v.trainable));
  mkdirSync(runDir, { recursive: true });
  const run: Run = {
    opts, cfg, model, params,
    log: new MetricsLog(join(runDir, "metrics.jsonl")),
    cb: opts.callbacks ?? {},
    opt: new AdamW(params, { beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weightDecay }),
    sched: { schedule: cfg.schedule, learningRate: cfg.learningRate, warmupSteps: cfg.warmupSteps, totalSteps: cfg.maxSteps, minLrRatio: cfg.minLrRatio },
    rowAt: dataOrder(opts.train, cfg.seed),
    step: 0, rowsSeen: 0, best: null, badEvals: 0, resumedFrom: null, savedAt: -1,
  };
  const ckpts = opts.resume ? listCheckpoints(runDir) : [];
  if (opts.resume && ckpts.length > 0) resumeFrom(run, ckpts[ckpts.length - 1]);
  else if (existsSync(run.log.path)) {
    // A fresh run starts a fresh log; so does a resume with no checkpoint yet (its lines are from a killed start).
    run.log.truncateAfter(-1);
  }
  return run;
}

/** Restores weights, optimizer moments and progress from checkpoint `step-<last>`, and drops later log lines. */
function resumeFrom(run: Run, last: number): void {
  const { opts, params } = run, runDir = opts.runDir;
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
  run.opt.loadState({ step: c.state.optimizerStep, m: c.m, v: c.v });
  ({ step: run.step, rowsSeen: run.rowsSeen, best: run.best, badEvals: run.badEvals } = c.state);
  run.resumedFrom = last;
  run.log.truncateAfter(run.step);
  run.cb.onMessage?.(`resumed from checkpoint step ${last}`);
}

/** Row k of the run: epoch floor(k / n) visits every row once, in a seeded order of its own. */
function dataOrder(source: RowSource, seed: number): (k: number) => Row {
  const orders = new Map<number, number[]>();
  return (k) => {
    const n = source.size, epoch = Math.floor(k / n);
    let order = orders.get(epoch);
    if (!order) {
      orders.clear();
      order = epochOrder(n, seed, epoch);
      orders.set(epoch, order);
    }
    return source.row(order[k % n]);
  };
}

/**
 * Worker threads for data parallelism, when the whole model trains (LoRA and partial freezing run
 * in-process) on a CPU backend, and the micro-batch size each pass gets.
 */
async function startWorkers(run: Run): Promise<{ pool: ReplicaPool | null; micro: number }> {
  const { cfg, model, opts } = run;
  // "auto" starts worker threads (a few seconds each) only when the run is long enough to repay them:
  // about 10 s of single-core compute at ~20 GFLOP/s.
  const rowTokens = opts.train.row(0).inputIds.length;
  const estimatedFlops = 6 * model.parameterCount() * cfg.batchSize * rowTokens * (cfg.maxSteps - run.step);
  const workers = cfg.workers === 0 ? (estimatedFlops > 2e11 ? autoWorkers() : 1) : cfg.workers;
  // Worker threads are for CPU backends; on a GPU (webgpu, tfjs-node-gpu) one process owns the device.
  const cpuBackend = tf.getBackend() === "wasm" || tf.getBackend() === "cpu";
  const parallel = workers > 1 && cpuBackend && opts.params === undefined && [...model.params.values()].every((v) => v.trainable);
  const micro = parallel ? Math.min(cfg.microBatchSize, Math.ceil(cfg.batchSize / workers)) : Math.min(cfg.microBatchSize, cfg.batchSize);
  const pool = parallel ? await ReplicaPool.create(model, workers, Math.ceil(cfg.batchSize / micro), cfg.padId) : null;
  if (pool) run.cb.onMessage?.(`training on ${pool.size} worker threads (micro-batches of ${micro} rows)`);
  return { pool, micro };
}

/**
 * Summed loss, trained-token count and summed gradients of one batch, accumulated over its micro-batches
 * (in this thread, or on the worker pool).
 */
async function batchGradients(run: Run, rows: Row[], micro: number, pool: ReplicaPool | null):
  Promise<{ lossSum: number; tokens: number; grads: Map<string, tf.Tensor>; sumSquares?: Float64Array }> {
  const { cfg, model, params } = run;
  const dropoutSeed = cfg.seed * 100003 + run.step;
  if (pool) return pool.gradients(microBatches(rows, micro), dropoutSeed);
  let lossSum = 0, tokens = 0;
  const grads = new Map<string, tf.Tensor>();
  for (const part of microBatches(rows, micro)) {
    const batch = rowsToBatch(part, cfg.padId);
    const g = await lossAndGradientsAsync(model, batch, params, { training: true, dropoutSeed });
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
  return { lossSum, tokens, grads };
}

/**
 * One optimizer step: the next batchSize rows, their gradients, the global norm, then (unless the loss or a
 * gradient is not finite) the AdamW update with the gradient divided by the trained-token count and
 * clipped to gradClip. Logs and reports the step's metrics.
 */
async function trainStep(run: Run, pool: ReplicaPool | null, micro: number, t0: number): Promise<StepMetrics> {
  const { cfg, cb } = run;
  const tStep = performance.now();
  const rows: Row[] = [];
  for (let i = 0; i < cfg.batchSize; i++) rows.push(run.rowAt(run.rowsSeen + i));
  const { lossSum, tokens, grads, sumSquares } = await batchGradients(run, rows, micro, pool);
  const inputTokens = rows.reduce((n, r) => n + r.inputIds.length, 0);
  run.rowsSeen += cfg.batchSize;
  run.step += 1;
  const step = run.step;
  const scale = tokens > 0 ? 1 / tokens : 0; // the loss is a mean over trained tokens
  // The replica pool computes each gradient's sum of squares while summing them (the same bits).
  const norm = sumSquares ? normFromSumSquares(sumSquares, scale) : await globalNormAsync(grads.values(), scale);
  const loss = tokens > 0 ? lossSum / tokens : NaN;
  const lr = lrAt(step, run.sched);
  let skipped = false;
  if (!Number.isFinite(norm) || !Number.isFinite(lossSum)) {
    if (cfg.nanGuard === "stop") {
      tf.dispose([...grads.values()]);
      throw new UserError(`step ${step}: loss or gradient is ${Number.isFinite(lossSum) ? "" : "NaN/Inf loss"}${Number.isFinite(norm) ? "" : " NaN/Inf gradient"}; stopped (nanGuard: stop). Lower the learning rate or check the data; resume from the last checkpoint with --resume`, 1);
    }
    skipped = true;
    cb.onMessage?.(`step ${step}: non-finite loss or gradient, update skipped`);
  } else if (tokens > 0) {
    const clip = clipFactor(norm, cfg.gradClip);
    run.opt.apply(grads, lr, scale * clip); // the optimizer step: AdamW updates every parameter
    pool?.publish(run.model);
  }
  tf.dispose([...grads.values()]);
  const seconds = (performance.now() - tStep) / 1000;
  const m: StepMetrics = {
    type: "train", step, max_steps: cfg.maxSteps, epoch: run.rowsSeen / run.opts.train.size, loss, lr, grad_norm: norm, tokens,
    input_tokens: inputTokens, tokens_per_s: inputTokens / seconds, elapsed_s: (performance.now() - t0) / 1000,
    num_tensors: tf.memory().numTensors, rss_mb: process.memoryUsage().rss / 2 ** 20,
    ...(skipped ? { skipped: true } : {}),
  };
  run.log.append(m);
  await cb.onStep?.(m);
  return m;
}

/** Evaluation on the eval rows (null without any): logged and reported. */
async function evaluateNow(run: Run): Promise<EvalMetrics | null> {
  const { opts, cfg } = run;
  if (!opts.eval || opts.eval.size === 0) return null;
  const m: EvalMetrics = { type: "eval", step: run.step, ...(await evaluateAsync(run.model, opts.eval, cfg.microBatchSize, cfg.evalRows, cfg.padId)) };
  run.log.append(m);
  await run.cb.onEval?.(m);
  return m;
}

/** Early stopping: records the evaluation; true once `earlyStoppingPatience` evaluations in a row did not improve. */
function noLongerImproving(run: Run, m: EvalMetrics): boolean {
  const { cfg } = run;
  if (cfg.earlyStoppingPatience <= 0) return false;
  if (run.best === null || m.eval_loss < run.best - cfg.earlyStoppingMinDelta) {
    run.best = m.eval_loss;
    run.badEvals = 0;
  } else if (++run.badEvals >= cfg.earlyStoppingPatience) {
    run.cb.onMessage?.(`early stopping at step ${run.step}: no eval-loss improvement in ${run.badEvals} evaluations`);
    return true;
  }
  return false;
}

/** Checkpoint: weights, optimizer moments and progress under runDir/checkpoints/step-N; older ones pruned. */
async function saveCheckpoint(run: Run): Promise<void> {
  const { cfg, opt, opts } = run;
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of run.params) weights.set(name, { shape: v.shape, data: (await v.data()) as Float32Array });
  assertFiniteWeights(weights, run.step, cfg.learningRate);
  const s = await opt.state();
  const path = writeCheckpoint(opts.runDir, {
    state: { step: run.step, rowsSeen: run.rowsSeen, best: run.best, badEvals: run.badEvals, configHash: opts.configHash, optimizerStep: opt.step },
    weights, m: s.m, v: s.v,
  });
  pruneCheckpoints(opts.runDir, cfg.keepCheckpoints);
  run.savedAt = run.step;
  run.cb.onCheckpoint?.(path, run.step);
}
