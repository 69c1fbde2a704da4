// Configs resolved once (issue #19, items 6-10): keys are checked as own properties (no prototype
// pollution through a config or --set), every value given is used or refused (ablation cells and the
// quickstart resolve through the fine-tuning resolver; shorthands and their train.* keys may not disagree),
// sizes no machine meets are refused, a run whose weights stop being finite fails without writing a model,
// and one lib/config.ts reads every recipe's config.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { failureProblems, runInProcess } from "./helpers";
import { applySets, canonicalHash, memoryProblem, readConfigFile, stripComments } from "../../lib/config";
import { resolveFinetuneConfig } from "../../lib/finetune/config";
import { resolvePretrainConfig } from "../../lib/pretrain/config";
import { cellFinetuneConfig, resolveCellConfig } from "../../lib/ablate/cell";
import { expandGrid, resolveGrid } from "../../lib/ablate/grid";
import { quickstartConfig, quickstartFinetuneConfig } from "../../lib/quickstart/run";

const TRAIN = {
  model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", mode: "full", maxSteps: 2, batchSize: 2,
  learningRate: 0.003, seed: 3, checkpointEvery: 0, evalEvery: 0, evalFraction: 0, maxLength: 64,
};
const CELL = { model: "nano-tiny", data: { clusters: ["sentiment"], perTask: 4 }, eval: { perTask: 2 } };

function withTmp(fn: (tmp: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const tmp = mkdtempSync(join(tmpdir(), "nano-configs-"));
    try {
      await fn(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}

const polluted = () => ({} as Record<string, unknown>).x !== undefined || ({} as Record<string, unknown>).polluted !== undefined;

test("6: __proto__, constructor and prototype are refused in --set, in config files and in grids; nothing reaches Object.prototype", withTmp((tmp) => {
  for (const set of ["__proto__.x=1", "train.__proto__.x=1", "constructor.prototype.polluted=1", "lora.constructor=1"]) {
    assert.throws(() => applySets({ model: "m" }, [set]), /--set '.*': key '(__proto__|constructor)' is not allowed/, set);
    assert.equal(polluted(), false, set);
  }
  // JSON.parse makes "__proto__" an own key; `in` on the defaults would have let it through.
  const files: [string, string, RegExp][] = [
    ["top", `{"model": "m", "data": "d", "__proto__": {"x": 1}}`, /key '__proto__' is not allowed/],
    ["train", `{"model": "m", "data": "d", "train": {"__proto__": {"x": 1}}}`, /key 'train\.__proto__' is not allowed/],
    ["lora", `{"model": "m", "data": "d", "lora": {"constructor": 1}}`, /key 'lora\.constructor' is not allowed/],
    ["deep", `{"model": "m", "data": "d", "train": {"// c": 1, "x": {"prototype": 1}}}`, /key 'train\.x\.prototype' is not allowed/],
  ];
  for (const [name, text, want] of files) {
    const f = join(tmp, `${name}.json`);
    writeFileSync(f, text);
    assert.throws(() => resolveFinetuneConfig(readConfigFile(f), f), want, name);
  }
  assert.throws(() => resolveFinetuneConfig(JSON.parse(`{"model": "m", "data": "d", "constructor": 1}`), "c.json"), /key 'constructor' is not allowed/);
  assert.throws(() => resolvePretrainConfig(JSON.parse(`{"train": {"constructor": 1}}`), "p.json"), /key 'train\.constructor' is not allowed/);
  assert.throws(() => resolveCellConfig(JSON.parse(`{"finetune": {"__proto__": {"x": 1}}, "data": {"clusters": ["nli"]}}`), "cell"), /'finetune\.__proto__' is not allowed|field '__proto__' is not allowed/);
  assert.throws(() => resolveGrid({ base: CELL, axes: { "finetune.__proto__.x": [1, 2] } }, "g.json"), /axis 'finetune\.__proto__\.x': '__proto__'.* not allowed/);
  assert.equal(polluted(), false);
}));

test("6: through the CLI, --set __proto__.x=1 fails with one line and Object.prototype stays clean", withTmp(async (tmp) => {
  const f = join(tmp, "cfg.json");
  writeFileSync(f, JSON.stringify({ ...TRAIN, outDir: join(tmp, "run") }));
  const r = await runInProcess(["train", "--config", f, "--set", "__proto__.x=1", "--quiet"]);
  assert.deepEqual(failureProblems(r, "--set", /'__proto__' is not allowed/), [], r.stderr);
  assert.equal(polluted(), false);
  assert.equal(existsSync(join(tmp, "run")), false);
}));

test("7: an ablation cell trains with its finetune settings (shorthands included), resolved by the fine-tuning resolver", () => {
  const cell = resolveCellConfig({ ...CELL, finetune: { learningRate: 0.007, batchSize: 4, maxSteps: 5 } }, "cell");
  const ft = cellFinetuneConfig(cell, "runs/x/run");
  assert.equal(ft.train.learningRate, 0.007, "the cell's learning rate, not the default");
  assert.equal(ft.train.batchSize, 4);
  assert.equal(ft.maxSteps, 5);
  assert.equal(ft.train.seed, cell.seed);
  // train.maxSteps given in a cell is its step count.
  assert.equal(cellFinetuneConfig(resolveCellConfig({ ...CELL, finetune: { train: { maxSteps: 7 } } }, "cell"), "r").maxSteps, 7);
  // Fields the cell sets itself are refused rather than silently replaced.
  assert.throws(() => resolveCellConfig({ ...CELL, finetune: { outDir: "elsewhere" } }, "cell"), /finetune\.outDir is set by the cell/);
  assert.throws(() => resolveCellConfig({ ...CELL, finetune: { train: { seed: 5 } } }, "cell"), /finetune\.train\.seed is set by the cell/);
  assert.throws(() => resolveCellConfig({ ...CELL, finetune: { learningRate: 0.1, train: { learningRate: 0.2 } } }, "cell"), /finetune\.learningRate and finetune\.train\.learningRate are both set/);
  assert.throws(() => resolveCellConfig({ ...CELL, data: { ...CELL.data, templateTypes: { zeroshot: 1 } } }, "cell"), /data\.templateTypes: unknown field 'zeroshot'/);
  // A grid's cells are resolved the same way (the learning rate reaches the fine-tuning config).
  const [c] = expandGrid(resolveGrid({ base: { ...CELL, finetune: { learningRate: 0.004 } } }, "g.json"));
  assert.equal(cellFinetuneConfig(c.config, "r").train.learningRate, 0.004);
});

test("7: train.maxSteps is used, and a shorthand and its train.* key may not disagree (a --set is never lost)", () => {
  const base = { model: "m", data: "d" };
  assert.equal(resolveFinetuneConfig({ ...base, train: { maxSteps: 9 } }, "f").maxSteps, 9);
  assert.throws(() => resolveFinetuneConfig({ ...base, maxSteps: 3, train: { maxSteps: 9 } }, "f"), /'maxSteps' and 'train\.maxSteps' are both set \(3 and 9\)/);
  // The case: a file with a top-level batchSize, and --set train.batchSize=1.
  const raw = applySets({ ...base, batchSize: 8 }, ["train.batchSize=1"]);
  assert.throws(() => resolveFinetuneConfig(raw, "f.json"), /f\.json: 'batchSize' and 'train\.batchSize' are both set \(8 and 1\)/);
  assert.equal(resolveFinetuneConfig(applySets({ ...base, batchSize: 8 }, ["batchSize=1"]), "f").train.batchSize, 1);
  assert.throws(() => resolveFinetuneConfig({ ...base, epochs: 3, maxSteps: 100 }, "f"), /'epochs' \(3\) and 'maxSteps' \(100\) are both set/);
  assert.throws(() => resolveFinetuneConfig({ ...base, warmupRatio: 0.1, train: { warmupSteps: 5 } }, "f"), /'warmupRatio' and 'train\.warmupSteps' are both set/);
  assert.throws(() => resolveFinetuneConfig({ ...base, mode: "lora", freezeAllButLast: 2 }, "f"), /'freezeAllButLast' applies to full fine-tuning only/);
});

test("8: impossible sizes are refused with a message: workers beyond the cores, batches beyond any memory", () => {
  const base = { model: "m", data: "d" };
  assert.throws(() => resolveFinetuneConfig({ ...base, workers: 1e6 }, "f"), new RegExp(`'train\\.workers' is 1000000, more than this machine's ${availableParallelism()} cores`));
  assert.throws(() => resolveFinetuneConfig({ ...base, batchSize: 1e9, train: { microBatchSize: 1 } }, "f"), /'train\.batchSize' is 1000000000, more than 65536 rows per step/);
  assert.throws(() => resolvePretrainConfig({ train: { workers: 1e6 } }, "p"), /train\.workers is 1000000, more than/);
  assert.throws(() => resolvePretrainConfig({ train: { batchSize: 4096, microBatchSize: 4096 }, nLayer: 48, nEmbd: 1024, nHead: 16, blockSize: 2048 }, "p"), /train\.microBatchSize: 4096 rows of 2048 tokens need about \d+\.\d GiB .*lower train\.microBatchSize/);
  assert.ok(resolvePretrainConfig({}, "p"), "the defaults fit");
});

test("8: through the CLI, batchSize 1e9 and workers 1e6 fail with one line before anything is loaded or written", withTmp(async (tmp) => {
  const f = join(tmp, "cfg.json");
  writeFileSync(f, JSON.stringify({ ...TRAIN, outDir: join(tmp, "run") }));
  for (const [set, want] of [["batchSize=1000000000", /'train\.batchSize' is 1000000000, more than 65536 rows per step/], ["train.workers=1000000", /'train\.workers' is 1000000, more than this machine's \d+ cores/]] as const) {
    const r = await runInProcess(["train", "--config", f, "--set", set, "--quiet"]);
    assert.deepEqual(failureProblems(r, "cfg.json", want), [], r.stderr);
  }
  assert.equal(existsSync(join(tmp, "run")), false);
  // The memory estimate: a micro-batch no machine holds is refused with the size it would need.
  assert.match(memoryProblem({ nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257 }, 65536, 65536, "'train.microBatchSize'") ?? "", /65536 rows of 65536 tokens need about \d+\.\d GiB/);
  assert.equal(memoryProblem({ nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 400 }, 2, 64, "x"), null);
}));

test("9: a learning rate of 1e308 fails, and no model (nor a checkpoint of NaNs) is written", withTmp(async (tmp) => {
  const f = join(tmp, "cfg.json");
  writeFileSync(f, JSON.stringify({ ...TRAIN, learningRate: 1e308, maxSteps: 3, checkpointEvery: 1, gradClip: 0, outDir: join(tmp, "run") }));
  const r = await runInProcess(["train", "--config", f, "--quiet"]);
  assert.deepEqual(failureProblems(r, "step 1", /weight '.*' is (NaN|-?Infinity): the weights are no longer finite \(learningRate 1e\+308 is probably too high\); stopped without writing a checkpoint or a model/), [], r.stderr);
  assert.equal(r.code, 1);
  assert.equal(existsSync(join(tmp, "run", "model")), false, "no model");
  assert.deepEqual(existsSync(join(tmp, "run", "checkpoints")) ? readdirSync(join(tmp, "run", "checkpoints")).filter((n) => !n.startsWith(".")) : [], [], "no checkpoint");
}));

test("10: one resolver: comment keys at any depth, canonical hashes, the quickstart and cells through resolveFinetuneConfig", withTmp((tmp) => {
  const f = join(tmp, "cfg.json");
  writeFileSync(f, JSON.stringify({ "//": "top", model: "m", data: "d", train: { "// why": "nested comment", learningRate: 0.01 }, lora: { "//": 1 } }));
  const cfg = resolveFinetuneConfig(readConfigFile(f), f);
  assert.equal(cfg.train.learningRate, 0.01);
  assert.deepEqual(stripComments({ a: [{ "//": 1, b: 2 }], "// x": 3 }), { a: [{ b: 2 }] });
  assert.equal(canonicalHash({ a: 1, b: { c: 2, d: 3 } }), canonicalHash({ b: { d: 3, c: 2 }, a: 1 }));
  // The quickstart's fine-tuning config is the resolver's, with its hyperparameters unchanged.
  const q = quickstartConfig("full");
  const ft = quickstartFinetuneConfig(q);
  assert.equal(ft.maxSteps, q.finetune.maxSteps);
  assert.equal(ft.train.learningRate, q.finetune.train!.learningRate);
  assert.equal(ft.train.batchSize, q.finetune.train!.batchSize);
  assert.equal(ft.train.seed, q.seed);
  assert.equal(ft.outDir, join(q.outDir, "run"));
  // Library code never imports from lib/cli/.
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== join("lib", "cli")) walk(p);
      } else if (/\.(ts|mjs|cjs)$/.test(e.name) && /from\s+["'](\.\.\/)+cli\//.test(readFileSync(p, "utf8"))) offenders.push(p);
    }
  };
  walk("lib");
  assert.deepEqual(offenders, []);
}));

test("10: pretrain refuses a resume with a changed config before writing config.json", withTmp(async (tmp) => {
  const out = join(tmp, "pre");
  const f = join(tmp, "pre.json");
  const pre = { outDir: out, corpusChars: 20000, vocabSize: 300, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 16, train: { maxSteps: 1, batchSize: 1, microBatchSize: 1 } };
  writeFileSync(f, JSON.stringify(pre));
  // A run of another config already lives there (its marker and config.json as pretrain writes them).
  const { mkdirSync } = await import("node:fs");
  mkdirSync(out);
  writeFileSync(join(out, "config.json"), JSON.stringify({ configHash: "0123456789abcdef" }) + "\n");
  const r = await runInProcess(["pretrain", "--config", f, "--resume", "--quiet"]);
  assert.deepEqual(failureProblems(r, out, /the run was started with a different config \(hash 0123456789abcdef/), [], r.stderr);
  assert.equal(readFileSync(join(out, "config.json"), "utf8"), JSON.stringify({ configHash: "0123456789abcdef" }) + "\n", "config.json untouched");
}));
