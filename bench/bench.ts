/**
 * `npm run bench`: training and generation throughput of nanoinstruct on this machine, side by side with
 * the PyTorch reference (bench/torch_reference.py, Debian's python3-torch) run in the same invocation on
 * the same model config. Prints one JSON object.
 *
 *   npm run bench                      standard small config (4 layers, 4 heads, 128 dim, block 128, vocab 512, batch 16)
 *   npm run bench -- --config base     the bundled base model's config
 *   npm run bench -- --no-reference    skip PyTorch
 *   npm run bench -- --steps 20        timed training steps (median reported)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { GPT } from "../lib/model/gpt";
import { generate } from "../lib/model/generate";
import { AdamW } from "../lib/train/optimizer";
import { lossAndGradients } from "../lib/train/step";
import { train as runTrainer, arraySource, DEFAULT_LOOP } from "../lib/train/trainer";
import { autoWorkers } from "../lib/train/parallel";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GPTConfig } from "../lib/model/config";

const CONFIGS: Record<string, { model: GPTConfig; batch: number }> = {
  small: { model: { vocabSize: 512, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, layerNormEpsilon: 1e-5 }, batch: 16 },
  base: { model: { vocabSize: 2048, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 192, dropout: 0, layerNormEpsilon: 1e-5 }, batch: 8 },
};

const { values: opts } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    steps: { type: "string", default: "10" },
    "gen-tokens": { type: "string", default: "256" },
    "no-reference": { type: "boolean", default: false },
    backend: { type: "string" },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const preset = CONFIGS[opts.config!];
if (!preset) throw new Error(`--config must be one of ${Object.keys(CONFIGS).join(", ")}`);
const cfg = preset.model, B = preset.batch, T = cfg.blockSize;
const steps = Number(opts.steps);
const genTokens = Number(opts["gen-tokens"]);
const engine = await initEngine((opts.backend as "wasm" | "cpu" | undefined) ?? undefined);

/** Training FLOPs per token: 6 per parameter plus attention's 12 L C T (nanoGPT's estimate). */
function flopsPerToken(c: GPTConfig, params: number): number {
  return 6 * params + 12 * c.nLayer * c.nEmbd * c.blockSize;
}

function peakMatmulGflops(): number {
  const n = 1024;
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (median(times) / 1000) / 1e9;
}

function benchTrain() {
  const model = GPT.create(cfg, 0);
  const opt = new AdamW(model.params, { weightDecay: 0.1 });
  const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 2654435761) % cfg.vocabSize);
  const inputs = tf.tensor2d(ids, [B, T], "int32");
  const labels = tf.tensor2d(ids.map((x) => (x + 1) % cfg.vocabSize), [B, T], "int32");
  const batch = { inputs, labels, trainedTokens: B * T };
  const times: number[] = [];
  let rssPeak = 0;
  for (let s = 0; s < steps + 2; s++) {
    const t0 = performance.now();
    const { grads } = lossAndGradients(model, batch);
    opt.apply(grads, 1e-3, 1 / (B * T));
    tf.dispose([...grads.values()]);
    if (s >= 2) times.push(performance.now() - t0);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const params = model.parameterCount();
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.byteLength ?? null;
  tf.dispose([inputs, labels]);
  opt.dispose();
  model.dispose();
  const ms = median(times);
  return { params, step_ms_median: ms, tokens_per_s: (B * T) / (ms / 1000), flops_per_token: flopsPerToken(cfg, params),
    peak_rss_mb: rssPeak / 2 ** 20, wasm_heap_mb: heap === null ? null : heap / 2 ** 20 };
}

function benchGenerate(batch: number, useCache: boolean) {
  const genCfg = { ...cfg, blockSize: Math.max(cfg.blockSize, 8 + genTokens) };
  const model = GPT.create(genCfg, 0);
  const prompts = Array.from({ length: batch }, (_, b) => Array.from({ length: 8 }, (_, i) => (b * 31 + i * 7) % cfg.vocabSize));
  generate(model, prompts, { maxNewTokens: 4, useCache }); // warm-up
  const runs = useCache ? 3 : 1;
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    generate(model, prompts, { maxNewTokens: genTokens, useCache });
    times.push(performance.now() - t0);
  }
  model.dispose();
  return { batch, kv_cache: useCache, new_tokens: genTokens, tokens_per_s: (batch * genTokens) / (median(times) / 1000) };
}

const PYTHON = "/usr/bin/python3";
function reference(args: string[]): Record<string, unknown> | null {
  if (opts["no-reference"] || !existsSync(PYTHON)) return null;
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return null;
  const c = cfg;
  const r = spawnSync(PYTHON, ["bench/torch_reference.py", "--n-layer", `${c.nLayer}`, "--n-head", `${c.nHead}`, "--n-embd", `${c.nEmbd}`,
    "--block-size", `${c.blockSize}`, "--vocab-size", `${c.vocabSize}`, "--batch-size", `${B}`, ...args], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`reference failed: ${r.stderr.split("\n").slice(-3).join(" ")}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** The trainer as users run it: data-parallel over the cores (worker threads), AdamW, clipping, cosine. */
async function benchTrainer() {
  const workers = autoWorkers();
  const model = GPT.create(cfg, 0);
  const rows = Array.from({ length: B * 4 }, (_, r) => {
    const ids = Int32Array.from({ length: T + 1 }, (_, i) => ((r * 7919 + i) * 2654435761) % cfg.vocabSize);
    return { inputIds: ids.subarray(0, T), labels: ids.subarray(1) };
  });
  const dir = mkdtempSync(join(tmpdir(), "nano-bench-"));
  const tps: number[] = [];
  await runTrainer({
    model, train: arraySource(rows), runDir: dir, configHash: "bench",
    config: { ...DEFAULT_LOOP, maxSteps: steps + 2, batchSize: B, microBatchSize: B, workers, checkpointEvery: 1_000_000, evalEvery: 0, learningRate: 1e-3 },
    callbacks: { onStep: (m) => { if (m.step > 2) tps.push(m.tokens_per_s); } },
  });
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
  return { workers, tokens_per_s: median(tps) };
}

const peak = peakMatmulGflops();
const single = benchTrain();
const trainer = await benchTrainer();
const train = { ...single, tokens_per_s: trainer.tokens_per_s, workers: trainer.workers, single_thread_tokens_per_s: single.tokens_per_s };
const gen1 = benchGenerate(1, true);
const gen8 = benchGenerate(8, true);
const gen1NoCache = benchGenerate(1, false);

const refTrain = [1, 2].map((t) => reference(["--mode", "train", "--threads", `${t}`, "--steps", `${Math.max(steps, 10)}`]));
const refGen1 = [1, 2].map((t) => reference(["--mode", "generate", "--threads", `${t}`, "--gen-batch", "1", "--gen-tokens", `${genTokens}`, "--steps", "3"]));
const refGen8 = [1, 2].map((t) => reference(["--mode", "generate", "--threads", `${t}`, "--gen-batch", "8", "--gen-tokens", `${genTokens}`, "--steps", "3"]));
const best = (rs: (Record<string, unknown> | null)[]) => {
  const ok = rs.filter((r): r is Record<string, unknown> => r !== null);
  if (ok.length === 0) return null;
  return ok.reduce((a, b) => ((a.tokens_per_s as number) >= (b.tokens_per_s as number) ? a : b));
};
const ratio = (ours: number, ref: Record<string, unknown> | null) => (ref ? ours / (ref.tokens_per_s as number) : null);
const rTrain = best(refTrain), rGen1 = best(refGen1), rGen8 = best(refGen8);

const result = {
  config: { name: opts.config, ...cfg, batch: B },
  backend: engine.backend,
  device: engine.device,
  peak_matmul_gflops: peak,
  train: {
    ...train,
    // MFU against the peak of all cores the trainer used (one matmul per core, measured in this process).
    mfu: (train.tokens_per_s * train.flops_per_token) / (peak * 1e9 * train.workers),
    single_thread_mfu: (single.tokens_per_s * single.flops_per_token) / (peak * 1e9),
    reference_tokens_per_s: rTrain ? rTrain.tokens_per_s : null,
    reference_threads: rTrain ? rTrain.threads : null,
    reference_by_threads: refTrain.map((r) => (r ? { threads: r.threads, tokens_per_s: r.tokens_per_s, peak_rss_mb: r.peak_rss_mb } : null)),
    ratio: ratio(train.tokens_per_s, rTrain),
    single_thread_ratio_vs_1_thread: refTrain[0] ? single.tokens_per_s / (refTrain[0].tokens_per_s as number) : null,
  },
  generate: {
    tokens_per_s: gen1.tokens_per_s,
    reference_tokens_per_s: rGen1 ? rGen1.tokens_per_s : null,
    ratio: ratio(gen1.tokens_per_s, rGen1),
    batch8_tokens_per_s: gen8.tokens_per_s,
    batch8_reference_tokens_per_s: rGen8 ? rGen8.tokens_per_s : null,
    batch8_ratio: ratio(gen8.tokens_per_s, rGen8),
    no_cache_tokens_per_s: gen1NoCache.tokens_per_s,
    cache_speedup: gen1.tokens_per_s / gen1NoCache.tokens_per_s,
    new_tokens: genTokens,
  },
};
console.log(JSON.stringify(result, null, 2));
