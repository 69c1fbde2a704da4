// `nanoinstruct train` as a user runs it: a run killed with SIGKILL and resumed ends with the same
// metrics as an uninterrupted run; bad configs fail with one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function cli(args: string[], onSpawn?: (kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args], { env: { ...process.env, NANOINSTRUCT_WORKERS: "1" } });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    onSpawn?.(() => p.kill("SIGKILL"));
    p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const trainLines = (dir: string) => existsSync(join(dir, "metrics.jsonl"))
  ? readFileSync(join(dir, "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
  : [];
const stable = (lines: Record<string, unknown>[]) => lines.map(({ tokens_per_s, elapsed_s, rss_mb, num_tensors, ...rest }) => rest);

test("a training run killed with SIGKILL and resumed matches an uninterrupted run", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-cli-train-"));
  const config = join(root, "cfg.json");
  writeFileSync(config, JSON.stringify({
    model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", mode: "full", maxSteps: 24, batchSize: 2,
    learningRate: 0.003, seed: 3, checkpointEvery: 4, evalEvery: 6, evalFraction: 0.25, maxLength: 64, outDir: join(root, "a"),
  }));
  try {
    const whole = await cli(["train", "--config", config, "--quiet"]);
    assert.equal(whole.code, 0, whole.stderr);
    const b = join(root, "b");
    // Kill once the run is past a few checkpoints (possibly mid-write of the next one).
    const killed = await cli(["train", "--config", config, "--set", `outDir=${b}`, "--quiet"], (kill) => {
      const timer = setInterval(() => {
        if (trainLines(b).filter((l) => l.type === "train").length >= 10) {
          clearInterval(timer);
          kill();
        }
      }, 20);
    });
    assert.equal(killed.signal, "SIGKILL");
    const resumed = await cli(["train", "--config", config, "--set", `outDir=${b}`, "--resume", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout);
    assert.ok(out.resumed_from >= 4, `resumed from ${out.resumed_from}`);
    assert.deepEqual(stable(trainLines(b)), stable(trainLines(join(root, "a"))));
    assert.equal(out.final_train_loss, JSON.parse(whole.stdout).final_train_loss);
    assert.ok(existsSync(join(b, "model", "model.safetensors")));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("bad training configs fail with one line naming the problem", async () => {
  const root = mkdtempSync(join(tmpdir(), "nano-cli-badcfg-"));
  try {
    const cases: [unknown, RegExp][] = [
      [{ model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", learningRate: -1, maxSteps: 2 }, /learningRate must be > 0/],
      [{ model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", maxSteps: 2, bogus: 1 }, /unknown key 'bogus'/],
      [{ model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", maxSteps: "ten" }, /'maxSteps' must be a number/],
      [{ model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", maxSteps: 2, maxLength: 4096 }, /exceeds the model's context/],
      [{ model: "tests/fixtures/tiny-gpt2", data: join(root, "missing.jsonl"), maxSteps: 2, maxLength: 64 }, /no such file/],
    ];
    for (const [i, [cfg, pattern]] of cases.entries()) {
      const file = join(root, `c${i}.json`);
      writeFileSync(file, JSON.stringify({ outDir: join(root, `run${i}`), ...(cfg as object) }));
      const r = await cli(["train", "--config", file, "--quiet"]);
      assert.ok(r.code === 1 || r.code === 2, `case ${i}: exit ${r.code} ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, `case ${i}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
