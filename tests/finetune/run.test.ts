// lib/finetune/run end to end on the tiny fixture model: steps derived from epochs and warmup from its
// ratio, LoRA (only adapters train; the adapter is saved and merged into the saved model), and
// freezeAllButLast (earlier blocks keep their weights).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finetune } from "../../lib/finetune/run";
import { resolveFinetuneConfig } from "../../lib/finetune/config";
import { loadModel } from "../../lib/model/load";

const BASE = "tests/fixtures/tiny-gpt2";
const common = { model: BASE, data: "tests/fixtures/data/alpaca.json", maxLength: 64, batchSize: 2, microBatchSize: 2, evalFraction: 0, workers: 1, learningRate: 0.01 };

async function weightsOf(dir: string): Promise<Map<string, Float32Array>> {
  const { model } = await loadModel(dir);
  const w = await model.weights();
  model.dispose();
  return w;
}
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => x === b[i]);

test("LoRA: steps from epochs, warmup from its ratio, only the adapters train, saved apart and merged", { timeout: 120_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), "ft-lora-"));
  try {
    const cfg = resolveFinetuneConfig({ ...common, outDir, mode: "lora", epochs: 1, warmupRatio: 0.5, lora: { rank: 2, alpha: 4, dropout: 0 } }, "lora.json");
    const report = await finetune(cfg);
    // 3 records, one row each, 2 rows per step: ceil(3 / 2) = 2 steps; warmup round(0.5 * 2) = 1.
    assert.equal(report.result.steps, 2);
    const saved = JSON.parse(readFileSync(join(outDir, "config.json"), "utf8"));
    assert.equal(saved.train.maxSteps, 2);
    assert.equal(saved.train.warmupSteps, 1);
    assert.equal(saved.configHash, report.configHash);
    assert.ok(report.parameters.trainable > 0 && report.parameters.trainable < report.parameters.total / 2, `${report.parameters.trainable} of ${report.parameters.total}`);
    assert.equal(report.adapterDir, join(outDir, "adapter"));
    for (const f of ["adapter_config.json", "adapter_model.safetensors"]) assert.ok(existsSync(join(outDir, "adapter", f)), f);
    const lines = readFileSync(join(outDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.filter((l) => l.type === "train").map((l) => l.step), [1, 2]);
    // The saved model is the base with the adapters merged: the adapted layers changed, nothing else did.
    const base = await weightsOf(BASE), tuned = await weightsOf(report.modelDir);
    for (const [name, w] of base) {
      const adapted = /\.(c_attn|c_proj|c_fc)\.weight$/.test(name);
      assert.equal(same(w, tuned.get(name)!), !adapted, `${name} ${adapted ? "changed" : "kept"}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test("freezeAllButLast: only the last block (and the final LayerNorm) trains; the embeddings and earlier blocks keep their weights", { timeout: 120_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), "ft-freeze-"));
  try {
    const report = await finetune(resolveFinetuneConfig({ ...common, outDir, maxSteps: 2, freezeAllButLast: 1 }, "freeze.json"));
    assert.equal(report.adapterDir, null);
    assert.ok(report.parameters.trainable < report.parameters.total);
    const base = await weightsOf(BASE), tuned = await weightsOf(report.modelDir);
    let changed = 0;
    for (const [name, w] of base) {
      if (name.startsWith("transformer.h.1.") || name.startsWith("transformer.ln_f.")) changed += same(w, tuned.get(name)!) ? 0 : 1;
      else assert.ok(same(w, tuned.get(name)!), `${name} kept`);
    }
    assert.ok(changed >= 10, `the last block and ln_f trained (${changed} tensors changed)`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
