// Outputs that never destroy data (issue #19, items 1-5 and 16): a run directory is refused when it holds
// someone else's files or another run (unless --overwrite), "" is not a directory, exports never delete
// what nanoinstruct did not write and never the run itself, a second process on the same run directory is
// refused while the first holds its lock (a stale lock of a killed process is taken over), and SIGINT/
// SIGTERM stop at the end of a step with a checkpoint and say how to resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { failureProblems, runCli, runInProcess, spawnCli } from "./helpers";
import { claimRunDir, exportModelDir, LOCK_FILE } from "../../lib/rundir";
import { listCheckpoints } from "../../lib/train/checkpoint";

const TINY = resolve("tests/fixtures/tiny-gpt2");
const TRAIN = {
  model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", mode: "full", maxSteps: 2, batchSize: 2,
  learningRate: 0.003, seed: 3, checkpointEvery: 0, evalEvery: 0, evalFraction: 0, maxLength: 64,
};

function withTmp(fn: (tmp: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const tmp = mkdtempSync(join(tmpdir(), "nano-outputs-"));
    try {
      await fn(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}

function trainConfig(tmp: string, over: Record<string, unknown> = {}): string {
  const file = join(tmp, `cfg-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileSync(file, JSON.stringify({ ...TRAIN, outDir: join(tmp, "run"), ...over }));
  return file;
}

const assertClean = (r: Awaited<ReturnType<typeof runInProcess>>, file: string, place: RegExp) =>
  assert.deepEqual(failureProblems(r, file, place), [], `${r.stderr}`);

/** A user's directory: files nanoinstruct never wrote. */
function userDir(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files = { "config.json": '{"mine": true}\n', "notes.txt": "do not delete\n" };
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return files;
}
const unchanged = (dir: string, files: Record<string, string>) => {
  for (const [n, c] of Object.entries(files)) assert.equal(readFileSync(join(dir, n), "utf8"), c, `${dir}/${n} changed`);
};

// A tiny pretraining config: the refusals below all come before the world or the corpus is generated.
function pretrainConfig(tmp: string, over: Record<string, unknown>): string {
  const file = join(tmp, "pre.json");
  writeFileSync(file, JSON.stringify({ outDir: join(tmp, "pre"), corpusChars: 20000, vocabSize: 300, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 16, train: { maxSteps: 1, batchSize: 1, microBatchSize: 1 }, ...over }));
  return file;
}

test("1: pretrain's exportDir never deletes a directory nanoinstruct did not write", withTmp(async (tmp) => {
  const dest = join(tmp, "mine");
  const files = userDir(dest);
  const r = await runInProcess(["pretrain", "--config", pretrainConfig(tmp, { exportDir: dest }), "--quiet"]);
  assertClean(r, dest, /refusing to replace 'exportDir': it holds files nanoinstruct did not write \(notes\.txt\)/);
  unchanged(dest, files);
  assert.equal(existsSync(join(tmp, "pre")), false, "nothing trained or written");
}));

test("1: an export replaces an earlier export atomically, and refuses a model directory with a stranger's file", withTmp(async (tmp) => {
  const run = join(tmp, "run"), src = join(run, "model"), dest = join(tmp, "export");
  cpSync(TINY, src, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(src, "config.json"), "utf8"));
  writeFileSync(join(src, "config.json"), JSON.stringify({ ...cfg, nanoinstruct: { name: "t" } }));
  rmSync(join(src, "reference.json"));
  exportModelDir(src, dest, run);
  writeFileSync(join(src, "README.md"), "second export\n");
  exportModelDir(src, dest, run);
  assert.equal(readFileSync(join(dest, "README.md"), "utf8"), "second export\n");
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith(".")), [], "no temporary directory left beside the export");
  writeFileSync(join(dest, "my-eval.csv"), "x\n");
  assert.throws(() => exportModelDir(src, dest, run), /holds files nanoinstruct did not write \(my-eval\.csv\)/);
  assert.equal(readFileSync(join(dest, "my-eval.csv"), "utf8"), "x\n");
}));

test("2: exportDir equal to, inside or above outDir is refused before anything runs", withTmp(async (tmp) => {
  const out = join(tmp, "pre");
  for (const [exportDir, why] of [[out, /inside the run directory/], [join(out, "model"), /inside the run directory/], [tmp, /contains the run directory/]] as const) {
    const r = await runInProcess(["pretrain", "--config", pretrainConfig(tmp, { exportDir }), "--quiet"]);
    assertClean(r, exportDir, why);
  }
  assert.equal(existsSync(out), false);
}));

test("3: an empty outDir is refused (it would write into the current directory)", withTmp(async (tmp) => {
  for (const argv of [
    ["train", "--config", trainConfig(tmp), "--set", "outDir=", "--quiet"],
    ["pretrain", "--config", pretrainConfig(tmp, {}), "--set", "outDir= ", "--quiet"],
  ]) {
    const r = await runInProcess(argv);
    assertClean(r, "outDir", /'outDir' is empty/);
  }
  assert.equal(existsSync("config.json"), false, "nothing written into the current directory");
}));

test("4: a non-empty outDir that is not this run is refused; --overwrite writes into it and deletes nothing else", withTmp(async (tmp) => {
  const out = join(tmp, "run");
  const files = userDir(out);
  const cfg = trainConfig(tmp);
  const r = await runInProcess(["train", "--config", cfg, "--quiet"]);
  assertClean(r, out, /is not a nanoinstruct run \(config\.json, notes\.txt\); choose a new outDir, or pass --overwrite/);
  unchanged(out, files);
  assert.deepEqual(readdirSync(out).sort(), ["config.json", "notes.txt"]);

  const ok = await runInProcess(["train", "--config", cfg, "--overwrite", "--quiet"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(readFileSync(join(out, "notes.txt"), "utf8"), files["notes.txt"], "--overwrite deletes nothing");
  assert.ok(existsSync(join(out, "model", "model.safetensors")));

  // Now a run of one config: the same config runs again; another is refused, even with --resume.
  const again = await runInProcess(["train", "--config", cfg, "--quiet"]);
  assert.equal(again.code, 0, again.stderr);
  const other = trainConfig(tmp, { learningRate: 0.001 });
  assertClean(await runInProcess(["train", "--config", other, "--quiet"]), out, /holds a run of a different config \(hash [0-9a-f]+, now [0-9a-f]+\)/);
  assertClean(await runInProcess(["train", "--config", other, "--resume", "--quiet"]), out, /started with a different config/);
}));

test("4: pretrain refuses a model directory as outDir (it would overwrite its config.json)", withTmp(async (tmp) => {
  const model = join(tmp, "m");
  cpSync(TINY, model, { recursive: true });
  const before = readFileSync(join(model, "config.json"), "utf8");
  assertClean(await runInProcess(["pretrain", "--config", pretrainConfig(tmp, { outDir: model }), "--quiet"]), model, /is not a nanoinstruct run/);
  assert.equal(readFileSync(join(model, "config.json"), "utf8"), before);
}));

test("4: eval --out refuses a directory holding files an evaluation does not write", withTmp(async (tmp) => {
  const out = join(tmp, "mine");
  const files = userDir(out);
  const r = await runInProcess(["eval", "--model", TINY, "--baseline", TINY, "--eval-set", "tests/fixtures/data/alpaca.json", "--judge", "reference", "--out", out]);
  assertClean(r, out, /holds files this command did not write \(config\.json, notes\.txt\); choose another --out, or pass --overwrite/);
  unchanged(out, files);
  assert.deepEqual(readdirSync(out).sort(), ["config.json", "notes.txt"]);
}));

test("5: a second process on the same run directory is refused while the first holds the lock", withTmp(async (tmp) => {
  const out = join(tmp, "run");
  const cfg = trainConfig(tmp, { maxSteps: 4, checkpointEvery: 4 });
  // The first run holds a checkpoint write open (test hook), so it is certainly mid-run when the second starts.
  const first = spawnCli(["train", "--config", cfg, "--quiet"], { NANOINSTRUCT_TEST_CHECKPOINT_PAUSE_MS: "4000" });
  const ckpts = join(out, "checkpoints");
  while (!(existsSync(ckpts) && readdirSync(ckpts).some((n) => n.startsWith(".step-")))) {
    assert.equal(first.p.exitCode, null, "the first run ended early");
    await new Promise((r) => setTimeout(r, 20));
  }
  const second = await runInProcess(["train", "--config", cfg, "--quiet"]);
  assertClean(second, out, new RegExp(`in use by process ${first.p.pid} .*lock .*${LOCK_FILE.replace(".", "\\.")}`));
  const r = await first.done;
  assert.equal(r.code, 0, r.stderr);
  const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(metrics.filter((m) => m.type === "train").map((m) => m.step), [1, 2, 3, 4], "one writer's lines only");
  assert.equal(existsSync(join(out, LOCK_FILE)), false, "the lock is released at the end");
}));

test("5: a stale lock left by a killed process is detected and taken over", withTmp(async (tmp) => {
  const out = join(tmp, "run");
  const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), started: "earlier" }));
  const messages: string[] = [];
  const claim = claimRunDir(out, { kind: "finetune", configHash: "abc", onMessage: (s) => messages.push(s) });
  assert.match(messages.join("\n"), new RegExp(`stale lock left by process ${dead}`));
  assert.equal(JSON.parse(readFileSync(join(out, LOCK_FILE), "utf8")).pid, process.pid);
  assert.throws(() => claimRunDir(out, { kind: "finetune", configHash: "abc" }), new RegExp(`in use by process ${process.pid}`));
  claim.release();
  assert.equal(existsSync(join(out, LOCK_FILE)), false);
  // And through the CLI: a run directory a SIGKILLed run left locked resumes.
  const cfg = trainConfig(tmp);
  writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), started: "earlier" }));
  rmSync(join(out, ".nanoinstruct-run.json"));
  const r = await runInProcess(["train", "--config", cfg, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
}));

test("16: SIGINT stops at the end of the step with a checkpoint and says how to resume; the resume finishes", withTmp(async (tmp) => {
  const out = join(tmp, "run");
  const cfg = trainConfig(tmp, { maxSteps: 8, checkpointEvery: 3 });
  // Signalled while the step-3 checkpoint is being written (test hook): the run must finish that step and stop.
  const child = spawnCli(["train", "--config", cfg], { NANOINSTRUCT_TEST_CHECKPOINT_PAUSE_MS: "1500" });
  const ckpts = join(out, "checkpoints");
  while (!(existsSync(ckpts) && readdirSync(ckpts).some((n) => n.startsWith(".step-")))) {
    assert.equal(child.p.exitCode, null, "the run ended before the signal");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.p.kill("SIGINT");
  const r = await child.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT: stopping after this step and writing a checkpoint/);
  assert.match(r.stderr, /interrupted \(SIGINT\) after step 3 of 8; checkpoint written, no model yet\. Continue with: nanoinstruct train --config \S+ --resume/);
  assert.deepEqual(listCheckpoints(out), [3]);
  assert.equal(existsSync(join(out, "model")), false);
  assert.equal(existsSync(join(out, LOCK_FILE)), false);
  const resumed = await runCli(["train", "--config", cfg, "--resume", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).resumed_from, 3);
}));

test("16: a second signal stops at once", withTmp(async (tmp) => {
  const script = join(tmp, "wait.ts");
  writeFileSync(script, `import { watchStopSignals } from ${JSON.stringify(resolve("lib/train/interrupt.ts"))};
watchStopSignals();
process.stdout.write("ready\\n");
setInterval(() => {}, 1000);
`);
  const p = (await import("node:child_process")).spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const closed = new Promise<number | null>((r) => p.on("close", (c) => r(c)));
  try {
    while (!out.includes("ready")) await new Promise((r) => setTimeout(r, 20));
    p.kill("SIGTERM");
    while (!err.includes("stopping after this step")) await new Promise((r) => setTimeout(r, 20));
    assert.equal(p.exitCode, null, "the first signal does not stop the process");
    p.kill("SIGTERM");
    assert.equal(await closed, 143);
    assert.match(err, /SIGTERM again: stopping now/);
  } finally {
    p.kill("SIGKILL");
  }
}));
