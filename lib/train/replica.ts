/**
 * A training replica running in a worker thread: it holds a copy of the model on its own TF.js engine,
 * takes parameters from shared memory, and writes the gradients of the micro-batches it is given into
 * shared memory. Once every replica has written its micro-batches, each sums a range of parameters over
 * the slots (in slot order) into shared memory, with each parameter's sum of squares for the gradient norm;
 * the main thread (parallel.ts) steps the optimizer.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initEngine, type BackendName } from "../engine/backend";
import { readValues, writeInPlace } from "../engine/in-place";
import { GPT } from "../model/gpt";
import type { GPTConfig } from "../model/config";
import { lossAndGradients } from "./step";
import type { Row } from "../data/collate";
import { rowsToBatch } from "./batch";
import { disposeBatch } from "./step";
import { sumSlots } from "./grad-sum";

export interface ReplicaInit {
  config: GPTConfig;
  backend: BackendName;
  /** Trainable parameter names and their offsets (floats) in the shared buffers. */
  layout: { name: string; offset: number; size: number; shape: number[] }[];
  params: SharedArrayBuffer;
  /** One gradient buffer per micro-batch slot. */
  gradSlots: SharedArrayBuffer[];
  /** The slots summed (as many floats as params). */
  gradSum: SharedArrayBuffer;
  /** Each parameter's sum of squares of gradSum, in double (layout order). */
  sumSquares: SharedArrayBuffer;
  /** Int32 x 2: replicas done writing their slots this step; 1 when the step was abandoned. */
  sync: SharedArrayBuffer;
  padId: number;
}

export interface ReplicaStep {
  type: "step";
  /** Reload parameters from shared memory first. */
  syncParams: boolean;
  micro: { slot: number; rows: Row[] }[];
  dropoutSeed: number;
  /** Replicas working this step (the barrier before summing waits for them all). */
  working: number;
  /** Layout indices [from, to) of the parameters this replica sums, over slots [0, slots). */
  sumParams: [number, number];
  slots: number;
}

/** One micro-batch's result, with where the replica's time went (milliseconds, this thread's clock). */
export interface ReplicaResult {
  slot: number;
  lossSum: number;
  tokens: number;
  /** Forward and backward (lossAndGradients, the batch's tensors included). */
  computeMs: number;
  /** Gradients copied into the shared slot, tensors disposed. */
  copyMs: number;
}

export interface ReplicaDone {
  type: "done";
  results: ReplicaResult[];
  /** Parameters loaded from shared memory (0 when they had not changed). */
  syncMs: number;
  /** From the message's arrival to the reply: sync, every micro-batch, copies, the barrier and the sum. */
  busyMs: number;
  /** Waiting at the barrier for the other replicas. */
  barrierMs: number;
  /** Summing its parameter range over the slots, with the sums of squares. */
  sumMs: number;
}

/** Waits until `count` replicas have arrived at sync[0], or the step is abandoned (sync[1]); false then. */
function barrier(sync: Int32Array, count: number): boolean {
  for (;;) {
    if (Atomics.load(sync, 1) !== 0) return false;
    const arrived = Atomics.load(sync, 0);
    if (arrived >= count) return true;
    Atomics.wait(sync, 0, arrived, 1000); // woken by each arrival; the timeout rechecks the abandon flag
  }
}

async function main(): Promise<void> {
  const init = workerData as ReplicaInit;
  await initEngine(init.backend);
  const paramsView = new Float32Array(init.params);
  const weights = new Map<string, Float32Array>();
  for (const l of init.layout) weights.set(l.name, paramsView.slice(l.offset, l.offset + l.size));
  const model = new GPT(init.config, weights);
  const slots = init.gradSlots.map((b) => new Float32Array(b));
  const gradSum = new Float32Array(init.gradSum), sumSquares = new Float64Array(init.sumSquares);
  const sync = new Int32Array(init.sync);
  parentPort!.on("message", (msg: ReplicaStep | { type: "close" }) => {
    if (msg.type === "close") {
      model.dispose();
      parentPort!.close();
      return;
    }
    const t0 = performance.now();
    let arrived = false;
    try {
      if (msg.syncParams) {
        for (const l of init.layout) {
          const v = model.params.get(l.name)!;
          const src = paramsView.subarray(l.offset, l.offset + l.size);
          if (!writeInPlace(v, src)) {
            const t = tf.tensor(src.slice(), l.shape);
            v.assign(t);
            t.dispose();
          }
        }
      }
      const syncMs = performance.now() - t0;
      const results: ReplicaResult[] = [];
      for (const { slot, rows } of msg.micro) {
        const tc = performance.now();
        const batch = rowsToBatch(rows, init.padId);
        const { lossSum, grads } = lossAndGradients(model, batch, undefined, { training: true, dropoutSeed: msg.dropoutSeed });
        const tw = performance.now();
        const out = slots[slot];
        for (const l of init.layout) {
          const g = grads.get(l.name);
          if (g) out.set(readValues(g), l.offset);
          else out.fill(0, l.offset, l.offset + l.size);
        }
        tf.dispose([...grads.values()]);
        disposeBatch(batch);
        results.push({ slot, lossSum, tokens: batch.trainedTokens, computeMs: tw - tc, copyMs: performance.now() - tw });
      }
      // Every slot must be written before any replica sums: wait for the others here.
      const tb = performance.now();
      arrived = true;
      Atomics.add(sync, 0, 1);
      Atomics.notify(sync, 0);
      if (!barrier(sync, msg.working)) {
        parentPort!.postMessage({ type: "error", message: "another replica failed", secondary: true });
        return;
      }
      const ts = performance.now();
      sumSlots(init.layout, msg.sumParams[0], msg.sumParams[1], slots, msg.slots, gradSum, sumSquares);
      const te = performance.now();
      const done: ReplicaDone = { type: "done", results, syncMs, busyMs: te - t0, barrierMs: ts - tb, sumMs: te - ts };
      parentPort!.postMessage(done);
    } catch (e) {
      // Release the replicas waiting at the barrier: this step is abandoned.
      Atomics.store(sync, 1, 1);
      if (!arrived) Atomics.add(sync, 0, 1);
      Atomics.notify(sync, 0);
      parentPort!.postMessage({ type: "error", message: (e as Error).message, secondary: false });
    }
  });
  parentPort!.postMessage({ type: "ready" });
}

void main();
