import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { main } from "../../lib/cli/main";

const FIX = "tests/fixtures/data";

/** The real command line, as a person runs it (a few cases: each spawn pays for Node and tsx start-up). */
function spawnInspect(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/nanoinstruct.js", "data", "inspect", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same dispatcher in this process, with console output captured. */
async function runInspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const code = await main(["data", "inspect", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("spawned: all valid -> exit 0 with format, counts and lengths", () => {
  const r = spawnInspect(`${FIX}/alpaca.json`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /format: alpaca \(json\)/);
  assert.match(r.stdout, /records: 3 read, 3 valid, 0 invalid/);
  assert.match(r.stdout, /prompt chars\s+3\s+34\s+36\s+43\s+43\s+37\.7/);
});

test("spawned: some invalid -> exit 1, each listed with file and line, capped by --limit", () => {
  const r = spawnInspect(`${FIX}/chat-broken.jsonl`, "--limit", "3");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /records: 9 read, 2 valid, 7 invalid/);
  assert.match(r.stdout, /invalid records \(first 3 of 7\):/);
  assert.match(r.stdout, /chat-broken\.jsonl:2: no assistant turn/);
  assert.match(r.stdout, /chat-broken\.jsonl:5: messages\[0\]\.role 'tool'/);
  assert.doesNotMatch(r.stdout, /chat-broken\.jsonl:6:/);
});

test("spawned: unreadable -> exit 2, one line naming the file", () => {
  const r = spawnInspect(`${FIX}/nope.jsonl`);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), `nanoinstruct: ${FIX}/nope.jsonl: cannot read: no such file`);
});

test("--json prints one JSON object", async () => {
  const r = await runInspect(`${FIX}/alpaca-broken.json`, "--json");
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.format, "alpaca");
  assert.deepEqual(out.counts, { read: 8, valid: 2, invalid: 6 });
  assert.deepEqual(out.invalid[0], { file: `${FIX}/alpaca-broken.json`, line: 3, index: 1, what: "missing field 'output'" });
  assert.equal(out.stats.chars.prompt.count, 2);
});

test("unparseable file -> exit 2 with file and line; with --json also a JSON object", async () => {
  const r = await runInspect(`${FIX}/garbage.jsonl`, "--json");
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split("\n").length, 1);
  assert.match(r.stderr, /^nanoinstruct: tests\/fixtures\/data\/garbage\.jsonl:1: not valid JSON/);
  assert.equal(JSON.parse(r.stdout).exitCode, 2);
});

test("--strict stops at the first invalid record with exit 1; --format and --map are honoured", async () => {
  const strict = await runInspect(`${FIX}/dolly-broken.csv`, "--strict", "--format", "csv:dolly");
  assert.equal(strict.code, 1);
  assert.equal(strict.stderr, `nanoinstruct: ${FIX}/dolly-broken.csv:3: row has 3 fields, the header has 4`);
  const mapped = await runInspect(`${FIX}/unknown-fields.jsonl`, "--map", "question=instruction", "--map", "answer=output");
  assert.equal(mapped.code, 0, mapped.stderr);
  assert.match(mapped.stdout, /format: alpaca \(jsonl\)/);
  const badFormat = await runInspect(`${FIX}/alpaca.json`, "--format", "yaml");
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /unknown format 'yaml'/);
  const twoFiles = await runInspect("a", "b");
  assert.equal(twoFiles.code, 2);
});
