/**
 * Data parallelism across CPU cores. TF.js's wasm backend is single-threaded under Node, so each core
 * gets a replica in a worker thread (replica.ts) with its own engine. Every step, the main thread hands
 * out micro-batches, the replicas write their gradients into shared memory, and the main thread sums
 * them in micro-batch order - the same order an in-process run uses, so results do not depend on the
 * number of workers - and steps the optimizer on its own copy of the model, whose parameters it then
 * publishes to the replicas through shared memory.
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

interface Pending { resolve: (r: ReplicaDone) => void; reject: (e: Error) => void }

/** Where the last gradients() call's time went, in milliseconds (for bench/train-scaling.ts and profiles). */
export interface PoolTimings {
  /** gradients() from its call to its return: the replicas' work, waiting for the slowest, summing. */
  wallMs: number;
  /** From handing out the micro-batches to the last replica's reply. */
  waitMs: number;
  /** Summing the micro-batches' gradients in order and making tensors of them (this thread). */
  sumMs: number;
  /** Per worker (index order): its own account of the step. */
  workers: { syncMs: number; busyMs: number; micro: { slot: number; computeMs: number; copyMs: number }[] }[];
}

export class ReplicaPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<Worker, Pending>();
  private readonly layout: ReplicaInit["layout"];
  private readonly paramsView: Float32Array;
  private readonly slots: Float32Array[];
  private dirty = true;
  /** Timings of the last gradients() call (null before the first). */
  lastTimings: PoolTimings | null = null;

  private constructor(workers: Worker[], layout: ReplicaInit["layout"], params: Float32Array, slots: Float32Array[]) {
    this.workers = workers;
    this.layout = layout;
    this.paramsView = params;
    this.slots = slots;
    for (const w of workers) {
      w.on("message", (m: ReplicaDone | { type: "error"; message: string }) => {
        const p = this.pending.get(w);
        if (!p) return;
        this.pending.delete(w);
        if (m.type === "done") p.resolve(m);
        else p.reject(new Error(`training replica failed: ${m.message}`));
      });
      w.on("error", (e) => {
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
    const init: ReplicaInit = { config: model.config, backend: engineInfo()?.backend ?? "wasm", layout, params, gradSlots, padId };
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
    const pool = new ReplicaPool(workers, layout, view, gradSlots.map((b) => new Float32Array(b)));
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
   * as tensors by parameter name (the caller disposes them).
   */
  async gradients(micro: Row[][], dropoutSeed: number): Promise<{ lossSum: number; tokens: number; grads: Map<string, tf.Tensor> }> {
    if (micro.length > this.slots.length) throw new Error(`ReplicaPool: ${micro.length} micro-batches, room for ${this.slots.length}`);
    const t0 = performance.now();
    const jobs = this.workers.map((w, wi) => {
      const mine = micro.map((rows, slot) => ({ slot, rows })).filter((_, i) => i % this.workers.length === wi);
      if (mine.length === 0) return Promise.resolve({ type: "done", results: [], syncMs: 0, busyMs: 0 } as ReplicaDone);
      return new Promise<ReplicaDone>((resolve, reject) => {
        this.pending.set(w, { resolve, reject });
        const msg: ReplicaStep = { type: "step", syncParams: this.dirty, micro: mine, dropoutSeed };
        w.postMessage(msg);
      });
    });
    const done = await Promise.all(jobs);
    const t1 = performance.now();
    const results: ReplicaResult[] = done.flatMap((d) => d.results).sort((a, b) => a.slot - b.slot);
    this.dirty = false;
    let lossSum = 0, tokens = 0;
    for (const r of results) {
      lossSum += r.lossSum;
      tokens += r.tokens;
    }
    // On wasm each sum is written straight into its tensor's memory (no copy into the heap afterwards).
    // A Float32Array store rounds to float32: sum[i] += x is Math.fround(sum[i] + x), the in-process order.
    const inPlace = canUpdateInPlace();
    const grads = new Map<string, tf.Tensor>();
    for (const l of this.layout) {
      const first = this.slots[0].subarray(l.offset, l.offset + l.size);
      const t = inPlace ? uninitializedTensor(l.shape) : null;
      const sum = t ? readValues(t) : first.slice();
      if (t) sum.set(first);
      for (let s = 1; s < micro.length; s++) {
        const src = this.slots[s].subarray(l.offset, l.offset + l.size);
        for (let i = 0; i < l.size; i++) sum[i] += src[i];
      }
      grads.set(l.name, t ?? tf.tensor(sum, l.shape));
    }
    const t2 = performance.now();
    this.lastTimings = {
      wallMs: t2 - t0, waitMs: t1 - t0, sumMs: t2 - t1,
      workers: done.map((d) => ({ syncMs: d.syncMs, busyMs: d.busyMs,
        micro: d.results.map((r) => ({ slot: r.slot, computeMs: r.computeMs, copyMs: r.copyMs })) })),
    };
    return { lossSum, tokens, grads };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => {
      w.postMessage({ type: "close" });
      return w.terminate();
    }));
  }
}
