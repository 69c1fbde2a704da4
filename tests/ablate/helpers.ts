// Shared by the ablation tests: a tiny real cell config and a CLI runner.
import { spawn } from "node:child_process";

/** A cell that runs in a few seconds: nano-tiny, 6 training records, 1 step, 3 evaluation items. */
export const TINY_BASE = {
  model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 2 }, eval: { perTask: 1 },
  finetune: { maxSteps: 1, train: { batchSize: 2, microBatchSize: 2, checkpointEvery: 0 } },
};

/** `nanoinstruct ARGS` to completion (without an inherited NANOINSTRUCT_WORKERS: the runner decides). */
export function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NANOINSTRUCT_WORKERS;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args], { env });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
