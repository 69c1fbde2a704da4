/**
 * Where generation's time goes: tokens/s of generate() (median of runs) and a tf.profile of one run,
 * per kernel, with kernels per decode step. Used for docs/PERFORMANCE.md's before/after profiles.
 *
 *   node --import tsx bench/profile-generate.ts [--config small|base] [--batch 1] [--tokens 256] [--runs 5]
 *     [--no-cache] [--backend wasm|cpu]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { GPT } from "../lib/model/gpt";
import { generate } from "../lib/model/generate";
import { BENCH_CONFIGS, median } from "./configs";

const { values: opts } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    batch: { type: "string", default: "1" },
    tokens: { type: "string", default: "256" },
    runs: { type: "string", default: "5" },
    "no-cache": { type: "boolean", default: false },
    backend: { type: "string", default: "wasm" },
  },
});

const preset = BENCH_CONFIGS[opts.config!];
if (!preset) throw new Error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}`);
await initEngine(opts.backend as "wasm" | "cpu");
const B = Number(opts.batch), N = Number(opts.tokens), useCache = !opts["no-cache"];
const cfg = { ...preset.model, blockSize: Math.max(preset.model.blockSize, 8 + N) };
const model = GPT.create(cfg, 0);
const prompts = Array.from({ length: B }, (_, b) => Array.from({ length: 8 }, (_, i) => (b * 31 + i * 7) % cfg.vocabSize));
generate(model, prompts, { maxNewTokens: N, useCache }); // warm-up: JIT, heap growth, scratch buffers

const times: number[] = [], cpu: number[] = [];
for (let r = 0; r < Number(opts.runs); r++) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  generate(model, prompts, { maxNewTokens: N, useCache });
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const ms = median(times);

const t0 = performance.now();
const prof = await tf.profile(() => {
  generate(model, prompts, { maxNewTokens: N, useCache });
  return tf.scalar(0);
});
const profiledMs = performance.now() - t0;
const byName = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0, kernels = 0;
for (const k of prof.kernels) {
  if (k.name === "unnamed scope") continue; // tidy() scopes, not kernels
  const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += k.kernelTimeMs as number;
  e.calls++;
  kernelMs += k.kernelTimeMs as number;
  kernels++;
  byName.set(k.name, e);
}
model.dispose();

console.log(JSON.stringify({
  config: opts.config, batch: B, new_tokens: N, kv_cache: useCache, backend: tf.getBackend(),
  tokens_per_s: (B * N) / (ms / 1000), tokens_per_cpu_s: (B * N) / (median(cpu) / 1000), ms_per_step: ms / N,
  runs_ms: times.map((t) => +t.toFixed(1)), load_average: loadavg()[0],
  profile: {
    kernels_per_step: +(kernels / N).toFixed(1),
    kernel_ms: +kernelMs.toFixed(1),
    wall_ms_under_profile: +profiledMs.toFixed(1),
    by_kernel: [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms)
      .map(([name, e]) => `${name}: ${e.ms.toFixed(1)} ms, ${(e.calls / N).toFixed(2)}/step`),
  },
}, null, 2));
