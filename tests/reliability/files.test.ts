// Files and the system (issue #19, items 11-15): a FIFO or a device where a data, config or model file
// should be is refused at once (never read for ever), as are output paths in pseudo file systems; metadata
// files are size-capped and a file that fails to parse is quoted by a short escaped excerpt at most; a
// tokenizer merge whose result is not in the vocabulary is refused; disk-full, permission and
// file-where-a-directory-should-be errors are one line naming the path; malformed URLs get 400.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { failureProblems, runInProcess, type CliResult } from "./helpers";
import { fileError, withAtomicFile, writeAll, writeFileAtomic } from "../../lib/fsutil";
import { UserError } from "../../lib/errors";
import { loadModel } from "../../lib/model/load";
import { ModelEngine } from "../../lib/serve/engine";
import { startServer } from "../../lib/serve/server";

const TINY = resolve("tests/fixtures/tiny-gpt2");
const TRAIN = {
  model: "tests/fixtures/tiny-gpt2", data: "tests/fixtures/data/alpaca.json", mode: "full", maxSteps: 2, batchSize: 2,
  learningRate: 0.003, seed: 3, checkpointEvery: 0, evalEvery: 0, evalFraction: 0, maxLength: 64,
};

function withTmp(fn: (tmp: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const tmp = mkdtempSync(join(tmpdir(), "nano-files-"));
    try {
      await fn(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}

const clean = (r: CliResult, file: string, place: RegExp) => assert.deepEqual(failureProblems(r, file, place), [], r.stderr);

function fifo(path: string): string {
  const r = spawnSync("mkfifo", [path]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
  return path;
}

test("11: a FIFO with no writer is refused by data inspect, mix and train (no hang), and by config reading", withTmp(async (tmp) => {
  const pipe = fifo(join(tmp, "data.jsonl"));
  clean(await runInProcess(["data", "inspect", pipe]), pipe, /is a FIFO \(named pipe\), not a regular file/);
  const recipe = join(tmp, "recipe.json");
  writeFileSync(recipe, JSON.stringify({ sources: [{ name: "p", file: pipe }], seed: 0 }));
  clean(await runInProcess(["mix", "--recipe", recipe, "--out", join(tmp, "mix")]), pipe, /FIFO/);
  const cfg = join(tmp, "cfg.json");
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, data: pipe, outDir: join(tmp, "run") }));
  clean(await runInProcess(["train", "--config", cfg, "--quiet"]), pipe, /FIFO/);
  const cfgPipe = fifo(join(tmp, "cfg-pipe.json"));
  clean(await runInProcess(["train", "--config", cfgPipe, "--quiet"]), cfgPipe, /the config file is a FIFO/);
  assert.equal(existsSync(join(tmp, "mix")), false);
  // A mixture directory whose manifest is a FIFO, and an outDir whose config.json is one: refused, not waited on.
  mkdirSync(join(tmp, "mixdir"));
  fifo(join(tmp, "mixdir", "manifest.json"));
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, data: join(tmp, "mixdir"), outDir: join(tmp, "run") }));
  clean(await runInProcess(["train", "--config", cfg, "--quiet"]), "manifest.json", /the mixture manifest is a FIFO/);
  const seeds = fifo(join(tmp, "seeds.jsonl"));
  clean(await runInProcess(["self-instruct", "--url", "http://127.0.0.1:9/v1", "--model", "m", "--n", "1", "--seed-tasks", seeds, "--out", join(tmp, "si.jsonl")]), seeds, /the seed-task file is a FIFO/);
  mkdirSync(join(tmp, "out-fifo"));
  fifo(join(tmp, "out-fifo", "config.json"));
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, outDir: join(tmp, "out-fifo") }));
  clean(await runInProcess(["train", "--config", cfg, "--quiet"]), "out-fifo", /is not a nanoinstruct run/);
}));

test("11: output paths inside /proc, /sys or /dev are refused", withTmp(async (tmp) => {
  const cfg = join(tmp, "cfg.json");
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, outDir: join(tmp, "run") }));
  for (const out of ["/proc/self/x", "/sys/nano-run", "/dev/nano-run"]) {
    clean(await runInProcess(["train", "--config", cfg, "--set", `outDir=${out}`, "--quiet"]), out, /inside \/(proc|sys|dev), a pseudo file system/);
  }
  // Through a link, too.
  symlinkSync("/proc/self", join(tmp, "self"));
  clean(await runInProcess(["train", "--config", cfg, "--set", `outDir=${join(tmp, "self", "x")}`, "--quiet"]), "self", /pseudo file system/);
  const recipe = join(tmp, "recipe.json");
  writeFileSync(recipe, JSON.stringify({ sources: [{ name: "a", file: resolve("tests/fixtures/data/alpaca.json") }], seed: 0 }));
  clean(await runInProcess(["mix", "--recipe", recipe, "--out", "/proc/self/mix"]), "/proc/self/mix", /pseudo file system/);
}));

test("12: model metadata linked to /dev/zero or /dev/urandom is refused at once; a 2 MB config.json is refused by size", withTmp(async (tmp) => {
  const model = (name: string, file: string, target: string | Buffer) => {
    const dir = join(tmp, name);
    cpSync(TINY, dir, { recursive: true });
    rmSync(join(dir, file));
    if (typeof target === "string") symlinkSync(target, join(dir, file));
    else writeFileSync(join(dir, file), target);
    return dir;
  };
  clean(await runInProcess(["info", "--model", model("zero", "config.json", "/dev/zero")]), "config.json", /is a device, not a regular file/);
  clean(await runInProcess(["info", "--model", model("urandom", "tokenizer.json", "/dev/urandom")]), "tokenizer.json", /is a device, not a regular file/);
  const big = Buffer.alloc(2 * 1024 * 1024 + 10, 0x20);
  clean(await runInProcess(["info", "--model", model("big", "config.json", big)]), "config.json", /is 2097162 bytes, more than the 1048576/);
  const pipeDir = model("pipe", "tokenizer.json", Buffer.from(""));
  rmSync(join(pipeDir, "tokenizer.json"));
  fifo(join(pipeDir, "tokenizer.json"));
  clean(await runInProcess(["info", "--model", pipeDir]), "tokenizer.json", /FIFO/);
}));

test("12: a metadata file that does not parse is quoted by a short escaped excerpt at most (a link to /etc/passwd)", withTmp(async (tmp) => {
  const secret = join(tmp, "secret.txt");
  writeFileSync(secret, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
  for (const file of ["tokenizer.json", "config.json"]) {
    const dir = join(tmp, file.replace(".json", ""));
    cpSync(TINY, dir, { recursive: true });
    rmSync(join(dir, file));
    symlinkSync(secret, join(dir, file));
    const r = await runInProcess(["info", "--model", dir]);
    clean(r, file, /(invalid|not valid) JSON \(at position 0/);
    assert.doesNotMatch(r.stderr, /\/bin\/bash|daemon|\/root/, "no more than a short excerpt of the file");
  }
}));

test("13: a tokenizer merge whose result is not in the vocabulary is refused (tokenizer.json and merges.txt)", withTmp(async (tmp) => {
  const dir = join(tmp, "tok");
  cpSync(TINY, dir, { recursive: true });
  const tj = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
  assert.equal(tj.model.vocab["QZ"], undefined);
  tj.model.vocab["Q"] ??= Object.keys(tj.model.vocab).length;
  tj.model.merges.push("Q Z");
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tj));
  clean(await runInProcess(["tokenize", "--model", dir, "--text", "QZ"]), "tokenizer.json", /merge #\d+ "Q Z": token "QZ" is not in the vocabulary/);
  // The classic pair of files.
  rmSync(join(dir, "tokenizer.json"));
  writeFileSync(join(dir, "merges.txt"), readFileSync(join(dir, "merges.txt"), "utf8").trimEnd() + "\nQ Z\n");
  clean(await runInProcess(["tokenize", "--model", dir, "--text", "QZ"]), dir, /merge #\d+ "Q Z": token "QZ" is not in the vocabulary/);
}));

test("14: disk full, permission denied and a file where a directory should be are one line naming the path", withTmp(async (tmp) => {
  // A real ENOSPC from the kernel (/dev/full) inside an atomic write: the target keeps its old content, no temp is left.
  const target = join(tmp, "state.json");
  writeFileAtomic(target, "old\n");
  assert.throws(() => withAtomicFile(target, () => {
    const full = openSync("/dev/full", "w");
    try {
      writeAll(full, Buffer.alloc(4096));
    } finally {
      closeSync(full);
    }
  }), (e: Error) => e instanceof UserError && e.message === `${target}: no space left on the device; free some space (the last checkpoint is still valid) and run again (with --resume to continue a training run) (ENOSPC)`);
  assert.equal(readFileSync(target, "utf8"), "old\n");
  assert.deepEqual(readdirSync(tmp), ["state.json"]);
  const eacces = Object.assign(new Error("EACCES: permission denied, open '/x/y'"), { code: "EACCES", path: "/x/y" });
  assert.equal(fileError(eacces, "/x").message, "/x/y: permission denied; choose a path you can write to or fix its permissions (EACCES)");
  // A file where the run directory's parent should be: through the CLI, one line naming it.
  writeFileSync(join(tmp, "afile"), "x");
  const cfg = join(tmp, "cfg.json");
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, outDir: join(tmp, "afile", "run") }));
  clean(await runInProcess(["train", "--config", cfg, "--quiet"]), "afile", /a file is where a directory should be; move that file or choose another path \(ENOTDIR\)/);
  // A file where the checkpoints directory should be, after training: the error names it (no "internal error").
  const out = join(tmp, "run2");
  mkdirSync(out);
  writeFileSync(cfg, JSON.stringify({ ...TRAIN, outDir: out, checkpointEvery: 1 }));
  const first = await runInProcess(["train", "--config", cfg, "--quiet"]);
  assert.equal(first.code, 0, first.stderr);
  rmSync(join(out, "checkpoints"), { recursive: true });
  writeFileSync(join(out, "checkpoints"), "not a directory");
  clean(await runInProcess(["train", "--config", cfg, "--quiet"]), "checkpoints", /(ENOTDIR|EEXIST)/);
}));

test("15: malformed percent-encoding in a URL gets 400, and the server lives on", async () => {
  const loaded = await loadModel(TINY);
  const srv = await startServer({ engine: new ModelEngine(loaded.model, loaded.tokenizer), config: { port: 0, modelId: "tiny", maxTokens: 8, maxBodyBytes: 4000, maxTopLogprobs: 5 } });
  try {
    for (const bad of ["%E0%A4%A", "%", "%ZZ", "abc%"]) {
      const res = await fetch(`${srv.url}/v1/models/${bad}`);
      assert.equal(res.status, 400, bad);
      const body = await res.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, "invalid_url");
      assert.match(body.error.message, /malformed URL/);
    }
    assert.equal((await fetch(`${srv.url}/v1/models/tiny`)).status, 200);
  } finally {
    await srv.close();
    loaded.model.dispose();
  }
});
