// lib/finetune/config: one JSON file resolves over the defaults; shorthands land in train.*; every
// conflicting or wrong value is refused with one line naming the file and the key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_FINETUNE, resolveFinetuneConfig, typeProblem } from "../../lib/finetune/config";
import { DEFAULT_LORA } from "../../lib/model/lora";

const base = { data: "tests/fixtures/data/alpaca.json" };
const resolve = (o: object) => resolveFinetuneConfig({ ...base, ...o }, "exp.json");
const refuses = (o: object, pattern: RegExp) => assert.throws(() => resolve(o), (e: Error) => {
  assert.match(e.message, /^exp\.json: /);
  assert.match(e.message, pattern);
  assert.ok(!e.message.includes("\n"), "one line");
  return true;
});

test("a minimal config is the defaults with its data", () => {
  const c = resolve({});
  assert.deepEqual({ ...c, data: "" }, DEFAULT_FINETUNE);
  assert.equal(c.data, base.data);
});

test("shorthands go to train.*, train.maxSteps to maxSteps; lora merges over its defaults", () => {
  const c = resolve({ learningRate: 0.01, batchSize: 4, train: { microBatchSize: 2, maxSteps: 7 }, mode: "lora", lora: { rank: 4 } });
  assert.equal(c.train.learningRate, 0.01);
  assert.equal(c.train.batchSize, 4);
  assert.equal(c.train.microBatchSize, 2);
  assert.equal(c.maxSteps, 7);
  assert.deepEqual(c.lora, { ...DEFAULT_LORA, rank: 4 });
  assert.equal(c.train.beta2, DEFAULT_FINETUNE.train.beta2, "untouched loop values keep the fine-tuning defaults");
  // Comment keys are allowed anywhere.
  assert.equal(resolve({ "//": "note", train: { "// why": "x", seed: 3 } }).train.seed, 3);
});

test("conflicts are refused: a shorthand against its train.* key, epochs against maxSteps, warmupRatio against warmupSteps", () => {
  refuses({ learningRate: 0.01, train: { learningRate: 0.02 } }, /'learningRate' and 'train\.learningRate' are both set/);
  refuses({ maxSteps: 3, train: { maxSteps: 4 } }, /'maxSteps' and 'train\.maxSteps' are both set/);
  refuses({ epochs: 3, maxSteps: 10 }, /'epochs' \(3\) and 'maxSteps' \(10\) are both set/);
  refuses({ warmupRatio: 0.1, train: { warmupSteps: 5 } }, /'warmupRatio' and 'train\.warmupSteps' are both set/);
  refuses({ mode: "lora", freezeAllButLast: 2 }, /'freezeAllButLast' applies to full fine-tuning only/);
  // Agreeing values are fine.
  assert.equal(resolve({ learningRate: 0.01, train: { learningRate: 0.01 } }).train.learningRate, 0.01);
});

test("wrong names, types and values are refused with the key", () => {
  refuses({ learningrate: 0.01 }, /learningRate/);
  refuses({ train: { betaTwo: 0.9 } }, /betaTwo/);
  refuses({ maxLength: "64" }, /'maxLength' must be a number/);
  refuses({ train: { learningRate: "fast" } }, /'train\.learningRate' must be a number/);
  refuses({ train: "fast" }, /'train' must be an object/);
  refuses({ mode: "half" }, /'mode' must be full or lora/);
  refuses({ mask: "response" }, /'mask' must be completion, assistant, last-turn or all/);
  refuses({ packing: "wrap" }, /'packing' must be none or bfd/);
  refuses({ truncation: "middle" }, /'truncation' must be drop, truncate-left-prompt or truncate-right/);
  refuses({ evalFraction: 1 }, /'evalFraction' must be in \[0, 1\)/);
  refuses({ maxLength: 4 }, /'maxLength' must be an integer >= 8/);
  refuses({ template: "no-such-template" }, /'template': /);
  refuses({ mode: "lora", lora: { rank: 0 } }, /lora\.rank must be a positive integer/);
  refuses({ train: { beta1: 1 } }, /train\.beta1 must be in \[0, 1\)/);
  refuses({ data: "" }, /'data' is required/);
  assert.throws(() => resolveFinetuneConfig([1, 2], "exp.json"), /exp\.json: expected a JSON object/);
});

test("typeProblem: the type of the default, and only finite numbers", () => {
  assert.equal(typeProblem("x", 1, 2), undefined);
  assert.equal(typeProblem("x", "1", 2), "'x' must be a number, got \"1\"");
  assert.equal(typeProblem("x", Infinity, 2), "'x' must be a finite number, got Infinity");
  assert.equal(typeProblem("x", true, "s"), "'x' must be a string, got true");
});
