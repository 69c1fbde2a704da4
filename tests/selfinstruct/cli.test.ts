// `nanoinstruct self-instruct` as a user runs it: --filter-only on a real file (kept and dropped files,
// summary), the usage text, and one-line errors for bad flags.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../lib/cli/main";

const dir = mkdtempSync(join(tmpdir(), "ni-si-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ["bin/nanoinstruct.js", "self-instruct", ...args], { env: { ...process.env, ...env } });
  let stdout = "", stderr = "";
  p.stdout.on("data", (d) => (stdout += d));
  p.stderr.on("data", (d) => (stderr += d));
  return new Promise((r) => p.on("close", (code) => r({ code, stdout, stderr })));
}

test("--filter-only writes the kept records in the input's format and the dropped ones with their rule", async () => {
  const input = join(dir, "data.json");
  writeFileSync(input, JSON.stringify([
    { instruction: "Name the capital of the given country.", input: "Kipaun", output: "Griasto" },
    { instruction: "Name the capital of the country given.", input: "Thiovia", output: "Feze" },
    { instruction: "Plot the numbers on a chart.", input: "1, 2", output: "..." },
    { instruction: "Tell me a fact about geese.", input: "", output: "Geese honk." },
  ]));
  const out = join(dir, "kept.json");
  const r = await cli(["--filter-only", "--input", input, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `data.json: 4 records (alpaca)\nkept 2 -> ${out}\ndropped 2 -> ${join(dir, "kept.dropped.jsonl")}: blacklist 1, rouge 1\n`);
  const kept = JSON.parse(readFileSync(out, "utf8"));
  assert.deepEqual(kept.map((k: any) => k.instruction), ["Name the capital of the given country.", "Tell me a fact about geese."]);
  const dropped = readFileSync(join(dir, "kept.dropped.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(dropped.map((d) => [d.id, d.rule, d.nearest[0]?.id ?? null]), [["data-1", "rouge", "data-0"], ["data-2", "blacklist", null]]);

  // JSONL out, ROUGE off, --json summary.
  const out2 = join(dir, "kept.jsonl");
  const j = await cli(["--filter-only", "--input", input, "--out", out2, "--dropped", join(dir, "d.jsonl"), "--rouge-threshold", "off", "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const s = JSON.parse(j.stdout);
  assert.deepEqual([s.read, s.kept, s.dropped, s.byRule.rouge, s.byRule.blacklist], [4, 3, 1, 0, 1]);
  assert.equal(readFileSync(out2, "utf8").trim().split("\n").length, 3);
});

/** The same dispatcher in this process (no Node + tsx start-up per case), console output captured. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const code = await main(["self-instruct", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("usage text and one-line errors", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: nanoinstruct self-instruct --url URL --model NAME --n N --out FILE/);
  assert.match(help.stdout, /--requests-per-batch N/);
  assert.match(help.stdout, /--filter-only/);
  const cases: [string[], RegExp][] = [
    [["--model", "m", "--n", "3", "--out", join(dir, "x.jsonl")], /^nanoinstruct: --url is required \(or set OPENAI_BASE_URL\)$/],
    [["--url", "http://127.0.0.1:1/v1", "--model", "m", "--out", join(dir, "x.jsonl")], /^nanoinstruct: --n is required$/],
    [["--url", "http://127.0.0.1:1/v1", "--model", "m", "--n", "3", "--out", join(dir, "x.jsonl"), "--api", "soap"], /^nanoinstruct: --api must be completions or chat, got 'soap'$/],
    [["--url", "http://127.0.0.1:1/v1", "--model", "m", "--n", "three", "--out", join(dir, "x.jsonl")], /^nanoinstruct: --n must be an integer, got 'three'$/],
    [["--input", "x.jsonl", "--out", "y.jsonl"], /^nanoinstruct: --input goes with --filter-only$/],
    [["--filter-only", "--input", join(dir, "missing.jsonl"), "--out", join(dir, "y.jsonl")], /missing\.jsonl: cannot read: no such file$/],
    [["--url", "http://127.0.0.1:1/v1", "--model", "m", "--n", "1", "--out", join(dir, "x.jsonl"), "--seed-tasks", join(dir, "none.jsonl")], /none\.jsonl: cannot read seed tasks: no such file$/],
  ];
  const saved = process.env.OPENAI_BASE_URL;
  delete process.env.OPENAI_BASE_URL;
  for (const [args, re] of cases) {
    const r = await inProcess(args);
    assert.notEqual(r.code, 0, args.join(" "));
    assert.match(r.stderr.trim(), re, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  if (saved !== undefined) process.env.OPENAI_BASE_URL = saved;
});
