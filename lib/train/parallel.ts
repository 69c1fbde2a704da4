/**
 * Data parallelism across CPU cores. TF.js's wasm backend is single-threaded under Node, so each core
 * gets a replica in a worker thread (replica.ts) with its own engine. Every step, the main thread hands
 * out micro-batches, the replicas write their gradients into shared memory and then, once all are
 * written, each sums a range of parameters over the micro-batches in micro-batch order - the same order
 * an in-process run uses, so results do not depend on the number of workers - with its sums of squares
 * for the gradient norm. The main thread steps the optimizer on its own copy of the model, whose
 * parameters it then publishes to the replicas through shared memory.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { LIB_DIR } from "../paths";
import { engineInfo } from "../engine/backend";
import { canUpdateInPlace, readValues } from "../engine/in-place";
import { uninitializedTensor } from "../engine/wasm-kernels";
import type { GPT } from "../model/gpt";
import type { Row } from "../data/collate";
import type { ReplicaDone, ReplicaInit, ReplicaResult, ReplicaStep } from "./replica";

/** Worker count for "auto": one per core, at most 4 (beyond that batches get too small to pay off). */
export function autoWorkers(): number {
  const env = process.env.NANOINSTRUCT_WORKERS;
  if (env !== undefined && env !== "") return Math.max(1, Number(env) || 1);
  return Math.min(4, availableParallelism());
}

interface Pending { resolve: (r: ReplicaDone) => void; reject: (e: Error & { secondary?: boolean }) => void }

/** Where the last gradients() call's time went, in milliseconds (for bench/train-scaling.ts and profiles). */
export interface PoolTimings {
  /** gradients() from its call to its return: the replicas' work, waiting for the slowest, summing. */
  wallMs: number;
  /** From handing out the micro-batches to the last replica's reply. */
  waitMs: number;
  /** Copying the summed gradients into tensors (this thread). */
  sumMs: number;
  /** Per worker (index order): its own account of the step (barrierMs: waiting for the others' slots;
   * sumMs: summing its parameter range). */
  workers: { syncMs: number; busyMs: number; barrierMs: number; sumMs: number; micro: { slot: number; computeMs: number; copyMs: number }[] }[];
}

/** The gradients of one batch, summed over its micro-batches, as gradients() returns them. */
export interface PoolGradients {
  lossSum: number;
  tokens: number;
  /** By parameter name (the caller disposes them). */
  grads: Map<string, tf.Tensor>;
  /** Each gradient's sum of squares, in the order of `grads` (what globalNorm would compute). */
  sumSquares: Float64Array;
}

/**
 * Splits layout indices [0, n) into `parts` consecutive ranges of about equal size in floats (whole
 * parameters each): the ranges the replicas sum.
 */
export function sumRanges(sizes: number[], parts: number): [number, number][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const out: [number, number][] = [];
  let from = 0, acc = 0;
  for (let w = 0; w < parts; w++) {
    let to = from;
    const goal = (total * (w + 1)) / parts;
    while (to < sizes.length && (w === parts - 1 || acc + sizes[to] / 2 <= goal)) acc += sizes[to++];
    out.push([from, to]);
    from = to;
  }
  return out;
}

export class ReplicaPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<Worker, Pending>();
  private readonly layout: ReplicaInit["layout"];
  private readonly paramsView: Float32Array;
  private readonly slots: Float32Array[];
  private readonly gradSum: Float32Array;
  private readonly sumSquares: Float64Array;
  private readonly sync: Int32Array;
  /** The parameter ranges each replica sums, by the number of replicas working (fixed for a pool). */
  private readonly ranges = new Map<number, [number, number][]>();
  private dirty = true;
  /** Timings of the last gradients() call (null before the first). */
  lastTimings: PoolTimings | null = null;

  private constructor(workers: Worker[], init: ReplicaInit) {
    this.workers = workers;
    this.layout = init.layout;
    this.paramsView = new Float32Array(init.params);
    this.slots = init.gradSlots.map((b) => new Float32Array(b));
    this.gradSum = new Float32Array(init.gradSum);
    this.sumSquares = new Float64Array(init.sumSquares);
    this.sync = new Int32Array(init.sync);
    for (const w of workers) {
      w.on("message", (m: ReplicaDone | { type: "error"; message: string; secondary: boolean }) => {
        const p = this.pending.get(w);
        if (!p) return;
        this.pending.delete(w);
        if (m.type === "done") p.resolve(m);
        else p.reject(Object.assign(new Error(`training replica failed: ${m.message}`), { secondary: m.secondary }));
      });
      w.on("error", (e) => {
        // A replica that died: release the others from the step's barrier.
        Atomics.store(this.sync, 1, 1);
        Atomics.notify(this.sync, 0);
        const p = this.pending.get(w);
        this.pending.delete(w);
        p?.reject(e);
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts `n` replicas of `model` (its trainable parameters are what they differentiate). */
  static async create(model: GPT, n: number, maxMicroBatches: number, padId: number): Promise<ReplicaPool> {
    const layout: ReplicaInit["layout"] = [];
    let total = 0;
    for (const [name, v] of model.params) {
      layout.push({ name, offset: total, size: v.size, shape: v.shape });
      total += v.size;
    }
    const params = new SharedArrayBuffer(total * 4);
    const gradSlots = Array.from({ length: maxMicroBatches }, () => new SharedArrayBuffer(total * 4));
    const view = new Float32Array(params);
    for (const l of layout) view.set(readValues(model.params.get(l.name)!), l.offset);
    const init: ReplicaInit = {
      config: model.config, backend: engineInfo()?.backend ?? "wasm", layout, params, gradSlots, padId,
      gradSum: new SharedArrayBuffer(total * 4), sumSquares: new SharedArrayBuffer(layout.length * 8), sync: new SharedArrayBuffer(8),
    };
    const entry = join(LIB_DIR, "train", "replica-worker.mjs");
    const workers = await Promise.all(Array.from({ length: n }, () => new Promise<Worker>((resolve, reject) => {
      const w = new Worker(entry, { workerData: init });
      const onMsg = (m: { type: string }) => {
        if (m.type === "ready") {
          w.off("message", onMsg);
          resolve(w);
        }
      };
      w.on("message", onMsg);
      w.once("error", reject);
    })));
    const pool = new ReplicaPool(workers, init);
    pool.dirty = false;
    return pool;
  }

  /** Publishes the main model's current parameters; replicas load them before their next step. */
  publish(model: GPT): void {
    for (const l of this.layout) this.paramsView.set(readValues(model.params.get(l.name)!), l.offset);
    this.dirty = true;
  }

  /**
   * Gradients of the summed loss over `micro` (one entry per micro-batch), summed in micro-batch order,
   * as tensors by parameter name (the caller disposes them), with their sums of squares.
   */
  async gradients(micro: Row[][], dropoutSeed: number): Promise<PoolGradients> {
    if (micro.length > this.slots.length) throw new Error(`ReplicaPool: ${micro.length} micro-batches, room for ${this.slots.length}`);
    if (micro.length === 0) throw new Error("ReplicaPool: no micro-batches");
    const t0 = performance.now();
    const n = this.workers.length;
    const working = Math.min(n, micro.length); // micro-batch i goes to worker i % n
    const ranges = this.rangesFor(working);
    Atomics.store(this.sync, 0, 0);
    Atomics.store(this.sync, 1, 0);
    const jobs = this.workers.slice(0, working).map((w, wi) => new Promise<ReplicaDone>((resolve, reject) => {
      const mine = micro.map((rows, slot) => ({ slot, rows })).filter((_, i) => i % n === wi);
      this.pending.set(w, { resolve, reject });
      const msg: ReplicaStep = { type: "step", syncParams: this.dirty, micro: mine, dropoutSeed, working, sumParams: ranges[wi], slots: micro.length };
      w.postMessage(msg);
    }));
    const settled = await Promise.allSettled(jobs);
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as Error & { secondary?: boolean });
    if (failed.length) throw failed.find((e) => !e.secondary) ?? failed[0];
    const done = settled.map((r) => (r as PromiseFulfilledResult<ReplicaDone>).value);
    const t1 = performance.now();
    const results: ReplicaResult[] = done.flatMap((d) => d.results).sort((a, b) => a.slot - b.slot);
    this.dirty = false;
    let lossSum = 0, tokens = 0;
    for (const r of results) {
      lossSum += r.lossSum;
      tokens += r.tokens;
    }
    // On wasm each sum is copied straight into its tensor's memory.
    const inPlace = canUpdateInPlace();
    const grads = new Map<string, tf.Tensor>();
    for (const l of this.layout) {
      const sum = this.gradSum.subarray(l.offset, l.offset + l.size);
      const t = inPlace ? uninitializedTensor(l.shape) : null;
      if (t) readValues(t).set(sum);
      grads.set(l.name, t ?? tf.tensor(sum.slice(), l.shape));
    }
    const t2 = performance.now();
    this.lastTimings = {
      wallMs: t2 - t0, waitMs: t1 - t0, sumMs: t2 - t1,
      workers: done.map((d) => ({ syncMs: d.syncMs, busyMs: d.busyMs, barrierMs: d.barrierMs, sumMs: d.sumMs,
        micro: d.results.map((r) => ({ slot: r.slot, computeMs: r.computeMs, copyMs: r.copyMs })) })),
    };
    return { lossSum, tokens, grads, sumSquares: this.sumSquares.slice() };
  }

  /** The parameter ranges the `working` replicas sum, computed once per count. */
  private rangesFor(working: number): [number, number][] {
    let r = this.ranges.get(working);
    if (!r) {
      r = sumRanges(this.layout.map((l) => l.size), working);
      this.ranges.set(working, r);
    }
    return r;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => {
      w.postMessage({ type: "close" });
      return w.terminate();
    }));
  }
}
