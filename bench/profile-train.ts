/**
 * Where a training step's time goes: step time (median of steps) and a tf.profile of one step, per kernel
 * (forward, backward and AdamW), on the kernels this process uses: the native build when it is built,
 * the wasm module with NANOINSTRUCT_NATIVE=0. docs/PERFORMANCE.md's training profiles come from it.
 *
 *   node --import tsx bench/profile-train.ts [--config small|base] [--batch N] [--steps 5] [--top 12]
 *   NANOINSTRUCT_NATIVE=0 node --import tsx bench/profile-train.ts
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "../lib/engine/backend";
import { BENCH_CONFIGS, median } from "./configs";
import { stepFixture } from "./measure";

const { values: opts } = parseArgs({
  options: {
    config: { type: "string", default: "small" },
    batch: { type: "string" }, // rows per step (default: the config's); the trainer's replicas each get half
    steps: { type: "string", default: "5" },
    top: { type: "string", default: "12" },
  },
});

const preset = BENCH_CONFIGS[opts.config!];
if (!preset) throw new Error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}`);
const engine = await initEngine("wasm");
const cfg = preset.model, B = Number(opts.batch ?? preset.batch), T = cfg.blockSize;
const fixture = stepFixture(cfg, B);
const step = fixture.step;
for (let i = 0; i < 2; i++) step(); // warm-up: JIT, heap growth, scratch buffers

const times: number[] = [];
for (let i = 0; i < Number(opts.steps); i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
const t0 = performance.now();
const prof = await tf.profile(() => { step(); });
const profiledMs = performance.now() - t0;

const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of prof.kernels) {
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
  e.calls += 1;
  byKernel.set(k.name, e);
}
const kernels = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = kernels.reduce((s, [, e]) => s + e.ms, 0);
const ms = median(times);
console.log(JSON.stringify({
  config: opts.config, device: engine.device, batch: B, block: T, load: +loadavg()[0].toFixed(2),
  step_ms_median: +ms.toFixed(1), tokens_per_s: Math.round((B * T) / (ms / 1000)), kernels_per_step: prof.kernels.length,
  profile: {
    wall_ms_under_profile: +profiledMs.toFixed(1), ms_in_kernels: +inKernels.toFixed(1),
    top: kernels.slice(0, Number(opts.top)).map(([name, e]) => ({ name, ms: +e.ms.toFixed(1), calls: e.calls })),
  },
}));
fixture.dispose();
