// Fine-tuning on the WebGPU backend (Mesa's llvmpipe in CI, through Dawn's OpenGL backend) against the wasm
// backend: the loss curve of a 20-step full fine-tune of the tiny model, LoRA, live tensors flat over the
// steps, and checkpoints that cross backends (started on webgpu, resumed on wasm, and the reverse).
// Skips with the reason where the optional `webgpu` package or Mesa is missing.
//
// Tolerance: 1e-4 relative per step. The backends sum in different orders (float32), and twenty AdamW
// steps at lr 1e-2 carry that rounding forward; measured here: at most 2.8e-6 against the cpu backend,
// 1.5e-5 against wasm (whose kernels are our own fused C). The target was 1e-3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { webgpuProblem } from "../engine/webgpu-available";

const skip = await webgpuProblem();
const TOL = 1e-4;

interface Run {
  engine: { backend: string; device: string };
  errors: { count: number; first: string } | null;
  runEngine: { backend: string; adapter?: { software: boolean; device: string } };
  metrics: { step: number; loss: number; num_tensors: number }[];
}

function run(backend: "webgpu" | "wasm", config: Record<string, unknown>, extra: { resume?: boolean; stopAfterStep?: number } = {}): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", "tests/finetune/webgpu-run.ts", JSON.stringify({ config, ...extra })], {
    env: { ...process.env, NANOINSTRUCT_BACKEND: backend, NANOINSTRUCT_NATIVE: "0" }, encoding: "utf8", timeout: 280_000,
  });
  assert.equal(r.status, 0, `${backend} run failed: ${r.stderr.split("\n").filter((l) => l.trim() && !/^(Warning| - |\s+at )/.test(l)).map((l) => l.slice(0, 300)).slice(-4).join(" | ")}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
  assert.equal(out.engine.backend, backend);
  if (backend === "webgpu") assert.equal(out.errors?.count, 0, `WebGPU device errors: ${out.errors?.first}`);
  return out;
}

function assertCurve(got: Run["metrics"], want: Run["metrics"], what: string): void {
  assert.deepEqual(got.map((m) => m.step), want.map((m) => m.step), `${what}: steps`);
  got.forEach((m, i) => {
    const rel = Math.abs(m.loss - want[i].loss) / Math.abs(want[i].loss);
    assert.ok(rel <= TOL, `${what}: step ${m.step} loss ${m.loss} vs ${want[i].loss} (relative ${rel.toExponential(2)} > ${TOL})`);
  });
}

const base = (outDir: string, over: Record<string, unknown> = {}) => ({
  model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", outDir, maxLength: 64, maxSteps: 20,
  batchSize: 4, microBatchSize: 4, checkpointEvery: 10, evalFraction: 0, workers: 1, train: { learningRate: 1e-2 }, ...over,
});

test("webgpu: 20 full fine-tuning steps match wasm's losses; tensors flat; checkpoints resume across backends", { skip, timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "webgpu-ft-"));
  try {
    const ref = run("wasm", base(join(dir, "wasm")));
    const gpu = run("webgpu", base(join(dir, "gpu")));
    assert.equal(gpu.runEngine.backend, "webgpu");
    assert.ok(gpu.runEngine.adapter && typeof gpu.runEngine.adapter.software === "boolean", "run.json names the adapter");
    assert.equal(gpu.metrics.length, 20);
    assertCurve(gpu.metrics, ref.metrics, "webgpu vs wasm");
    // tf.memory().numTensors after each step (the trainer logs it): nothing accumulates.
    assert.deepEqual(new Set(gpu.metrics.slice(1).map((m) => m.num_tensors)).size, 1, `live tensors ${gpu.metrics.map((m) => m.num_tensors)}`);

    // Started on webgpu (its checkpoint at step 10), resumed on wasm.
    rmSync(join(dir, "gpu", "checkpoints", "step-20"), { recursive: true });
    const a = run("wasm", base(join(dir, "gpu")), { resume: true });
    assertCurve(a.metrics, ref.metrics, "webgpu -> wasm");
    // Started on wasm (stopped after step 10), resumed on webgpu.
    run("wasm", base(join(dir, "wasm-then-gpu")), { stopAfterStep: 10 });
    const b = run("webgpu", base(join(dir, "wasm-then-gpu")), { resume: true });
    assertCurve(b.metrics, ref.metrics, "wasm -> webgpu");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("webgpu: LoRA fine-tuning matches wasm's losses", { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "webgpu-lora-"));
  try {
    const lora = { mode: "lora", maxSteps: 6, checkpointEvery: 0, lora: { rank: 4, alpha: 8, dropout: 0 }, train: { learningRate: 5e-2 } };
    const ref = run("wasm", base(join(dir, "wasm"), lora));
    const gpu = run("webgpu", base(join(dir, "gpu"), lora));
    assertCurve(gpu.metrics, ref.metrics, "lora webgpu vs wasm");
    assert.ok(gpu.metrics[5].loss < gpu.metrics[0].loss, "LoRA reduces the loss");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
