/**
 * nanoinstruct's side of the benchmark: each function measures one thing in the current process.
 * bench/child.ts runs them one per fresh process (so peak memory belongs to that measurement alone).
 */
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GPT } from "../lib/model/gpt";
import { generate, generateAsync } from "../lib/model/generate";
import type { GPTConfig } from "../lib/model/config";
import { AdamW } from "../lib/train/optimizer";
import { lossAndGradients, lossAndGradientsAsync } from "../lib/train/step";
import { train as runTrainer, arraySource, DEFAULT_LOOP } from "../lib/train/trainer";
import { median } from "./configs";

/** Training FLOPs per token: 6 per parameter plus attention's 12 L C T (nanoGPT's estimate). */
export function trainFlopsPerToken(c: GPTConfig, params: number): number {
  return 6 * params + 12 * c.nLayer * c.nEmbd * c.blockSize;
}

/**
 * CPU milliseconds this process used since `from` (all its threads). On a shared machine, throughput per
 * CPU-second moves less with other jobs' load than throughput per wall-clock second does.
 */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** Peak resident set size of this process so far (worker threads included), in MiB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Size of the wasm backend's heap (it only grows, so this is its peak), in MiB; null on other backends. */
export function wasmHeapMb(): number | null {
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.byteLength;
  return heap === undefined ? null : heap / 2 ** 20;
}

/** GFLOP/s of a plain n x n x n matMul on the active backend (the fastest of `runs`): this process's peak. */
export function peakMatmulGflops(n = 1024, runs = 7): number {
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (Math.min(...times) / 1000) / 1e9;
}

/** Synthetic token rows (deterministic). */
export function rows(vocab: number, n: number, T: number) {
  return Array.from({ length: n }, (_, r) => {
    const ids = Int32Array.from({ length: T + 1 }, (_, i) => ((r * 7919 + i) * 2654435761) % vocab);
    return { inputIds: ids.subarray(0, T), labels: ids.subarray(1) };
  });
}

/** A model, AdamW and one fixed batch (B rows of the block size): `step()` runs forward, backward and AdamW. */
export function stepFixture(cfg: GPTConfig, B: number) {
  const T = cfg.blockSize;
  const model = GPT.create(cfg, 0);
  const opt = new AdamW(model.params, { weightDecay: 0.1 });
  const data = rows(cfg.vocabSize, B, T);
  const inputs = tf.tensor2d(data.flatMap((r) => [...r.inputIds]), [B, T], "int32");
  const labels = tf.tensor2d(data.flatMap((r) => [...r.labels]), [B, T], "int32");
  const batch = { inputs, labels, trainedTokens: B * T };
  return {
    model,
    step(): void {
      const { grads } = lossAndGradients(model, batch);
      opt.apply(grads, 1e-3, 1 / (B * T));
      tf.dispose([...grads.values()]);
    },
    dispose(): void {
      tf.dispose([inputs, labels]);
      opt.dispose();
      model.dispose();
    },
  };
}

/** One training step (forward, backward, AdamW) on this thread, timed over `steps` after 2 warm-up steps. */
export function trainStep(cfg: GPTConfig, B: number, steps: number) {
  const T = cfg.blockSize;
  const fixture = stepFixture(cfg, B);
  const times: number[] = [], cpu: number[] = [];
  for (let s = 0; s < steps + 2; s++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    fixture.step();
    if (s >= 2) {
      times.push(performance.now() - t0);
      cpu.push(cpuMs(c0));
    }
  }
  const params = fixture.model.parameterCount();
  const memory = { peak_rss_mb: peakRssMb(), wasm_heap_mb: wasmHeapMb() };
  fixture.dispose();
  const ms = median(times);
  return { params, step_ms_median: ms, step_ms: times, tokens_per_s: (B * T) / (ms / 1000), tokens_per_cpu_s: (B * T) / (median(cpu) / 1000),
    flops_per_token: trainFlopsPerToken(cfg, params), ...memory };
}

/** The trainer as users run it: data-parallel over `workers` worker threads, AdamW, clipping; `micro` rows per
 * micro-batch (default: the whole batch, which the trainer splits into one micro-batch per worker). */
export async function trainer(cfg: GPTConfig, B: number, steps: number, workers: number, micro = B) {
  const model = GPT.create(cfg, 0);
  const dir = mkdtempSync(join(tmpdir(), "nano-bench-"));
  const tps: number[] = [];
  try {
    await runTrainer({
      model, train: arraySource(rows(cfg.vocabSize, B * 4, cfg.blockSize)), runDir: dir, configHash: "bench",
      config: { ...DEFAULT_LOOP, maxSteps: steps + 2, batchSize: B, microBatchSize: micro, workers, checkpointEvery: 1_000_000, evalEvery: 0, learningRate: 1e-3 },
      callbacks: { onStep: (m) => { if (m.step > 2) tps.push(m.tokens_per_s); } },
    });
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return { workers, micro_batch_size: micro, tokens_per_s: median(tps), tokens_per_s_steps: tps, peak_rss_mb: peakRssMb() };
}

/**
 * Greedy generation of `tokens` new tokens after an 8-token prompt per sequence, as bench/torch_reference.py
 * does it (position table long enough for prompt + new tokens). tokens/s = batch x tokens / median run time.
 */
export function generation(cfg: GPTConfig, batch: number, tokens: number, useCache: boolean, runs: number) {
  const model = GPT.create({ ...cfg, blockSize: Math.max(cfg.blockSize, 8 + tokens) }, 0);
  const prompts = Array.from({ length: batch }, (_, b) => Array.from({ length: 8 }, (_, i) => (b * 31 + i * 7) % cfg.vocabSize));
  generate(model, prompts, { maxNewTokens: useCache ? tokens : 8, useCache }); // warm-up (JIT, heap growth)
  const times: number[] = [], cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    generate(model, prompts, { maxNewTokens: tokens, useCache });
    times.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
  }
  model.dispose();
  const ms = median(times);
  return { batch, kv_cache: useCache, new_tokens: tokens, runs, run_ms_median: ms, tokens_per_s: (batch * tokens) / (ms / 1000),
    tokens_per_cpu_s: (batch * tokens) / (median(cpu) / 1000) };
}

/**
 * For backends without synchronous reads (webgpu): training steps (forward, backward, AdamW; the loss read
 * back each step, as the trainer does) and cached greedy generation, both read asynchronously. Fewer steps
 * and tokens than the CPU measurements: on a software adapter (llvmpipe) each step takes seconds.
 */
export async function asyncBackend(cfg: GPTConfig, B: number, steps: number, tokens: number) {
  const T = cfg.blockSize;
  const model = GPT.create(cfg, 0);
  const opt = new AdamW(model.params, { weightDecay: 0.1 });
  const data = rows(cfg.vocabSize, B, T);
  const inputs = tf.tensor2d(data.flatMap((r) => [...r.inputIds]), [B, T], "int32");
  const labels = tf.tensor2d(data.flatMap((r) => [...r.labels]), [B, T], "int32");
  const batch = { inputs, labels, trainedTokens: B * T };
  const times: number[] = [];
  for (let s = 0; s < steps + 1; s++) {
    const t0 = performance.now();
    const { grads } = await lossAndGradientsAsync(model, batch);
    opt.apply(grads, 1e-3, 1 / (B * T));
    tf.dispose([...grads.values()]);
    await model.params.values().next().value!.data(); // wait for the update
    if (s >= 1) times.push(performance.now() - t0);
  }
  tf.dispose([inputs, labels]);
  opt.dispose();
  const params = model.parameterCount();
  model.dispose();
  const gen = GPT.create({ ...cfg, blockSize: Math.max(cfg.blockSize, 8 + tokens) }, 0);
  const prompt = [Array.from({ length: 8 }, (_, i) => (i * 7) % cfg.vocabSize)];
  await generateAsync(gen, prompt, { maxNewTokens: 4, useCache: true }); // warm-up (shader compilation)
  const g0 = performance.now();
  await generateAsync(gen, prompt, { maxNewTokens: tokens, useCache: true });
  const genMs = performance.now() - g0;
  gen.dispose();
  const ms = median(times);
  return { params, steps, step_ms_median: ms, step_ms: times, tokens_per_s: (B * T) / (ms / 1000), flops_per_token: trainFlopsPerToken(cfg, params),
    generate_tokens: tokens, generate_b1_tokens_per_s: tokens / (genMs / 1000), peak_rss_mb: peakRssMb() };
}
