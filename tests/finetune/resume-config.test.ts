// A resume with a changed config is refused before it overwrites the config the checkpoints were made with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finetune } from "../../lib/finetune/run";
import { resolveFinetuneConfig } from "../../lib/finetune/config";

test("resume with a different config fails and leaves config.json as it was", { timeout: 120_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), "ft-resume-"));
  try {
    const base = { model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", outDir, maxLength: 64, maxSteps: 2, batchSize: 2, microBatchSize: 2, checkpointEvery: 1, evalFraction: 0, workers: 1 };
    await finetune(resolveFinetuneConfig(base, "a.json"));
    const before = readFileSync(join(outDir, "config.json"), "utf8");
    await assert.rejects(finetune(resolveFinetuneConfig({ ...base, learningRate: 0.5 }, "b.json"), { resume: true }), /started with a different config/);
    assert.equal(readFileSync(join(outDir, "config.json"), "utf8"), before);
    // The same config resumes (here: nothing left to do) without complaint.
    const again = await finetune(resolveFinetuneConfig(base, "a.json"), { resume: true });
    assert.equal(again.result.steps, 2);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
