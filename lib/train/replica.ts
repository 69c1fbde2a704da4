/**
 * A training replica running in a worker thread: it holds a copy of the model on its own TF.js engine,
 * takes parameters from shared memory, and writes the gradients of the micro-batches it is given into
 * shared memory. The main thread (parallel.ts) sums them and steps the optimizer.
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

export interface ReplicaInit {
  config: GPTConfig;
  backend: BackendName;
  /** Trainable parameter names and their offsets (floats) in the shared buffers. */
  layout: { name: string; offset: number; size: number; shape: number[] }[];
  params: SharedArrayBuffer;
  /** One gradient buffer per micro-batch slot. */
  gradSlots: SharedArrayBuffer[];
  padId: number;
}

export interface ReplicaStep {
  type: "step";
  /** Reload parameters from shared memory first. */
  syncParams: boolean;
  micro: { slot: number; rows: Row[] }[];
  dropoutSeed: number;
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
  /** From the message's arrival to the reply: sync, every micro-batch, copies. */
  busyMs: number;
}

async function main(): Promise<void> {
  const init = workerData as ReplicaInit;
  await initEngine(init.backend);
  const paramsView = new Float32Array(init.params);
  const weights = new Map<string, Float32Array>();
  for (const l of init.layout) weights.set(l.name, paramsView.slice(l.offset, l.offset + l.size));
  const model = new GPT(init.config, weights);
  const slots = init.gradSlots.map((b) => new Float32Array(b));
  parentPort!.on("message", (msg: ReplicaStep | { type: "close" }) => {
    if (msg.type === "close") {
      model.dispose();
      parentPort!.close();
      return;
    }
    try {
      const t0 = performance.now();
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
      const done: ReplicaDone = { type: "done", results, syncMs, busyMs: performance.now() - t0 };
      parentPort!.postMessage(done);
    } catch (e) {
      parentPort!.postMessage({ type: "error", message: (e as Error).message });
    }
  });
  parentPort!.postMessage({ type: "ready" });
}

void main();
