// Every experiment file in the repository is a valid config of its kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveFinetuneConfig } from "../lib/finetune/config";
import { resolvePretrainConfig } from "../lib/pretrain/config";
import { validateRecipe } from "../lib/data/mixture/recipe";

test("experiments/*.json and experiments/mixtures/*.json validate", () => {
  const files = readdirSync("experiments").filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 6);
  for (const f of files) {
    const path = join("experiments", f);
    const raw = JSON.parse(readFileSync(path, "utf8"));
    if (f.startsWith("pretrain-")) assert.doesNotThrow(() => resolvePretrainConfig(raw, path), path);
    else assert.doesNotThrow(() => resolveFinetuneConfig(raw, path), path);
  }
  for (const f of readdirSync("experiments/mixtures").filter((x) => x.endsWith(".json"))) {
    const path = join("experiments/mixtures", f);
    assert.doesNotThrow(() => validateRecipe(JSON.parse(readFileSync(path, "utf8")), path), path);
  }
});

test("the Alpaca preset carries the published hyperparameters", () => {
  const c = resolveFinetuneConfig(JSON.parse(readFileSync("experiments/alpaca-full.json", "utf8")), "alpaca-full.json");
  assert.equal(c.train.learningRate, 2e-5);
  assert.equal(c.epochs, 3);
  assert.equal(c.train.batchSize, 128);
  assert.equal(c.train.schedule, "cosine");
  assert.equal(c.warmupRatio, 0.03);
  assert.equal(c.maxLength, 512);
  const lora = resolveFinetuneConfig(JSON.parse(readFileSync("experiments/alpaca-lora.json", "utf8")), "alpaca-lora.json");
  assert.equal(lora.train.learningRate / c.train.learningRate, 10);
});
