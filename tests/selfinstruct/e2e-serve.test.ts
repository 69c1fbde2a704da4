// End to end over real HTTP and real processes: `nanoinstruct serve` with the bundled nano-tiny model, and
// `nanoinstruct self-instruct` against it. The tiny model writes noise; whatever it writes must be parsed,
// screened and logged without a crash, through both the completions and the chat endpoint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RULE_NAMES } from "../../lib/selfinstruct/filters";

let server: ChildProcess;
let api: string;
let dir: string;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ["bin/nanoinstruct.js", ...args]);
  let stdout = "", stderr = "";
  p.stdout.on("data", (d) => (stdout += d));
  p.stderr.on("data", (d) => (stderr += d));
  return new Promise((r) => p.on("close", (code) => r({ code, stdout, stderr })));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ni-si-e2e-"));
  server = spawn(process.execPath, ["bin/nanoinstruct.js", "serve", "--model", "data/models/nano-tiny", "--port", "0", "--name", "tiny", "--truncate", "--max-tokens", "64"]);
  let err = "";
  api = await new Promise<string>((resolve, reject) => {
    server.stderr!.on("data", (d) => {
      err += d;
      const m = /at (http:\/\/\S+\/v1)/.exec(err);
      if (m) resolve(m[1]);
    });
    server.on("close", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
});

after(async () => {
  const closed = new Promise((r) => server.once("close", r));
  server.kill("SIGTERM");
  await closed;
  rmSync(dir, { recursive: true, force: true });
});

const readJsonl = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

for (const endpoint of ["completions", "chat"] as const) {
  test(`self-instruct against nano-tiny through /v1/${endpoint === "chat" ? "chat/" : ""}completions`, async () => {
    const out = join(dir, endpoint, "gen.jsonl");
    const r = await run([
      "self-instruct", "--url", api, "--model", "tiny", "--api", endpoint, "--n", "50", "--out", out,
      "--max-requests", "3", "--requests-per-batch", "3", "--max-tokens", "64", "--seed", "1", "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.stopped, "max-requests");
    assert.equal(summary.sent, 3);
    assert.match(r.stderr, /self-instruct: \d+\/50 kept \| 3 requests, \d+ candidates \| dropped: /);

    const log = readJsonl(summary.log);
    const requests = log.filter((l) => l.type === "request");
    const candidates = log.filter((l) => l.type === "candidate");
    assert.deepEqual(requests.map((l) => l.request), [0, 1, 2]);
    assert.ok(requests.every((l) => l.examples.length === 3 && l.chars >= 0 && typeof l.finish_reason === "string"));
    // At least one task per response: the prompt's open "N. Instruction:" always starts one.
    assert.equal(candidates.length, summary.candidates);
    assert.ok(candidates.length >= 3);
    for (const c of candidates) {
      assert.equal(typeof c.instruction, "string");
      assert.ok(c.kept ? typeof c.id === "string" : RULE_NAMES.includes(c.rule), JSON.stringify(c));
      assert.ok(Array.isArray(c.nearest) && c.nearest.length <= 10);
      for (const n of c.nearest) assert.ok(n.score > 0 && n.score <= 1 && typeof n.id === "string");
    }
    const kept = existsSync(out) ? readJsonl(out) : [];
    assert.equal(kept.length, summary.kept);
    assert.deepEqual(kept.map((k) => k.id), candidates.filter((c) => c.kept).map((c) => c.id));
  });
}
