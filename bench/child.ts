/**
 * One benchmark measurement in a fresh process (bench/bench.ts spawns it), printing one JSON line, so that
 * peak memory belongs to that measurement alone, as PyTorch's does in its own process.
 *
 *   node --import tsx bench/child.ts --task train|trainer|generate|async --config small|base
 *     [--steps N] [--workers N] [--micro rows] [--batch B] [--tokens N] [--runs N] [--no-cache] [--backend wasm|cpu|webgpu]
 * `async` (what the webgpu backend runs) measures a few training steps and cached generation, reading async.
 */
import { parseArgs } from "node:util";
import { initEngine, type BackendName } from "../lib/engine/backend";
import { kernelsVariant } from "../lib/engine/wasm-kernels";
import { BENCH_CONFIGS } from "./configs";
import { asyncBackend, generation, peakMatmulGflops, trainer, trainStep } from "./measure";

const { values: o } = parseArgs({
  options: {
    task: { type: "string" },
    config: { type: "string", default: "small" },
    steps: { type: "string", default: "10" },
    workers: { type: "string", default: "2" },
    batch: { type: "string", default: "1" },
    tokens: { type: "string", default: "256" },
    runs: { type: "string", default: "5" },
    micro: { type: "string" },
    "no-cache": { type: "boolean", default: false },
    backend: { type: "string" },
  },
});

const preset = BENCH_CONFIGS[o.config!];
if (!preset) throw new Error(`--config must be one of ${Object.keys(BENCH_CONFIGS).join(", ")}`);
const engine = await initEngine(o.backend as BackendName | undefined);
const base = { task: o.task, config: o.config, backend: engine.backend, device: engine.device, adapter: engine.adapter ?? null };
let result: Record<string, unknown>;
if (o.task === "train") {
  const step = trainStep(preset.model, preset.batch, Number(o.steps));
  const peak = peakMatmulGflops(); // after the step, so its buffers are not in the step's peak memory
  result = { ...step, peak_matmul_gflops: peak, mfu: (step.tokens_per_s * step.flops_per_token) / (peak * 1e9) };
} else if (o.task === "trainer") {
  result = await trainer(preset.model, preset.batch, Number(o.steps), Number(o.workers), o.micro ? Number(o.micro) : preset.batch);
} else if (o.task === "generate") {
  result = generation(preset.model, Number(o.batch), Number(o.tokens), !o["no-cache"], Number(o.runs));
} else if (o.task === "async") {
  result = await asyncBackend(preset.model, preset.batch, Number(o.steps), Number(o.tokens));
} else {
  throw new Error("--task must be train, trainer, generate or async");
}
// which build of our kernels ran in this process (the trainer's workers pick theirs the same way)
console.log(JSON.stringify({ ...base, kernels: kernelsVariant(), ...result }));
