// The CLI guides a new user: did-you-mean for commands, options, bundled models and templates; --version;
// negative numbers are values that get range errors; comma lists for --eval-set; a missing data file says
// which command makes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../lib/cli/main";
import { num, parse } from "../../lib/cli/args";
import { closest, editDistance } from "../../lib/suggest";
import { loadEvalSet } from "../../lib/eval/pipeline";
import { howToMake } from "../../lib/finetune/data";

/** Runs the CLI in this process; resolves to the exit code and what it printed. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("suggestions: one edit for short names, two for long ones, swaps count once, nothing far off", () => {
  assert.equal(editDistance("trian", "train"), 1);
  assert.equal(closest("trian", ["train", "eval", "serve"]), "train");
  assert.equal(closest("modle", ["model", "prompt"]), "model");
  assert.equal(closest("nano-bse", ["nano-base", "nano-tiny"]), "nano-base");
  assert.equal(closest("qwerty", ["train", "eval"]), undefined);
  assert.equal(closest("train", ["train"]), undefined, "an exact name is not a typo");
});

test("mistyped commands and options get a did-you-mean; --version prints the package's", async () => {
  const version = JSON.parse(readFileSync("package.json", "utf8")).version;
  const v = await run(["--version"]);
  assert.equal(v.code, 0);
  assert.match(v.out, new RegExp(`^nanoinstruct ${version.replace(/\./g, "\\.")} `));
  assert.match((await run(["--help"])).out, new RegExp(`nanoinstruct ${version.replace(/\./g, "\\.")}`));
  for (const [argv, want] of [
    [["trian", "--config", "x.json"], /unknown command 'trian' \(did you mean 'train'\?\)/],
    [["data", "inspetc", "f.jsonl"], /unknown command 'data inspetc' \(did you mean 'data inspect'\?\)/],
    [["inspect", "f.jsonl"], /unknown command 'inspect' \(did you mean 'data inspect'\?\)/],
    [["generate", "--modle", "nano-base", "--prompt", "x"], /unknown option '--modle' \(did you mean '--model'\?\)/],
    [["info", "--model", "nano-bse"], /'nano-bse' is not a bundled model \(did you mean 'nano-base'\?\)/],
  ] as const) {
    const r = await run([...argv]);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
    assert.match(r.err, want);
    assert.equal(r.err.split("\n").length, 1);
  }
});

test("negative numbers are option values and get range errors, not 'ambiguous'", async () => {
  const opts = { "max-tokens": { type: "string" as const }, temperature: { type: "string" as const, short: "t" }, flag: { type: "boolean" as const } };
  assert.deepEqual({ ...parse(["--max-tokens", "-5", "--flag"], opts).values }, { "max-tokens": "-5", flag: true });
  assert.deepEqual({ ...parse(["-t", "-0.5"], opts).values }, { temperature: "-0.5" });
  assert.deepEqual({ ...parse(["--temperature", "-.5"], opts).values }, { temperature: "-.5" });
  // An option after an option is still an option (the missing value is reported, not swallowed).
  assert.throws(() => parse(["--max-tokens", "--flag"], opts), /ambiguous|argument missing/);
  assert.throws(() => num("-5", "max-tokens", true, { min: 1 }), /^UserError: --max-tokens must be >= 1, got -5$/);
  assert.throws(() => num("0", "top-p", false, { above: 0, max: 1 }), /--top-p must be > 0 and <= 1, got 0/);
  assert.equal(num("-2", "seed", true), -2);
  for (const [argv, want] of [
    [["generate", "--model", "tests/fixtures/tiny-gpt2", "--prompt", "hi", "--max-tokens", "-5"], /--max-tokens must be >= 1, got -5/],
    [["generate", "--model", "tests/fixtures/tiny-gpt2", "--prompt", "hi", "--temperature", "-1"], /--temperature must be >= 0, got -1/],
    [["serve", "--model", "tests/fixtures/tiny-gpt2", "--port", "-1"], /--port must be >= 0 and <= 65535, got -1/],
    [["eval", "--model", "a", "--baseline", "b", "--eval-set", "tasks", "--out", "o", "--per-task", "-3"], /--per-task must be >= 1, got -3/],
  ] as const) {
    const r = await run([...argv]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, want);
  }
});

test("--eval-set takes comma lists: several data files, and cluster:/task: lists where a bare name takes the kind before it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-evalset-"));
  try {
    const a = join(dir, "a.jsonl"), b = join(dir, "b.jsonl");
    writeFileSync(a, '{"id": "a1", "instruction": "x", "output": "y"}\n');
    writeFileSync(b, '{"id": "b1", "instruction": "x", "output": "y"}\n{"id": "b2", "instruction": "z", "output": "w"}\n');
    assert.deepEqual((await loadEvalSet(`${a},${b}`, 0, 1, 0)).map((r) => r.id), ["a1", "b1", "b2"]);
    await assert.rejects(loadEvalSet(`${a},${a}`, 0, 1, 0), /record id 'a1' is in both/);
    await assert.rejects(loadEvalSet(`${a},${join(dir, "nope.jsonl")}`, 0, 1, 0), /nope\.jsonl: no such file/);
    const two = await loadEvalSet("cluster:sentiment,nli", 0, 1, 0);
    assert.deepEqual([...new Set(two.map((r) => r.cluster))].sort(), ["nli", "sentiment"]);
    const mixed = await loadEvalSet("cluster:sentiment,task:" + two.find((r) => r.cluster === "nli")!.task, 0, 1, 0);
    assert.deepEqual([...new Set(mixed.map((r) => r.cluster))].sort(), ["nli", "sentiment"]);
    await assert.rejects(loadEvalSet("cluster:sentimnt", 0, 1, 0), /unknown task cluster 'sentimnt'.*did you mean 'sentiment'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a config whose data is missing says which command makes it", async () => {
  assert.match(howToMake("runs/mixtures/flan-all-clusters"), /make it first with 'npx nanoinstruct mix --recipe experiments\/mixtures\/flan-all-clusters\.json --out runs\/mixtures\/flan-all-clusters'/);
  assert.match(howToMake("data/alpaca_data.json"), /Stanford Alpaca's data .*alpaca_nano\.json/);
  assert.match(howToMake("somewhere/else.jsonl"), /nanoinstruct mix --recipe FILE --out DIR/);
  const dir = mkdtempSync(join(tmpdir(), "nano-missing-"));
  try {
    const cfg = join(dir, "cfg.json");
    writeFileSync(cfg, JSON.stringify({ ...JSON.parse(readFileSync("experiments/nano-lora.json", "utf8")), model: "tests/fixtures/tiny-gpt2", maxLength: 64, outDir: join(dir, "run") }));
    const r = await run(["train", "--config", cfg, "--quiet"]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /runs\/mixtures\/flan-all-clusters: no such file or directory; it is a mixture: make it first with 'npx nanoinstruct mix --recipe experiments\/mixtures\/flan-all-clusters\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mix --template checks every record renders with it and records it in the manifest", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-mix-tpl-"));
  try {
    const ok = await run(["mix", "--recipe", "tests/fixtures/mix/recipe.json", "--out", join(dir, "m"), "--template", "tests/fixtures/chat-templates/qwen3/tokenizer_config.json"]);
    assert.equal(ok.code, 0, ok.err);
    const manifest = JSON.parse(readFileSync(join(dir, "m", "manifest.json"), "utf8"));
    assert.equal(manifest.template.eosToken, "<|im_end|>");
    const typo = await run(["mix", "--recipe", "tests/fixtures/mix/recipe.json", "--out", join(dir, "m2"), "--template", "alpacca"]);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown template 'alpacca' \(did you mean 'alpaca'\?\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
