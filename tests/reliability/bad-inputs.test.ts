// The bad-input suite (issue #10): every malformed input in tests/fixtures/bad-inputs/ (plus a few built at
// test time: model directories with one part broken, and sparse files with an over-long line) goes through
// the real CLI. Each must fail with a non-zero exit, exactly one stderr line "nanoinstruct: ..." naming the
// file and the place (line, record, field or tensor), no stack trace, and no file left behind.
//
// Every case runs through the CLI's `main(argv)` in this process (spawning tsx costs 1-3 s per process);
// the cases marked `spawn` run a second time as real child processes of bin/nanoinstruct.js, one per entry
// command, so the process-level contract (exit status, real stderr) is checked too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { failureProblems, listTree, runCli, runInProcess, type CliResult } from "./helpers";

const BAD = resolve("tests/fixtures/bad-inputs");
const TINY = resolve("tests/fixtures/tiny-gpt2");

interface Ctx {
  /** A fresh directory for this case: outputs go here, and inputs built at test time. */
  tmp: string;
}

interface Case {
  name: string;
  /** Arguments after `nanoinstruct`. */
  argv: (ctx: Ctx) => string[];
  /** Builds inputs in ctx.tmp before the run. */
  setup?: (ctx: Ctx) => void;
  /** A piece of the message that names the file (usually its base name). */
  file: string;
  /** What the message must say about the place (line, record, field, tensor) and the problem. */
  place: RegExp;
  /** Also run as a real process. */
  spawn?: boolean;
}

const data = (f: string) => join(BAD, "data", f);
const cfg = (f: string) => join(BAD, "configs", f);
const recipe = (f: string) => join(BAD, "recipes", f);

// --- inputs built at test time -------------------------------------------------------------------------

/** A file of `size` bytes with `head` at the start and `tail` at the end, the middle a hole (no disk used). */
function sparseFile(path: string, head: string, size: number, tail: string): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, Buffer.from(head), 0, Buffer.byteLength(head), 0);
    writeSync(fd, Buffer.from(tail), 0, Buffer.byteLength(tail), size - Buffer.byteLength(tail));
  } finally {
    closeSync(fd);
  }
}

const GOOD_ROW = JSON.stringify({ instruction: "Name a color.", input: "", output: "Blue" });
const MiB = 1024 * 1024;

/** tests/fixtures/tiny-gpt2 copied to ctx.tmp/model, with some files replaced (null = removed). */
function modelDir(ctx: Ctx, replace: Record<string, Buffer | string | null> = {}): string {
  const dir = join(ctx.tmp, "model");
  mkdirSync(dir, { recursive: true });
  for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"]) {
    if (!(f in replace)) copyFileSync(join(TINY, f), join(dir, f));
  }
  for (const [f, content] of Object.entries(replace)) if (content !== null) writeFileSync(join(dir, f), content);
  return dir;
}

const ST = readFileSync(join(TINY, "model.safetensors"));
const ST_HEADER_LEN = Number(ST.readBigUInt64LE(0));
type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };
const ST_HEADER = JSON.parse(ST.subarray(8, 8 + ST_HEADER_LEN).toString("utf8")) as Record<string, Entry>;
const ST_DATA = ST.subarray(8 + ST_HEADER_LEN);

/** The tiny model's weights with a rewritten header (the tensor bytes are kept as they are). */
function withHeader(edit: (h: Record<string, Entry>) => void): Buffer {
  const h = JSON.parse(JSON.stringify(ST_HEADER)) as Record<string, Entry>;
  edit(h);
  const json = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ST_DATA]);
}

const badModel = (f: string) => readFileSync(join(BAD, "models", f));
const tinyTokenizer = () => JSON.parse(readFileSync(join(TINY, "tokenizer.json"), "utf8"));
const info = (ctx: Ctx) => ["info", "--model", join(ctx.tmp, "model")];

// --- the cases -------------------------------------------------------------------------------------------

const inspect = (file: string, place: RegExp, spawn = false): Case => ({
  name: `data inspect ${file}`, argv: () => ["data", "inspect", "--strict", data(file)], file, place, spawn,
});

const CASES: Case[] = [
  // Data files, every container and schema, through `data inspect --strict` (stops at the first bad record).
  inspect("alpaca-truncated.json", /:3: \[index 1\] record is cut off by the end of the file/),
  inspect("alpaca-truncated-line.jsonl", /:3: not valid JSON: unterminated string/, true),
  inspect("alpaca-bad-utf8.jsonl", /:2: not valid UTF-8 \(byte 0xc3/),
  inspect("alpaca-bad-utf8.json", /:3: \[index 1\] not valid UTF-8/),
  inspect("dolly-bad-utf8.csv", /:3: field 3 is not valid UTF-8/),
  inspect("alpaca-wrong-type.jsonl", /:3: field 'instruction' must be a string, got number/),
  inspect("chat-messages-not-array.jsonl", /:2: field 'messages' must be an array/),
  inspect("chat-bad-role.jsonl", /:2: messages\[1\]\.role 'robot'/),
  inspect("alpaca-missing-output.json", /:12: \[index 2\] missing field 'output'/),
  inspect("dolly-missing-response.jsonl", /:2: missing field 'response'/),
  inspect("alpaca-empty-output.jsonl", /:2: empty response/),
  inspect("chat-empty-assistant.jsonl", /:2: empty response/),
  inspect("prompt-completion-empty.jsonl", /:2: empty response/),
  inspect("alpaca-duplicate-ids.jsonl", /:3: duplicate id 'a1' \(first used at line 1\)/),
  inspect("alpaca-ragged.csv", /:3: row has 4 fields, the header has 3/),
  inspect("alpaca-unclosed-quote.csv", /:3: quoted field opened on line 3 is never closed/),
  inspect("alpaca-duplicate-header.csv", /:1: CSV header names column 'input' twice/),
  inspect("chat-bad-messages.csv", /:3: column 'messages' must hold a JSON array/),
  inspect("fake.parquet", /not a Parquet file: it does not start with the "PAR1" magic bytes/),
  inspect("garbage-magic.parquet", /the footer metadata cannot be decoded/),
  inspect("truncated.parquet", /no "PAR1" footer at the end/),
  inspect("empty.jsonl", /: empty file/),
  inspect("utf16.json", /: file is UTF-16/),
  inspect("object-not-task.json", /:1: a JSON object that is not a task file/),
  inspect("array-line.jsonl", /:2: record must be a JSON object, got array/),
  inspect("alpaca-trailing-garbage.json", /:4: unexpected text after the closing '\]'/),
  inspect("sharegpt-bad-from.json", /:15: \[index 1\] conversations\[1\]\.from 'wizard'/),
  inspect("task-instances-not-array.json", /field 'Instances' must be an array/),
  inspect("task-instance-bad-output.json", /\[index 1\] Instances\[1\]: field 'output' must be an array of strings/),
  inspect("flan-missing-targets.jsonl", /:2: missing field 'targets'/),
  inspect("flan-surrogate.jsonl", /:2: turn 1 has an unpaired UTF-16 surrogate/),
  {
    // The "1 GB line": a sparse file, so it costs no disk and little time, but the reader goes through
    // every byte of it and must neither hold the line in memory nor accept it.
    name: "a 1 GiB line in JSONL", file: "huge-line.jsonl", place: /:2: line is \d{10} bytes, longer than the limit of 16777216/,
    setup: (ctx) => sparseFile(join(ctx.tmp, "huge-line.jsonl"), `${GOOD_ROW}\n{"instruction": "`, 1024 * MiB, `", "input": "", "output": "x"}\n`),
    argv: (ctx) => ["data", "inspect", "--strict", join(ctx.tmp, "huge-line.jsonl")],
  },
  {
    name: "a 17 MiB element in a JSON array", file: "huge-record.json", place: /:3: \[index 1\] record is \d+ bytes, longer than the limit/,
    setup: (ctx) => sparseFile(join(ctx.tmp, "huge-record.json"), `[\n  ${GOOD_ROW},\n  {"instruction": "`, 17 * MiB, `", "output": "x"}\n]\n`),
    argv: (ctx) => ["data", "inspect", "--strict", join(ctx.tmp, "huge-record.json")],
  },
  {
    name: "a 17 MiB CSV row", file: "huge-row.csv", place: /:3: row is longer than the limit of 16777216 bytes/,
    setup: (ctx) => sparseFile(join(ctx.tmp, "huge-row.csv"), "instruction,input,output\nName a color.,,Blue\nx", 17 * MiB, ",,y\n"),
    argv: (ctx) => ["data", "inspect", "--strict", join(ctx.tmp, "huge-row.csv")],
  },

  // Model directories: the tiny fixture model with one part broken, through `info` (and generate/tokenize/serve).
  { name: "model.safetensors missing", file: "model.safetensors", place: /model\.safetensors: missing/, setup: (c) => void modelDir(c, { "model.safetensors": null }), argv: info, spawn: true },
  {
    name: "only a pickle (pytorch_model.bin)", file: "model", place: /only pytorch_model\.bin found; nanoinstruct loads model\.safetensors only/,
    setup: (c) => void modelDir(c, { "model.safetensors": null, "pytorch_model.bin": Buffer.from("\x80\x02cposix\nsystem\nq\x00X\x05\x00\x00\x00touchq\x01\x85q\x02Rq\x03.", "latin1") }), argv: info,
  },
  { name: "truncated model.safetensors", file: "model.safetensors", place: /truncated: tensor 'transformer\.wte\.weight' needs data bytes up to/, setup: (c) => void modelDir(c, { "model.safetensors": ST.subarray(0, ST.length - 1000) }), argv: info },
  { name: "model.safetensors of 5 bytes", file: "model.safetensors", place: /5 bytes, shorter than the 8-byte header length/, setup: (c) => void modelDir(c, { "model.safetensors": ST.subarray(0, 5) }), argv: info },
  {
    name: "header length beyond the file", file: "model.safetensors", place: /header length 1000000000000 exceeds the \d+ bytes after it/,
    setup: (c) => {
      const b = Buffer.from(ST);
      b.writeBigUInt64LE(10n ** 12n, 0);
      modelDir(c, { "model.safetensors": b });
    }, argv: info,
  },
  {
    name: "header not a JSON object", file: "model.safetensors", place: /header is not a JSON object/,
    setup: (c) => {
      const b = Buffer.from(ST);
      b.write("[", 8);
      modelDir(c, { "model.safetensors": b });
    }, argv: info,
  },
  {
    name: "header lies: two tensors at the same offsets", file: "model.safetensors", place: /tensor 'transformer\.h\.0\.attn\.c_attn\.weight' data_offsets \[0,12288\] overlap the previous tensor/,
    setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.h.0.attn.c_attn.weight"].data_offsets = [0, 12288])) }), argv: info,
  },
  {
    name: "header lies: offsets shifted past the data", file: "model.safetensors", place: /tensor 'transformer\.wte\.weight' data_offsets start at \d+, leaving a gap/,
    setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.wte.weight"].data_offsets = h["transformer.wte.weight"].data_offsets.map((x) => x + 4) as [number, number])) }), argv: info,
  },
  {
    name: "header lies: shape does not fit the byte range", file: "model.safetensors", place: /tensor 'transformer\.wpe\.weight': data_offsets \[\d+,\d+\] span \d+ bytes but F32 \[64,33\] needs \d+/,
    setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.wpe.weight"].shape = [64, 33])) }), argv: info,
  },
  { name: "unknown dtype", file: "model.safetensors", place: /tensor 'transformer\.h\.0\.ln_1\.bias': unknown dtype 'F7'/, setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.h.0.ln_1.bias"].dtype = "F7")) }), argv: info },
  { name: "unsupported dtype U32", file: "model.safetensors", place: /tensor 'transformer\.h\.0\.ln_1\.bias': dtype U32 is not supported/, setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.h.0.ln_1.bias"].dtype = "U32")) }), argv: info },
  { name: "integer weights (I32)", file: "model.safetensors", place: /tensor 'transformer\.h\.0\.ln_1\.bias' is I32, expected a float tensor/, setup: (c) => void modelDir(c, { "model.safetensors": withHeader((h) => (h["transformer.h.0.ln_1.bias"].dtype = "I32")) }), argv: info },
  {
    name: "shapes do not match config.json (n_embd)", file: "model.safetensors", place: /tensor 'transformer\.wte\.weight' has shape \[357,32\] but config\.json implies \[357,48\]/,
    setup: (c) => void modelDir(c, { "config.json": badModel("config-shape-mismatch.json") }), argv: info,
  },
  { name: "config.json has more layers than the weights", file: "model.safetensors", place: /missing tensor transformer\.h\.2\.ln_1\.weight \(and 11 more\)/, setup: (c) => void modelDir(c, { "config.json": badModel("config-more-layers.json") }), argv: info },
  { name: "config.json cut off", file: "config.json", place: /config\.json: not valid JSON \(.*position 200/, setup: (c) => void modelDir(c, { "config.json": badModel("config-not-json.json") }), argv: info },
  { name: "config.json of another architecture", file: "config.json", place: /config\.json: model_type "llama" is not supported/, setup: (c) => void modelDir(c, { "config.json": badModel("config-llama.json") }), argv: info },
  { name: "config.json: heads do not divide n_embd", file: "config.json", place: /config\.json: nEmbd \(32\) must be divisible by nHead \(3\)/, setup: (c) => void modelDir(c, { "config.json": badModel("config-heads-indivisible.json") }), argv: info },
  { name: "config.json: a count given as a string", file: "config.json", place: /config\.json: n_layer must be a positive integer, got "2"/, setup: (c) => void modelDir(c, { "config.json": badModel("config-wrong-type.json") }), argv: info },
  { name: "tokenizer larger than vocab_size", file: "config.json", place: /config\.json: vocab_size is 300 but the tokenizer files .* have 357 tokens/, setup: (c) => void modelDir(c, { "config.json": badModel("config-vocab-too-small.json") }), argv: info },
  {
    name: "tokenizer adds a token beyond vocab_size", file: "config.json", place: /config\.json: vocab_size is 357 but the tokenizer files .* have 501 tokens/,
    setup: (c) => {
      const t = tinyTokenizer();
      t.added_tokens.push({ id: 500, content: "<|extra|>", special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
      modelDir(c, { "tokenizer.json": JSON.stringify(t) });
    }, argv: info,
  },
  {
    name: "tokenizer merge names a token not in the vocabulary", file: "tokenizer.json", place: /tokenizer\.json: merge #101 "zzq qqz": token "zzq" is not in the vocabulary/,
    setup: (c) => {
      const t = tinyTokenizer();
      t.model.merges.push(["zzq", "qqz"]);
      modelDir(c, { "tokenizer.json": JSON.stringify(t) });
    }, argv: (c) => ["tokenize", "--model", join(c.tmp, "model"), "--text", "hello"],
  },
  { name: "tokenizer.json cut off", file: "tokenizer.json", place: /tokenizer\.json:1: invalid JSON/, setup: (c) => void modelDir(c, { "tokenizer.json": badModel("tokenizer-truncated.json") }), argv: (c) => ["generate", "--model", join(c.tmp, "model"), "--prompt", "hi"] },
  {
    name: "merges.txt with a malformed line", file: "merges.txt", place: /merges\.txt:5: merge: "Ġthe" is not a merge of two tokens/,
    setup: (c) => void modelDir(c, { "tokenizer.json": null, "vocab.json": readFileSync(join(TINY, "vocab.json")), "merges.txt": badModel("merges-bad-line.txt") }), argv: info,
  },
  {
    name: "vocab.json gives one id to two tokens", file: "vocab.json", place: /vocab\.json: vocab\.json: id 1 is used by both/,
    setup: (c) => void modelDir(c, { "tokenizer.json": null, "vocab.json": badModel("vocab-duplicate-id.json"), "merges.txt": readFileSync(join(TINY, "merges.txt")) }), argv: info,
  },
  { name: "tokenizer_config.json names an eos token that does not exist", file: "tokenizer_config.json", place: /tokenizer_config\.json: eos_token "<\|not-in-vocab\|>" is not in the vocabulary/, setup: (c) => void modelDir(c, { "tokenizer_config.json": badModel("tokenizer-config-eos-missing.json") }), argv: info },
  { name: "serve a model without weights", file: "model.safetensors", place: /model\.safetensors: missing/, setup: (c) => void modelDir(c, { "model.safetensors": null }), argv: (c) => ["serve", "--model", join(c.tmp, "model"), "--port", "0"], spawn: true },

  // Training configs, through `train --config` (the run directory must never appear).
  ...([
    ["train-unknown-key.json", /: unknown key 'learningrate' \(did you mean 'learningRate'\?\)/],
    ["train-unknown-nested-key.json", /: unknown key 'train\.warmup'/],
    ["train-wrong-type.json", /: 'train\.batchSize' must be a number, got "2"/],
    ["train-negative-lr.json", /: train\.learningRate must be > 0/],
    ["train-infinite-lr.json", /: 'train\.learningRate' must be a finite number, got Infinity/],
    ["train-maxlength-over-context.json", /: 'maxLength' 4096 exceeds the model's context \(64 tokens/],
    ["train-truncated.json", /: not valid JSON \(.*position 90/],
    ["train-not-object.json", /: expected a JSON object/],
    ["train-train-not-object.json", /: 'train' must be an object, got "fast"/],
    ["train-lora-rank-zero.json", /: lora\.rank must be a positive integer, got 0/],
    ["train-bad-mode.json", /: 'mode' must be full or lora, got "half"/],
    ["train-beta-out-of-range.json", /: train\.beta2 must be in \[0, 1\), got 1\.5/],
    ["train-bad-truncation.json", /: 'truncation' must be drop, truncate-left-prompt or truncate-right, got "middle"/],
    ["train-unknown-template.json", /: 'template': unknown template 'llama9': use one of alpaca, /],
  ] as const).map(([file, place], i): Case => ({
    name: `train --config ${file}`, file, place, spawn: i === 0,
    argv: (c) => ["train", "--config", cfg(file), "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"],
  })),
  { name: "train on records all longer than the context", file: "long-records.jsonl", place: /long-records\.jsonl:1: record 'long-records-0' is longer than maxLength 64 tokens \(truncation "drop"\); all 3 training records were dropped/, argv: (c) => ["train", "--config", cfg("train-long-records.json"), "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"] },
  { name: "train on a fake Parquet file", file: "fake.parquet", place: /fake\.parquet: not a Parquet file/, argv: (c) => ["train", "--config", cfg("train-fake-parquet.json"), "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"] },
  { name: "train on a missing data file", file: "no-such-file.jsonl", place: /no-such-file\.jsonl: no such file or directory/, argv: (c) => ["train", "--config", cfg("train-missing-data.json"), "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"] },
  { name: "train --set with an impossible value", file: "train-good.json", place: /train-good\.json: train\.learningRate must be > 0/, argv: (c) => ["train", "--config", cfg("train-good.json"), "--set", "learningRate=-1", "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"] },
  { name: "train --set with the wrong type", file: "train-good.json", place: /train-good\.json: 'maxSteps' must be a number, got "many"/, argv: (c) => ["train", "--config", cfg("train-good.json"), "--set", "maxSteps=many", "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"] },
  // Pretraining configs.
  ...([
    ["pretrain-unknown-key.json", /: unknown key 'nLayers' \(did you mean 'nLayer'\?\)/],
    ["pretrain-heads-indivisible.json", /: nEmbd \(30\) must be divisible by nHead \(4\)/],
    ["pretrain-negative-steps.json", /: train\.maxSteps must be a positive integer, got -5/],
  ] as const).map(([file, place]): Case => ({
    name: `pretrain --config ${file}`, file, place,
    argv: (c) => ["pretrain", "--config", cfg(file), "--set", `outDir=${join(c.tmp, "run")}`, "--quiet"],
  })),
  // Mixture recipes, through `mix` (the output directory must never appear).
  ...([
    ["mix-unknown-key.json", "mix-unknown-key.json", /: shuffle is not a known key/],
    ["mix-negative-weight.json", "mix-negative-weight.json", /: sources\[0\]\.weight must be a number >= 0, got -1/],
    ["mix-truncated.json", "mix-truncated.json", /:1: not valid JSON: unterminated string \(column 57\)/],
    ["mix-missing-source.json", "no-such-file.jsonl", /no-such-file\.jsonl: cannot read: no such file/],
    ["mix-bad-source-data.json", "garbage-magic.parquet", /garbage-magic\.parquet: not a readable Parquet file/],
  ] as const).map(([file, named, place], i): Case => ({
    name: `mix --recipe ${file}`, file: named, place, spawn: i === 0,
    argv: (c) => ["mix", "--recipe", recipe(file), "--out", join(c.tmp, "mix")],
  })),
  // Evaluation on a broken evaluation set (the output directory must hold no summary).
  {
    name: "eval on a truncated Parquet eval set", file: "truncated.parquet", place: /no "PAR1" footer/, spawn: true,
    argv: (c) => ["eval", "--model", TINY, "--baseline", TINY, "--eval-set", data("truncated.parquet"), "--judge", "reference", "--out", join(c.tmp, "eval"), "--json"],
  },
];

interface Outcome {
  name: string;
  how: "in-process" | "spawned";
  problems: string[];
  line: string;
}

function check(c: Case, ctx: Ctx, before: string[], r: CliResult, how: Outcome["how"]): Outcome {
  const problems = failureProblems(r, c.file, c.place);
  const left = listTree(ctx.tmp).filter((f) => !before.includes(f));
  if (left.length > 0) problems.push(`left behind: ${left.slice(0, 4).join(", ")}`);
  return { name: c.name, how, problems, line: r.stderr.trim().split("\n")[0] ?? "" };
}

test("bad-input suite: every malformed input fails cleanly, with one line naming the file and the place", async () => {
  assert.ok(CASES.length >= 40, `${CASES.length} cases`);
  const root = mkdtempSync(join(tmpdir(), "nano-bad-inputs-"));
  const outcomes: Outcome[] = [];
  const t0 = performance.now();
  try {
    const prepared = CASES.map((c, i) => {
      const ctx = { tmp: join(root, String(i)) };
      mkdirSync(ctx.tmp);
      c.setup?.(ctx);
      return { c, ctx, before: listTree(ctx.tmp) };
    });
    const slow: string[] = [];
    for (const { c, ctx, before } of prepared) {
      const t = performance.now();
      const r = await runInProcess(c.argv(ctx)).catch((err): CliResult => ({ code: null, stdout: "", stderr: `main threw: ${String(err)}` }));
      outcomes.push(check(c, ctx, before, r, "in-process"));
      if (performance.now() - t > 1000) slow.push(`${c.name} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    if (slow.length) console.log(`  slowest in-process cases: ${slow.join(", ")}`);
    const tIn = performance.now();
    // The real processes, two at a time (the machine is shared).
    const spawned = prepared.filter((p) => p.c.spawn);
    for (let i = 0; i < spawned.length; i += 2) {
      const batch = spawned.slice(i, i + 2);
      const results = await Promise.all(batch.map((p) => runCli(p.c.argv(p.ctx), { HF_HUB_OFFLINE: "1" })));
      batch.forEach((p, k) => outcomes.push(check(p.c, p.ctx, p.before, results[k], "spawned")));
    }
    const failed = outcomes.filter((o) => o.problems.length > 0);
    const failedCases = new Set(failed.map((o) => o.name));
    for (const o of failed) console.log(`  FAIL ${o.name} (${o.how}): ${o.problems.join("; ")}\n       ${o.line}`);
    console.log(`bad-input suite: ${CASES.length} cases tried, ${CASES.length - failedCases.size} passed ` +
      `(${outcomes.filter((o) => o.how === "in-process").length} in-process in ${((tIn - t0) / 1000).toFixed(1)} s, ` +
      `${spawned.length} also as real processes in ${((performance.now() - tIn) / 1000).toFixed(1)} s)`);
    assert.deepEqual(failed.map((o) => `${o.name} (${o.how}): ${o.problems.join("; ")}`), []);
    // The configs' own outDir (every case overrides it with --set) was never created either.
    assert.equal(existsSync("runs/bad-input-never-written"), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
