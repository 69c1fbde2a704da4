// `nanoinstruct pretrain` end to end on a tiny config: world, corpus, BPE, model, card; resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (args: string[]) => spawnSync(process.execPath, ["bin/nanoinstruct.js", ...args], { encoding: "utf8", env: { ...process.env, NANOINSTRUCT_WORKERS: "1" } });

test("pretrain writes a loadable model with a model card, and resumes", () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-pretrain-"));
  try {
    const out = join(dir, "run");
    const sets = ["--set", `outDir=${out}`, "--set", "corpusChars=120000", "--set", "train.maxSteps=6", "--set", "train.checkpointEvery=3", "--quiet"];
    const r = run(["pretrain", "--config", "experiments/pretrain-smoke.json", ...sets]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.steps, 6);
    assert.ok(report.eval_loss < Math.log(512), "better than uniform after a few steps");
    for (const f of ["config.json", "model.safetensors", "tokenizer.json", "README.md"]) assert.ok(existsSync(join(out, "model", f)), f);
    assert.match(readFileSync(join(out, "model", "README.md"), "utf8"), /Reproduce[\s\S]*nanoinstruct pretrain --config experiments\/pretrain-smoke\.json/);
    const info = spawnSync(process.execPath, ["bin/nanoinstruct.js", "info", "--model", join(out, "model"), "--json"], { encoding: "utf8" });
    assert.equal(JSON.parse(info.stdout).config.vocabSize, 512);
    // Resuming a finished run re-does nothing and ends with the same loss.
    const again = run(["pretrain", "--config", "experiments/pretrain-smoke.json", ...sets, "--resume"]);
    assert.equal(again.status, 0, again.stderr);
    const resumed = JSON.parse(again.stdout);
    assert.equal(resumed.steps, 6);
    assert.equal(resumed.final_train_loss, report.final_train_loss);
    const bad = run(["pretrain", "--config", "experiments/pretrain-smoke.json", "--set", "nHead=3", "--quiet"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /nEmbd \(64\) must be divisible by nHead \(3\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
