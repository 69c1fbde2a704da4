// One fine-tuning run in its own process (a TF.js backend is per process), for webgpu-train.test.ts:
//   NANOINSTRUCT_BACKEND=webgpu|wasm node --import tsx webgpu-run.ts '<json {config, resume, stopAfterStep}>'
// Prints one JSON line: the engine, the train metrics, and the WebGPU device's error count.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { finetune } from "../../lib/finetune/run";
import { resolveFinetuneConfig } from "../../lib/finetune/config";
import { engineInfo } from "../../lib/engine/backend";

const { config, resume, stopAfterStep } = JSON.parse(process.argv[2]) as { config: Record<string, unknown>; resume?: boolean; stopAfterStep?: number };
const cfg = resolveFinetuneConfig(config, "webgpu-run.json");
await finetune(cfg, { resume, stopAfterStep });
const metrics = readFileSync(join(cfg.outDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((m) => m.type === "train");
const engine = engineInfo();
const errors = engine?.backend === "webgpu" ? (await import("../../lib/engine/webgpu")).webgpuErrors() : null;
const runJson = JSON.parse(readFileSync(join(cfg.outDir, "run.json"), "utf8"));
console.log(JSON.stringify({ engine, errors, runEngine: runJson.engine, metrics }));
