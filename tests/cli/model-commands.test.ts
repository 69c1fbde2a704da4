// The model commands driven as a user would: spawning the real `nanoinstruct` binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIXTURE = "tests/fixtures/tiny-gpt2";

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args], { env: { ...process.env, ...env } });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test("info --json reports config, parameters and backend", async () => {
  const r = await cli(["info", "--model", FIXTURE, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.parameters, 38944);
  assert.equal(info.config.nLayer, 2);
  assert.ok(["wasm", "cpu", "tensorflow"].includes(info.backend));
  // on wasm it says whether the native kernels run (what the engine reports), or why not
  if (info.backend === "wasm") {
    assert.equal(typeof info.nativeKernels, "string");
    assert.equal(/native kernels/.test(info.device), !info.nativeKernels.startsWith("not in use"));
  }
});

test("tokenize prints the ids as a JSON array", async () => {
  const ref = JSON.parse(readFileSync(join(FIXTURE, "reference.json"), "utf8")).cases[0];
  const r = await cli(["tokenize", "--model", FIXTURE, "--text", ref.text]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ref.ids);
});

test("score --json matches the reference log-probabilities", async () => {
  const ref = JSON.parse(readFileSync(join(FIXTURE, "reference.json"), "utf8")).cases[0];
  const r = await cli(["score", "--model", FIXTURE, "--text", ref.text, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.ids, ref.ids);
  assert.equal(out.logprobs.length, ref.ids.length - 1);
  out.logprobs.forEach((v: number, i: number) => assert.ok(Math.abs(v - ref.logprobs[i]) < 1e-4));
  const nll = -out.logprobs.reduce((a: number, b: number) => a + b, 0) / out.logprobs.length;
  assert.ok(Math.abs(out.nll - nll) < 1e-9);
  assert.ok(Math.abs(out.perplexity - Math.exp(nll)) < 1e-6);
});

test("generate is reproducible with a seed and greedy by default", async () => {
  const a = await cli(["generate", "--model", FIXTURE, "--prompt", "The robot", "--max-tokens", "8", "--temperature", "0.9", "--seed", "3", "--json"]);
  const b = await cli(["generate", "--model", FIXTURE, "--prompt", "The robot", "--max-tokens", "8", "--temperature", "0.9", "--seed", "3", "--json"]);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(JSON.parse(a.stdout).ids, JSON.parse(b.stdout).ids);
  const g = JSON.parse((await cli(["generate", "--model", FIXTURE, "--prompt", "The robot", "--max-tokens", "5", "--json"])).stdout);
  assert.ok(g.ids.length <= 5);
  assert.ok(["stop", "length"].includes(g.finish_reason));
});

test("missing or malformed models exit 2 with one line and no stack trace", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nano-bad-"));
  try {
    const cases: [string[], RegExp][] = [
      [["info", "--model", join(dir, "nope")], /no such directory/],
      [["info", "--model", "no-such-bundled-model"], /cannot download .no-such-bundled-model./],
      [["info"], /--model is required/],
      [["info", "--model", FIXTURE, "--bogus"], /unknown option '--bogus'/],
    ];
    // A model directory whose weights are truncated.
    const broken = join(dir, "broken");
    mkdirSync(broken);
    for (const f of ["config.json", "vocab.json", "merges.txt", "tokenizer_config.json"]) copyFileSync(join(FIXTURE, f), join(broken, f));
    writeFileSync(join(broken, "model.safetensors"), readFileSync(join(FIXTURE, "model.safetensors")).subarray(0, 5000));
    cases.push([["info", "--model", broken], /model\.safetensors/]);
    for (const [args, pattern] of cases) {
      const r = await cli(args, { HF_HUB_OFFLINE: "1" });
      assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(lines[0], pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a hub repo id downloads into the cache from a local hub server, then loads offline", async () => {
  const cache = mkdtempSync(join(tmpdir(), "nano-cache-"));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url!);
    const m = req.url!.match(/^\/tiny-org\/tiny-gpt2\/resolve\/main\/([\w.]+)$/);
    try {
      if (!m) throw new Error("no");
      res.end(readFileSync(join(FIXTURE, m[1])));
    } catch {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    const env = { HF_ENDPOINT: `http://127.0.0.1:${port}`, NANOINSTRUCT_CACHE: cache };
    const first = await cli(["info", "--model", "tiny-org/tiny-gpt2", "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).parameters, 38944);
    assert.ok(requests.some((u) => u.endsWith("/model.safetensors")));
    const seen = requests.length;
    const offline = await cli(["info", "--model", "tiny-org/tiny-gpt2", "--json"], { ...env, HF_HUB_OFFLINE: "1" });
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(requests.length, seen, "a cached model needs no network");
    const missing = await cli(["info", "--model", "tiny-org/other-model"], { HF_ENDPOINT: "http://127.0.0.1:9", NANOINSTRUCT_CACHE: cache });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot download|offline/);
  } finally {
    server.close();
    rmSync(cache, { recursive: true, force: true });
  }
});
